using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Core.Tests;

public sealed class TaskMapTruthTests
{
    [Fact]
    public void PrecisionAndRecall_CountWhereInjectedTasksLand()
    {
        // Six tasks: PU ranks a1, a2 (ambiguous) first; of the rest, n1 and x have the lowest PP (difficult).
        var points = new TaskMap.Point[]
        {
            new("a1", 0.9, 0.5), new("a2", 0.8, 0.5), new("n1", 0.1, 0.1), new("x", 0.2, 0.2), new("e1", 0.1, 0.9), new("e2", 0.2, 0.8),
        };
        var entries = TaskMap.Categorize(points);
        var truth = new Dictionary<string, string>
        {
            ["a1"] = "ambiguous", ["n1"] = "noisy", ["x"] = "ambiguous", ["e1"] = "none", ["e2"] = "none", ["a2"] = "noisy",
        };
        var rows = TaskMapTruth.Check(entries, truth);
        var ambiguous = rows[0];
        Assert.Equal(("ambiguous", TaskMapCategory.Ambiguous), (ambiguous.Injected, ambiguous.Category));
        Assert.Equal((2, 2, 1), (ambiguous.Injections, ambiguous.CategorySize, ambiguous.Hits));
        Assert.Equal((0.5, 0.5), (ambiguous.Precision, ambiguous.Recall));
        var noisy = rows[1];
        Assert.Equal(("noisy", TaskMapCategory.Difficult), (noisy.Injected, noisy.Category));
        Assert.Equal((0.5, 0.5), (noisy.Precision, noisy.Recall));
        Assert.Equal(9, rows.Count);
        Assert.Equal(1.0, rows.Single(r => r.Injected == "none" && r.Category == TaskMapCategory.Easy).Recall);

        // Tasks without ground truth are left out of every count.
        var only = TaskMapTruth.Check(entries, new Dictionary<string, string> { ["a1"] = "ambiguous" });
        Assert.Equal(3, only.Count);
        Assert.Equal(1, only.Sum(r => r.CategorySize));
    }

    [Fact]
    public void Rank_GivesThePrecisionAtHalfRecall_AndInTheTopThird()
    {
        // Nine tasks, three noisy (n1-n3). Label loss, high first: n1 9, c1 8, n2 7, c2 6, c3 5, n3 4, c4-c6 below.
        var loss = new Dictionary<string, double>
        {
            ["n1"] = 9, ["c1"] = 8, ["n2"] = 7, ["c2"] = 6, ["c3"] = 5, ["n3"] = 4, ["c4"] = 3, ["c5"] = 2, ["c6"] = 1, ["unlabelled"] = 99,
        };
        var truth = loss.Keys.Where(k => k != "unlabelled").ToDictionary(k => k, k => k[0] == 'n' ? "noisy" : "none");
        var row = TaskMapTruth.Rank(loss, truth, "noisy", "label loss", highFirst: true);
        // Half of 3 is 2: the head n1, c1, n2 catches two → precision 2/3; the top third (n1, c1, n2) holds 2 of 3.
        Assert.Equal(new TaskMapTruth.RankRow("noisy", "label loss", 3, 9, 3, 2 / 3.0, 2 / 3.0, 2 / 3.0), row);
        // Low first, the same scores put the noisy tasks late: the head reaching two of them is seven long.
        var low = TaskMapTruth.Rank(loss, truth, "noisy", "label loss", highFirst: false);
        Assert.Equal((7, 2 / 7.0, 0.0), (low.HeadAtHalfRecall, low.PrecisionAtHalfRecall, low.RecallTopThird));
        Assert.Equal(0, TaskMapTruth.Rank(loss, truth, "ambiguous", "label loss", true).Injections);
    }
}
