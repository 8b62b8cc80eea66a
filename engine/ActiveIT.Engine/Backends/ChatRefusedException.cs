namespace ActiveIT.Engine.Backends;

/// <summary>The server declined this request (refusal, content filter, a 4xx about the request): the task fails, the run goes on.</summary>
public sealed class ChatRefusedException(string message, Exception? inner = null) : Exception(message, inner);
