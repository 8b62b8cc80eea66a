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
}
