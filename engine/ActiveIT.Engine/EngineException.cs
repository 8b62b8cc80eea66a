namespace ActiveIT.Engine;

/// <summary>An error raised by the native engine; the message is the engine's own.</summary>
public sealed class EngineException(string message) : Exception(message);
