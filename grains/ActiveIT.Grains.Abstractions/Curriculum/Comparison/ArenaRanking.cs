namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// The arena's ranking (issue #25 item 5): every strategy's paired gain over the baseline at the last round all its
/// seeds finished, with the 95 % interval and the smallest true difference those seeds detect, best first; beside it
/// what the strategy cost — its selection time per round (scoring, features, ranking) and its training time per round.
/// The CLI prints it (demo, `experiment compare`) and the workbench's Compare page shows it.
/// </summary>
public sealed record ArenaRanking(string Experiment, string Strategy, int Round, int Seeds, double Gain, double Low, double High, double Sd,
    double MinimumDetectable, double SelectSecondsPerRound, double TrainSecondsPerRound)
{
    /// <param name="baseline">The experiment the gains are paired against, or the mean of several random draws: one row (gain 0)
    /// stands for it, with its members' mean costs.</param>
    public static IReadOnlyList<ArenaRanking> Of(IReadOnlyList<Experiment> experiments, IReadOnlyList<PairedDifference> paired, SeedScores baseline)
    {
        static (double Select, double Train) Costs(IEnumerable<Experiment> es)
        {
            var rounds = es.SelectMany(e => e.Runs).SelectMany(r => r.Rounds).Where(r => r.Round > 0).ToArray();
            return (rounds.Select(r => r.Selection.Seconds).DefaultIfEmpty(0).Average(),
                rounds.Where(r => r.Training is not null).Select(r => r.Training!.Seconds).DefaultIfEmpty(0).Average());
        }
        var rows = new List<ArenaRanking>();
        var members = experiments.Where(e => baseline.Members.Contains(e.Name)).ToArray();
        if (members.Length > 0)
        {
            var (select, train) = Costs(members);
            var last = baseline.Values.Keys.Where(k => k.Category == PairedDifference.Overall).Select(k => k.Round).DefaultIfEmpty(0).Max();
            var seeds = baseline.Values.TryGetValue((last, PairedDifference.Overall), out var bySeed) ? bySeed.Count : 0;
            var strategy = members.Length == 1 ? members[0].Config.Strategy : $"{members[0].Config.Strategy} (mean of {members.Length} draws)";
            rows.Add(new(baseline.Experiment, strategy, last, seeds, 0, double.NaN, double.NaN, double.NaN, double.NaN, select, train));
        }
        foreach (var e in experiments.Where(e => !baseline.Members.Contains(e.Name)))
        {
            // The last round with the most seeds: a strategy still running is ranked where all its finished seeds agree.
            var overall = paired.Where(p => p.Experiment == e.Name && p.Category == PairedDifference.Overall).ToArray();
            if (overall.Length == 0)
            {
                continue;
            }
            var (select, train) = Costs([e]);
            var most = overall.Max(p => p.Seeds);
            var at = overall.Where(p => p.Seeds == most).MaxBy(p => p.Round)!;
            rows.Add(new(e.Name, e.Config.Strategy, at.Round, at.Seeds, at.Mean, at.Low, at.High, at.Sd, at.MinimumDetectable, select, train));
        }
        return [.. rows.OrderByDescending(r => r.Gain).ThenBy(r => r.Experiment, StringComparer.Ordinal)];
    }
}
