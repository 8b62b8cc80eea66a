using System.Diagnostics;
using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Import;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;

namespace ActiveIT.Client.Bench;

/// <summary>Import throughput of real NIV2 files, the cost of adding 10 tasks to a large pool, listing it at its head and at
/// an earlier version, and cached-score writes and reads.</summary>
internal static class PoolBenchmark
{
    private const int ScoredTasks = 1000;

    public static async Task<PoolBenchmarkResult> RunAsync(SiloStorage storage, string niv2Folder, int poolSize,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var storageName = storage.Kind;
        await using var silo = await EmbeddedSilo.StartAsync(storage, null, null, cancellationToken);
        var pools = new PoolService(silo.Grains);
        var run = Guid.NewGuid().ToString("N")[..8];

        var watch = Stopwatch.StartNew();
        var niv2 = TaskFileReader.Read(niv2Folder);
        var readSeconds = watch.Elapsed.TotalSeconds;
        var instances = niv2.Sum(t => t.Instances.Count);
        // Warm-up (JIT, connection pools, grain activation paths) on a scratch pool, so the timings are the steady state.
        await pools.ImportAsync($"warmup-{run}", [.. niv2.Take(10)], "bench", null, cancellationToken);
        watch.Restart();
        await pools.ImportAsync($"niv2-{run}", niv2, "bench", null, cancellationToken);
        var importSeconds = watch.Elapsed.TotalSeconds;
        progress?.Report($"NIV2: {niv2.Count} tasks, {instances} instances imported in {importSeconds:F2} s");

        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 16, MaxPatternLength = 4 });
        var bulk = RewriteTaskSource.Tasks(generator, poolSize + 10, 5, seed: 11);
        watch.Restart();
        foreach (var chunk in bulk.Take(poolSize).Chunk(1000))
        {
            await pools.ImportAsync($"big-{run}", chunk, "bench", null, cancellationToken);
            progress?.Report($"building a {poolSize}-task pool: {watch.Elapsed.TotalSeconds:F0} s");
        }
        var buildSeconds = watch.Elapsed.TotalSeconds;
        var before = (await pools.GetStatsAsync($"big-{run}", cancellationToken)).Version;
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var ten = RewriteTaskSource.Tasks(generator, 10, 5, seed: (ulong)(100 + i));
            watch.Restart();
            await pools.ImportAsync($"big-{run}", ten, "bench", null, cancellationToken);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();

        // Listing a version costs what listing the head does: both read every page once (first reads, not cached), in
        // turn, three times each; medians.
        var pool = silo.Grains.GetGrain<ITaskPoolGrain>($"big-{run}");
        var (head, earlier) = (new List<double>(), new List<double>());
        for (var i = 0; i < 3; i++)
        {
            await pools.ImportAsync($"big-{run}", RewriteTaskSource.Tasks(generator, 1, 5, seed: (ulong)(200 + i)), "bench", null, cancellationToken);  // the head's list must be read afresh
            watch.Restart();
            var headCount = (await pool.ListAllAsync()).Count;
            head.Add(watch.Elapsed.TotalMilliseconds);
            var (read, other) = i % 2 == 0 ? (before, before + 10) : (before + 10, before);
            await pool.ListAllAsync(other);  // the pool grain keeps one earlier version's list: make it the other one
            watch.Restart();
            var earlierCount = (await pool.ListAllAsync(read)).Count;
            earlier.Add(watch.Elapsed.TotalMilliseconds);
            if (headCount <= earlierCount)
            {
                throw new InvalidOperationException($"the head lists {headCount} tasks, an earlier version {earlierCount}");
            }
        }
        head.Sort();
        earlier.Sort();

        // Cached scores: what every scoring round and the task map read, one task grain each.
        var scored = (await silo.Grains.GetGrain<ITaskPoolGrain>($"big-{run}").ListAsync(0, ScoredTasks)).Select(m => m.ContentHash).ToArray();
        var key = new ScoreKey("bench", "v1", "pu:n=10,k=10,p=0.2");
        var score = new TaskScore(new Dictionary<string, double> { ["prompt_uncertainty"] = 0.1, ["prediction_probability"] = 0.5, ["perplexity"] = 3 }, DateTimeOffset.UnixEpoch);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        watch.Restart();
        await Parallel.ForEachAsync(scored, parallel, async (hash, _) => await silo.Grains.GetGrain<ITaskGrain>(hash).PutScoreAsync(key, score));
        var writesPerS = scored.Length / watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var pass = 0; pass < 3; pass++)
        {
            await Parallel.ForEachAsync(scored, parallel, async (hash, _) =>
            {
                if (await silo.Grains.GetGrain<ITaskGrain>(hash).GetScoreAsync(key) is null)
                {
                    throw new InvalidOperationException($"the score stored for {hash} is missing");
                }
            });
        }
        var readsPerS = 3 * scored.Length / watch.Elapsed.TotalSeconds;
        progress?.Report($"scores: {writesPerS:F0} writes/s, {readsPerS:F0} reads/s");
        return new PoolBenchmarkResult(storageName, niv2.Count, instances, readSeconds, importSeconds, instances / importSeconds, niv2.Count / importSeconds,
            poolSize, buildSeconds, times[times.Count / 2], times[0], times[^1], scored.Length, writesPerS, readsPerS, head[1], earlier[1]);
    }
}
