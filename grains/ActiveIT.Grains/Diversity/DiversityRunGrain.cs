using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Diversity;

[GrainType("activeit.diversity")]
public sealed class DiversityRunGrain([PersistentState("run", SiloStorage.ProviderName)] IPersistentState<DiversityRunState> state) : Grain, IDiversityRunGrain
{
    private readonly IPersistentState<DiversityRunState> _state = state;

    public Task<DiversityRun?> GetAsync() => Task.FromResult(_state.State.Run);

    public async Task PutAsync(DiversityRun run)
    {
        _state.State.Run = run;
        await _state.WriteOrDiscardAsync(this);
        await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).AddDiversityRunAsync(run.Name);
    }

    public async Task<bool> DeleteAsync()
    {
        if (_state.State.Run is null)
        {
            return false;
        }
        // Out of the catalog first: a crash between the two leaves a run nobody lists, never a listed run that is gone.
        await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).RemoveDiversityRunAsync(_state.State.Run.Name);
        _state.State.Run = null;
        await _state.WriteOrDiscardAsync(this);
        return true;
    }
}
