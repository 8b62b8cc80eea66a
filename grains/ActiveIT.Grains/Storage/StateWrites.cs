using Orleans.Storage;

namespace ActiveIT.Grains.Storage;

/// <summary>
/// A grain changes its state in memory, then writes it. When the write fails for any reason but an ETag conflict
/// (storage unreachable, a timeout), the memory may hold a change the store does not: the activation is discarded
/// (deactivated once the call ends), so the next call reads the stored state afresh instead of trusting it.
/// ETag conflicts stay with the caller, which re-reads and decides again.
/// </summary>
public static class StateWrites
{
    public static async Task WriteOrDiscardAsync<T>(this IPersistentState<T> state, Grain grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is not InconsistentStateException)
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the state and writes it; when another activation wrote first (an ETag
    /// conflict), reads the stored state and applies the change to that instead, until a write succeeds. The change
    /// must therefore read what it changes from the state it is given.
    /// </summary>
    public static async Task ChangeAsync<T>(this IPersistentState<T> state, Grain grain, Action<T> change)
    {
        const int Attempts = 20;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                change(state.State);
                await state.WriteOrDiscardAsync(grain);
                return;
            }
            catch (InconsistentStateException) when (attempt < Attempts)
            {
                await ReadOrDiscardAsync(state, grain);
            }
            catch (Exception e) when (e is not InconsistentStateException)
            {
                // A change that threw halfway, or a failed write: memory may differ from the store; start afresh.
                grain.DeactivateOnIdle();
                throw;
            }
        }
    }

    private static async Task ReadOrDiscardAsync<T>(IPersistentState<T> state, Grain grain)
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
