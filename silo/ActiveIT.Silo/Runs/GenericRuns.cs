using System.Text.Json;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// A kind whose runs live in the generic <see cref="IRunGrain"/> (config and result as JSON): every verb is the same;
/// a kind only names a config's run and checks it before anything is stored.
/// </summary>
public abstract class GenericRuns<TConfig>(IGrainFactory grains) : RunKind<TConfig, RunView>
{
    protected IGrainFactory Grains => grains;

    protected abstract string NameOf(TConfig config);

    /// <summary>Throws (ArgumentException: 400, KeyNotFoundException: 404) when the config cannot run on this silo; returns it as it is stored.</summary>
    protected abstract Task<TConfig> CheckAsync(TConfig config);

    public override RunHeader Header(RunView record) => new(record.Name, record.Owner, record.Status);

    public override async Task<RunView> CreateAsync(TConfig config, string owner, CancellationToken cancellationToken)
    {
        var stored = await CheckAsync(config);  // may fill in what names the run (a scoring run's pool version)
        return RunView.Of(await Grain(NameOf(stored)).CreateAsync(JsonSerializer.Serialize(stored, RunJson.Options), owner));
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
        await DequeueAsync(grains, name);
        return RunView.Of(run);
    }

    public override async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (await Grain(name).GetAsync() is null)
        {
            return false;
        }
        await Grain(name).DeleteAsync();
        await DequeueAsync(grains, name);
        return true;
    }

    public override IAsyncEnumerable<RunView> WatchAsync(string name, CancellationToken cancellationToken) => PollAsync(name, r => r.UpdatedAt, cancellationToken);

    private IRunGrain Grain(string name) => ActiveIT.Grains.NameRule.IsValid(name)
        ? grains.GetGrain<IRunGrain>(RunKinds.Id(Kind, name))
        : throw new ArgumentException($"invalid run name '{name}': use 1–100 letters, digits, '-', '_' or '.'");
}
