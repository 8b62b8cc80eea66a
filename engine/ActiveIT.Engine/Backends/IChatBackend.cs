using ActiveIT.Core.Transfer;

namespace ActiveIT.Engine.Backends;

/// <summary>One chat answer with what it cost; <see cref="FinishReason"/> "length" means it was cut off.</summary>
public sealed record ChatAnswer(string Text, string FinishReason, int PromptTokens, int CompletionTokens);

/// <summary>The server declined this request (refusal, content filter, a 4xx about the request): the task fails, the run goes on.</summary>
public sealed class ChatRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The server could not be used (authentication, unknown model, or still failing after the retries): the run stops,
/// keeping everything it has, and resumes when run again.
/// </summary>
public sealed class ChatUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What format transfer needs from a model that writes: one seeded answer to a conversation.</summary>
public interface IChatBackend
{
    /// <summary>Where the answers come from, for provenance ("local:FILE" or the endpoint).</summary>
    string Describe { get; }

    Task<ChatAnswer> CompleteAsync(IReadOnlyList<ChatTurn> messages, float temperature, int maxTokens, ulong seed, CancellationToken cancellationToken = default);
}
