using System.Text.Json;

namespace ActiveIT.Grains.Persistence;

/// <summary>JSON-serialised state of one grain in an <see cref="IGrainStorage"/>.</summary>
internal sealed class PersistentState<TState>(IGrainStorage storage, string stateType, string grainKey, JsonSerializerOptions json)
    : IPersistentState<TState> where TState : class, new()
{
    public TState State { get; set; } = new();
    public string? Etag { get; private set; }
    public bool RecordExists => Etag is not null;

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await storage.ReadAsync(stateType, grainKey, cancellationToken);
        State = stored is null ? new TState() : JsonSerializer.Deserialize<TState>(stored.Json, json) ?? new TState();
        Etag = stored?.Etag;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default) =>
        Etag = await storage.WriteAsync(stateType, grainKey, JsonSerializer.Serialize(State, json), Etag, cancellationToken);

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await storage.ClearAsync(stateType, grainKey, Etag, cancellationToken);
        State = new TState();
        Etag = null;
    }
}
