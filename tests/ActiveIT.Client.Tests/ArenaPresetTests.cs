using ActiveIT.Client.Experiments;

namespace ActiveIT.Client.Tests;

/// <summary>The arena preset as the demo builds it: what each experiment is, and that its evaluation pool is a pool of
/// its own (docs/selection.md: the noise cuts).</summary>
public sealed class ArenaPresetTests
{
    [Fact]
    public void Arena_RunsEveryStrategyOnce_AndRandomThreeTimes_OnOneSplitPerSeed()
    {
        var demo = CurriculumDemo.Preset("arena");
        var experiments = demo.Experiments();
        Assert.Equal(demo.Strategies.Count + 2, experiments.Count);
        Assert.Equal([("arena-random", 0), ("arena-random-draw2", 1), ("arena-random-draw3", 2)],
            experiments.Where(e => e.Strategy == "random").Select(e => (e.Name, e.Draw)));
        Assert.Equal(experiments.Count, experiments.Select(e => e.Name).Distinct().Count());
        foreach (var (name, strategy, draw) in experiments)
        {
            var config = demo.Template with { Name = name, Pool = demo.PoolName, Strategy = strategy, SelectionDraw = draw };
            Assert.Empty(config.Validate());
        }
        // One-draw presets keep their single random experiment under its old name.
        Assert.Equal(["report-random", "report-prompt-uncertainty", "report-high-perplexity", "report-low-perplexity"],
            CurriculumDemo.Preset("report").Experiments().Select(e => e.Name));
    }

    [Fact]
    public void Arena_EvaluatesOnAPoolOfItsOwn_WithTheTrainingPoolsFamilies_AndOtherTasks()
    {
        var demo = CurriculumDemo.Preset("arena");
        Assert.Equal(demo.EvaluationPoolName, demo.Template.Evaluation.Pool);
        var pool = demo.PoolTasks();
        var evaluation = demo.EvaluationPoolTasks();
        Assert.Equal(400, evaluation.Count);
        Assert.Empty(pool.Select(t => t.Id).Intersect(evaluation.Select(t => t.Id)));
        Assert.Equal(pool.SelectMany(t => t.Categories).ToHashSet(), evaluation.SelectMany(t => t.Categories).ToHashSet());
        // 120 tasks drawn evenly over the 9 trained families need at least 14 of each in the pool.
        var trained = evaluation.Where(t => !demo.HeldOutFamilies.Contains(t.Categories[0])).GroupBy(t => t.Categories[0]).ToArray();
        Assert.Equal(9, trained.Length);
        Assert.All(trained, g => Assert.True(g.Count() >= 14, $"{g.Key}: {g.Count()} tasks"));
        Assert.Equal(120, demo.Template.Evaluation.Tasks);
    }
}
