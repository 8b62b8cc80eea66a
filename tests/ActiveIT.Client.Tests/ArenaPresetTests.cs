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
        var experiments = demo.Configs("bases/seed-{seed}.safetensors");
        Assert.Equal(demo.Strategies.Count + 2, experiments.Count);
        Assert.Equal([("arena-random", 0), ("arena-random-draw2", 1), ("arena-random-draw3", 2)],
            experiments.Where(e => e.Strategy == "random").Select(e => (e.Name, e.SelectionDraw)));
        Assert.Equal(experiments.Count, experiments.Select(e => e.Name).Distinct().Count());
        Assert.All(experiments, config => Assert.Empty(config.Validate()));
        // One-draw presets keep their single random experiment under its old name.
        Assert.Equal(["report-random", "report-prompt-uncertainty", "report-high-perplexity", "report-low-perplexity"],
            CurriculumDemo.Preset("report").Configs("b").Select(e => e.Name));
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

    [Fact]
    public void TheArenasCommittedRecords_RestoreIntoThisCodesArena_ButNotAnArmWhoseStrategyChangedSince()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ActiveIT.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new DirectoryNotFoundException("no ActiveIT.sln above the test");
        }
        var records = DemoRecords.Read(Path.Combine(root, "docs", "selection-arena-records.json.gz"));
        var demo = CurriculumDemo.Preset("arena");
        var configs = demo.Configs("here/seed-{seed}.safetensors");

        // Every arm but one: the settings this code would run, with the ten recorded seeds, on this directory's bases.
        foreach (var config in configs.Where(c => c.Strategy != "ambiguous"))
        {
            var restored = records.Restorable(config, demo);
            Assert.Equal(Enumerable.Range(1, 10).Select(s => (ulong)s), restored.Runs.Select(r => r.Seed));
            Assert.Equal("here/seed-{seed}.safetensors", restored.Config.Model.BaseCheckpoint);
        }
        // `ambiguous` ranked its category by PU when the arena ran (the same picks as prompt-uncertainty); it draws now.
        var ambiguous = configs.Single(c => c.Strategy == "ambiguous");
        var refused = Assert.Throws<ArgumentException>(() => records.Restorable(ambiguous, demo));
        Assert.Contains("experiment 'arena-ambiguous' ran strategy 'ambiguous' as it was defined before 2026-12-07", refused.Message);
        Assert.Contains("leave it out with --strategies", refused.Message);
    }
}
