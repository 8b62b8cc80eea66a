namespace ActiveIT.Grains;

/// <summary>
/// A grain's durable state (Orleans: <c>IPersistentState&lt;T&gt;</c>): read on activation, written only when the grain
/// awaits <see cref="WriteStateAsync"/>. A write fails with <see cref="InconsistentStateException"/> when another
/// activation (another silo on the same database) wrote first.
/// </summary>
public interface IPersistentState<TState> where TState : class, new()
{
    TState State { get; set; }
    string? Etag { get; }
    bool RecordExists { get; }
    Task ReadStateAsync(CancellationToken cancellationToken = default);
    Task WriteStateAsync(CancellationToken cancellationToken = default);
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
