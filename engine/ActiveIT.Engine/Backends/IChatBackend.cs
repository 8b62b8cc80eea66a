using ActiveIT.Core.Transfer;

namespace ActiveIT.Engine.Backends;

/// <summary>What format transfer needs from a model that writes: one seeded answer to a conversation.</summary>
public interface IChatBackend
{
    /// <summary>Where the answers come from, for provenance ("local:FILE" or the endpoint).</summary>
    string Describe { get; }

    Task<ChatAnswer> CompleteAsync(IReadOnlyList<ChatTurn> messages, float temperature, int maxTokens, ulong seed, CancellationToken cancellationToken = default);
}
