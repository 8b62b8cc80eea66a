namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// The arena's ranking (issue #25 item 5): every strategy's paired gain over the baseline at one round shared by every
/// row, with the 95 % interval and the smallest true difference those seeds detect, best first; beside it what the
/// strategy cost — its selection time per round (scoring, features, ranking) and its training time per round.
/// The CLI prints it (demo, `experiment compare`) and the workbench's Compare page shows it.
/// </summary>
public sealed record ArenaRanking(string Experiment, string Strategy, int Round, int Seeds, double Gain, double Low, double High, double Sd,
    double MinimumDetectable, double SelectSecondsPerRound, double TrainSecondsPerRound, bool IsBaseline = false)
{
    /// <param name="baseline">The experiment the gains are paired against, or the mean of several random draws: one row (gain 0)
    /// stands for it, with its members' costs.</param>
    public static IReadOnlyList<ArenaRanking> Of(IReadOnlyList<Experiment> experiments, IReadOnlyList<PairedDifference> paired, SeedScores baseline)
    {
        var overall = paired.Where(p => p.Category == PairedDifference.Overall).ToArray();
        var round = CommonRound(overall);
        var rows = new List<ArenaRanking>();
        var members = experiments.Where(e => baseline.Members.Contains(e.Name)).ToArray();
        if (members.Length > 0)
        {
            var (select, train) = Costs(members);
            var at = round ?? baseline.Values.Keys.Where(k => k.Category == PairedDifference.Overall).Select(k => k.Round).DefaultIfEmpty(0).Max();
            var seeds = baseline.Values.TryGetValue((at, PairedDifference.Overall), out var bySeed) ? bySeed.Count : 0;
            var strategy = members.Length == 1 ? members[0].Config.Strategy : $"{members[0].Config.Strategy} (mean of {members.Length} draws)";
            rows.Add(new(baseline.Experiment, strategy, at, seeds, 0, double.NaN, double.NaN, double.NaN, double.NaN, select, train, IsBaseline: true));
        }
        foreach (var e in experiments.Where(e => !baseline.Members.Contains(e.Name)))
        {
            var own = overall.Where(p => p.Experiment == e.Name).ToArray();
            if (own.Length == 0)
            {
                continue;
            }
            var at = RowAt(own, round)!;  // the common round is shared by every experiment
            var (select, train) = Costs([e]);
            rows.Add(new(e.Name, e.Config.Strategy, at.Round, at.Seeds, at.Mean, at.Low, at.High, at.Sd, at.MinimumDetectable, select, train));
        }
        return [.. rows.OrderByDescending(r => r.Gain).ThenBy(r => r.Experiment, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The round every experiment is compared at: of the rounds after round 0 that all of them have paired with the
    /// baseline, the one where the fewest paired seeds is largest, the latest among equals. Rows at one round can be
    /// sorted against each other while some experiments are still running; round 0 is left out because it is the same
    /// model for every strategy of a seed (a difference of exactly 0). Null when no such round is shared (or there is
    /// only round 0): then each experiment is ranked at its own latest round with the most seeds.
    /// </summary>
    public static int? CommonRound(IReadOnlyList<PairedDifference> overall)
    {
        var experiments = overall.Select(p => p.Experiment).Distinct().Count();
        return overall.Where(p => p.Round > 0).GroupBy(p => p.Round)
            .Where(g => g.Select(p => p.Experiment).Distinct().Count() == experiments)
            .Select(g => (Round: g.Key, Seeds: g.Min(p => p.Seeds)))
            .OrderByDescending(x => x.Seeds).ThenByDescending(x => x.Round)
            .Select(x => (int?)x.Round).FirstOrDefault();
    }

    /// <summary>
    /// One experiment's overall difference at <paramref name="round"/> (the <see cref="CommonRound"/>); without one, at
    /// its own latest round with the most seeds. Null when it has no row at that round.
    /// </summary>
    public static PairedDifference? RowAt(IReadOnlyList<PairedDifference> own, int? round) =>
        round is { } r ? own.SingleOrDefault(p => p.Round == r) : own.Where(p => p.Seeds == own.Max(x => x.Seeds)).MaxBy(p => p.Round);

    /// <summary>
    /// Seconds per round after round 0, the median over every run's rounds (a run paused or slowed by another job
    /// skews a mean). Selection counts only rounds that scored their own candidates: where another strategy had
    /// already scored the same model (all strategies of a seed share round 0's, so round 1's scores are read from the
    /// first strategy's), the cache made the round cheap for reasons of run order. NaN for a strategy that never
    /// scored itself.
    /// </summary>
    private static (double Select, double Train) Costs(IEnumerable<Experiment> es)
    {
        var rounds = es.SelectMany(e => e.Runs).SelectMany(r => r.Rounds).Where(r => r.Round > 0).ToArray();
        return (Median(rounds.Where(r => r.Selection.ScoresFromCache == 0).Select(r => r.Selection.Seconds)),
            Median(rounds.Where(r => r.Training is not null).Select(r => r.Training!.Seconds)));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
