using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;
using Orleans.Runtime;

namespace ActiveIT.Grains.Diversity;

[GrainType("activeit.diversity")]
public sealed class DiversityRunGrain([PersistentState("run", SiloStorage.ProviderName)] IPersistentState<DiversityRunState> state) : Grain, IDiversityRunGrain
{
    private readonly IPersistentState<DiversityRunState> _state = state;

    public Task<DiversityRun?> GetAsync() => Task.FromResult(_state.State.Run);

    public Task<DiversityRunInfo?> InfoAsync() => Task.FromResult(_state.State.Run?.Info);

    public async Task<string?> PutAsync(DiversityRun run, bool mayReplaceOthers)
    {
        if (_state.State.Run is { } existing && existing.Owner != run.Owner && !mayReplaceOthers)
        {
            return existing.Owner;
        }
        _state.State.Run = run with { Owner = _state.State.Run?.Owner ?? run.Owner };
        await _state.WriteOrDiscardAsync(this);
        await Catalog.NoteAsync(GrainFactory, c => c.AddDiversityRunAsync(run.Name));  // the CLI publishes again after the next model
        return null;
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
