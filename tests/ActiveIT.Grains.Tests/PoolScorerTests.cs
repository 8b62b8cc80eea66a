using ActiveIT.Runs;
using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Grains.Tests;

public sealed class PoolScorerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-score-").FullName;
    private readonly GptModel _model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 256, RotaryDim: 8), seed: 1);
    private static readonly ScorerConfig Config = new(Instances: 3, Perturbations: 2, Seed: 1, MaxNewTokens: 4);

    private Task<EmbeddedSilo> HostAsync() => TestSilos.SqliteAsync(_dir);

    private async Task<EmbeddedSilo> PoolAsync()
    {
        var host = await HostAsync();
        var tasks = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 5, 4, seed: 3);
        await new PoolService(host.Grains).ImportAsync("p", tasks, "test");
        return host;
    }

    [Fact]
    public async Task Scores_AreComputedOncePerModelVersionAndConfig_AndSurviveRestart()
    {
        var backend = new LocalEngineBackend(_model, "tiny", "v1");
        await using (var host = await PoolAsync())
        {
            var first = await new PoolScorer(host.Grains, backend, Config).ScoreAsync("p");
            Assert.Equal(5, first.Count(r => !r.Cached));
            Assert.Equal(2, backend.EngineCalls);  // the five tasks share one generate and one score request
            var again = await new PoolScorer(host.Grains, backend, Config).ScoreAsync("p");
            Assert.All(again, r => Assert.True(r.Cached));
            Assert.Equal(2, backend.EngineCalls);
            Assert.Equal(first.Select(r => r.PromptUncertainty), again.Select(r => r.PromptUncertainty));

            var otherConfig = await new PoolScorer(host.Grains, backend, Config with { Seed = 2 }).ScoreAsync("p");
            Assert.All(otherConfig, r => Assert.False(r.Cached));
            var otherVersion = await new PoolScorer(host.Grains, new LocalEngineBackend(_model, "tiny", "v2"), Config).ScoreAsync("p");
            Assert.All(otherVersion, r => Assert.False(r.Cached));
        }
        await using var restarted = await HostAsync();
        var cached = await new PoolScorer(restarted.Grains, new LocalEngineBackend(_model, "tiny", "v1"), Config).CachedAsync("p");
        Assert.Equal(5, cached.Count);
    }

    [Fact]
    public async Task ScoresCachedByTheOldScorerVersion_AreNotReused()
    {
        await using var host = await PoolAsync();
        var backend = new LocalEngineBackend(_model, "tiny", "v1");
        var scorer = new PoolScorer(host.Grains, backend, Config);
        Assert.StartsWith("pu-v5:", scorer.Key.ScorerConfig);
        // What the previous scorer version stored for the same model and settings (no label loss or IFD).
        var old = scorer.Key with { ScorerConfig = "pu-v4:" + scorer.Key.ScorerConfig["pu-v5:".Length..] };
        foreach (var member in await host.Grains.GetGrain<ITaskPoolGrain>("p").ListAllAsync())
        {
            await host.Grains.GetGrain<ITaskGrain>(member.ContentHash).PutScoreAsync(old, new TaskScore(new Dictionary<string, double>
            {
                [PoolScorer.PromptUncertainty] = 9, [PoolScorer.PredictionProbability] = 9, [PoolScorer.Perplexity] = 9,
            }, DateTimeOffset.UnixEpoch));
        }
        var results = await scorer.ScoreAsync("p");
        Assert.All(results, r => Assert.False(r.Cached));
        Assert.All(results, r => Assert.NotEqual(9, r.Perplexity));
        Assert.All(results, r => Assert.True(r.LabelLoss > 0 && r.Ifd > 0));  // every task here has reference outputs
        var stored = (await scorer.CachedAsync("p")).ToDictionary(r => r.TaskId);  // label scores are cached with the others
        Assert.All(results, r => Assert.Equal(r with { Cached = true }, stored[r.TaskId]));
    }

    [Fact]
    public async Task CancelledRun_ResumesWithDoneTasksKept()
    {
        await using var host = await PoolAsync();
        using var cancel = new CancellationTokenSource();
        // Two tasks a request: the first request's two scores are stored, then the cancel stops the run.
        var scorer = new PoolScorer(host.Grains, new LocalEngineBackend(_model, "tiny", "v1"), Config, tasksPerCall: 2);
        var progress = new SyncProgress<(int Done, int Total)>(p =>
        {
            if (p.Done == 2)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scorer.ScoreAsync("p", progress, cancel.Token));
        var backend = new LocalEngineBackend(_model, "tiny", "v1");
        var resumed = await new PoolScorer(host.Grains, backend, Config).ScoreAsync("p");
        Assert.Equal(2, resumed.Count(r => r.Cached));
        Assert.Equal(2, backend.EngineCalls);  // the other three in one request
        Assert.Equal(resumed.Select(r => r.TaskId), (await host.Grains.GetGrain<ITaskPoolGrain>("p").ListAllAsync()).Select(m => m.TaskId));  // in pool order
    }

    public void Dispose()
    {
        _model.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
