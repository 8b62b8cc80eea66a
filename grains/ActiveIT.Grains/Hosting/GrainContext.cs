using System.Text.Json;
using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Hosting;

/// <summary>What a grain gets at construction: its key, the factory for calling other grains, and its persistent state.</summary>
public sealed class GrainContext(string key, IGrainFactory factory, IGrainStorage storage, JsonSerializerOptions json)
{
    public string Key { get; } = key;
    public IGrainFactory GrainFactory { get; } = factory;

    /// <summary>The named state of this grain (Orleans: <c>[PersistentState("name")]</c>); read by the host before the first call.</summary>
    public IPersistentState<TState> State<TState>(string name) where TState : class, new()
    {
        var state = new PersistentState<TState>(storage, name, Key, json);
        _states.Add(state.ReadStateAsync);
        return state;
    }

    private readonly List<Func<CancellationToken, Task>> _states = [];

    internal async Task ReadAllAsync(CancellationToken cancellationToken)
    {
        foreach (var read in _states)
        {
            await read(cancellationToken);
        }
    }
}
