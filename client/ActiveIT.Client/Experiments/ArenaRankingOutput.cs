using System.Globalization;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>The arena's ranking (<see cref="ArenaRanking"/>) as a table for people and as a picture.</summary>
internal static class ArenaRankingOutput
{
    public static TextTable Table(IReadOnlyList<ArenaRanking> rows)
    {
        var table = new TextTable("rank", "strategy", "round", "seeds", "gain", "95 % interval", "detectable", "select s/round", "train s/round");
        foreach (var (r, i) in rows.Select((r, i) => (r, i + 1)))
        {
            table.Add(i, r.Strategy, r.Round, r.Seeds, r.Gain.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
                r.IsBaseline ? "(baseline)" : double.IsNaN(r.Low) ? "-" : $"[{r.Low:F2}, {r.High:F2}]",
                double.IsNaN(r.MinimumDetectable) ? "-" : $"±{r.MinimumDetectable:F2}",
                double.IsNaN(r.SelectSecondsPerRound) ? "cached" : $"{r.SelectSecondsPerRound:F1}", $"{r.TrainSecondsPerRound:F1}");
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
