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
    /// conflict), reads the stored state and applies the change to that instead, until a write succeeds (at most 20
    /// conflicts in a row). The change must therefore read what it changes from the state it is given. A change that
    /// throws may have left memory half-changed: the activation is discarded.
    /// </summary>
    public static Task ChangeAsync<T>(this IPersistentState<T> state, Grain grain, Action<T> change) => state.ChangeAsync(grain, s =>
    {
        try
        {
            change(s);
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
        return true;
    });

    /// <summary>
    /// As <see cref="ChangeAsync{T}(IPersistentState{T}, Grain, Action{T})"/>, for a change that decides first and
    /// changes last: it returns false when there is nothing to do (nothing is written), and when it refuses by throwing
    /// it has changed nothing, so the activation stays (with its observers).
    /// </summary>
    /// <returns>Whether a change was written.</returns>
    public static async Task<bool> ChangeAsync<T>(this IPersistentState<T> state, Grain grain, Func<T, bool> change)
    {
        const int Attempts = 20;
        for (var attempt = 1; ; attempt++)
        {
            if (!change(state.State))
            {
                return false;
            }
            try
            {
                await state.WriteOrDiscardAsync(grain);
                return true;
            }
            catch (InconsistentStateException) when (attempt < Attempts)
            {
                await ReadOrDiscardAsync(state, grain);
            }
            catch (InconsistentStateException)
            {
                grain.DeactivateOnIdle();  // memory holds a change the store refused 20 times: start afresh
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
