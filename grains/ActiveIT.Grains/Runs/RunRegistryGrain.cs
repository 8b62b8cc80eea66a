using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Runs;

// The grain type and state name are those it had when it listed experiments only: their stored names stay readable.
[GrainType("activeit.experiments")]
public sealed class RunRegistryGrain([PersistentState("experiments", SiloStorage.ProviderName)] IPersistentState<RunRegistryState> state)
    : Grain, IRunRegistryGrain
{
    private readonly IPersistentState<RunRegistryState> _state = state;

    public Task AddAsync(string name) => UpdateAsync(names =>
    {
        var at = names.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0)
        {
            return false;
        }
        names.Insert(~at, name);
        return true;
    });

    public Task RemoveAsync(string name) => UpdateAsync(names => names.Remove(name));

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. _state.State.Names]);

    private Task UpdateAsync(Func<List<string>, bool> change) => _state.ChangeAsync(this, s => change(s.Names));
}
