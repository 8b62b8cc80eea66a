using System.Runtime.CompilerServices;
using System.Text.Json;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Scoring;
using ActiveIT.Silo.Completions;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// Pool-scoring runs: a create checks the settings, the model and the pool, and stores the request in a
/// <see cref="IRunGrain"/>; a silo's <see cref="ScoringExecutor"/> scores the pool, each score cached in its task grain.
/// </summary>
public sealed class ScoringRuns(IGrainFactory grains, ModelRegistry models, IOptions<SiloOptions> options) : RunKind<ScoringRequest, RunView>
{

    public override string Kind => RunKinds.Scoring;

    public override RunHeader Header(RunView record) => new(record.Name, record.Owner, record.Status);

    public override async Task<RunView> CreateAsync(ScoringRequest config, string owner, CancellationToken cancellationToken)
    {
        if (config.Invalid(options.Value.MaxGenerationTokens) is { } invalid)
        {
            throw new ArgumentException(invalid);
        }
        PoolService.ValidatePoolName(config.Pool);
        if (!models.Ids.Contains(config.Model))
        {
            throw new KeyNotFoundException($"the silo serves no model '{config.Model}' (its models: {(models.Ids.Count == 0 ? "none; set ActiveIT:ModelDir" : string.Join(", ", models.Ids))})");
        }
        if ((await grains.GetGrain<ITaskPoolGrain>(config.Pool).GetStatsAsync()).Tasks == 0)
        {
            throw new KeyNotFoundException($"pool '{config.Pool}' has no tasks");
        }
        return RunView.Of(await Grain(config.RunName).CreateAsync(JsonSerializer.Serialize(config with { Name = config.RunName }, RunJson.Options), owner));
    }

    public override async Task<IReadOnlyList<RunView>> ListAsync(CancellationToken cancellationToken)
    {
        var runs = new List<RunView>();
        foreach (var name in await grains.GetGrain<IRunRegistryGrain>(IRunRegistryGrain.Key(Kind)).ListAsync())
        {
            if (await GetAsync(name, cancellationToken) is { } run)
            {
                runs.Add(run);
            }
        }
        return runs;
    }

    public override async Task<RunView?> GetAsync(string name, CancellationToken cancellationToken) =>
        await Grain(name).GetAsync() is { } record ? RunView.Of(record) : null;

    public override async Task<RunView> StartAsync(string name, CancellationToken cancellationToken) => RunView.Of(await Grain(name).QueueAsync());

    public override async Task<RunView> CancelAsync(string name, CancellationToken cancellationToken)
    {
        var run = await Grain(name).CancelAsync();
        await grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key).RemoveAsync(RunKinds.Id(Kind, name));
        return RunView.Of(run);
    }

    public override async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (await Grain(name).GetAsync() is null)
        {
            return false;
        }
        await Grain(name).DeleteAsync();
        await grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key).RemoveAsync(RunKinds.Id(Kind, name));
        return true;
    }

    /// <summary>Read every half second, sent when it changed (the executor reports at most twice a second).</summary>
    public override async IAsyncEnumerable<RunView> WatchAsync(string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested && await Grain(name).GetAsync() is { } run)
        {
            if (run.UpdatedAt != last)
            {
                last = run.UpdatedAt;
                yield return RunView.Of(run);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private IRunGrain Grain(string name) => Grains.NameRule.IsValid(name)
        ? grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name))
        : throw new ArgumentException($"invalid run name '{name}': use 1–100 letters, digits, '-', '_' or '.'");
}
