using System.Globalization;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// The arena's ranking (issue #25 item 5): every strategy's paired gain over the baseline at the last round all its
/// seeds finished, with the 95 % interval and the smallest true difference those seeds detect, best first; beside it
/// what the strategy cost — its selection time per round (scoring, features, ranking) and its training time per round.
/// </summary>
internal sealed record ArenaRanking(string Experiment, string Strategy, int Round, int Seeds, double Gain, double Low, double High, double Sd,
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

    public static TextTable Table(IReadOnlyList<ArenaRanking> rows)
    {
        var table = new TextTable("rank", "strategy", "round", "seeds", "gain", "95 % interval", "detectable", "select s/round", "train s/round");
        foreach (var (r, i) in rows.Select((r, i) => (r, i + 1)))
        {
            table.Add(i, r.Strategy, r.Round, r.Seeds, r.Gain.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
                double.IsNaN(r.Low) ? "(baseline)" : $"[{r.Low:F2}, {r.High:F2}]", double.IsNaN(r.MinimumDetectable) ? "-" : $"±{r.MinimumDetectable:F2}",
                $"{r.SelectSecondsPerRound:F1}", $"{r.TrainSecondsPerRound:F1}");
        }
        table.FitToRows();
        return table;
    }

    /// <summary>The ranking as a picture: each strategy's gain with its 95 % interval, best on the left.</summary>
    public static string Svg(IReadOnlyList<ArenaRanking> rows, string baseline, string endpoint = "the last round")
    {
        static double Half(ArenaRanking r) => double.IsNaN(r.Low) ? 0 : (r.High - r.Low) / 2;
        var reach = rows.Select(r => Math.Abs(r.Gain) + Half(r)).DefaultIfEmpty(1).Max();
        var limit = Math.Max(1, Math.Ceiling(reach / 5) * 5);
        var plot = new SvgPlot($"Gain over {baseline} at {endpoint}, paired by seed", "rank", "difference (×100)", logX: false)
        {
            YMin = -limit,
            YMax = limit,
            Note = $"mean over seeds with its 95 % t interval; {rows.Select(r => r.Seeds).DefaultIfEmpty(0).Max()} seeds",
        };
        foreach (var (r, i) in rows.Select((r, i) => (r, i + 1)))
        {
            plot.Add(r.Strategy, [(i, r.Gain, Half(r))]);
        }
        return plot.Render();
    }
}
