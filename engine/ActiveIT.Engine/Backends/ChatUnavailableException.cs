namespace ActiveIT.Engine.Backends;

/// <summary>
/// The server could not be used (authentication, unknown model, or still failing after the retries): the run stops,
/// keeping everything it has, and resumes when run again.
/// </summary>
public sealed class ChatUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
