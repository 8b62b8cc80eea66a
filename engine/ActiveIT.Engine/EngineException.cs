namespace ActiveIT.Engine;

/// <summary>An error raised by the engine on bad input or a bad checkpoint; the message says what and where.</summary>
public class EngineException(string message) : Exception(message);
