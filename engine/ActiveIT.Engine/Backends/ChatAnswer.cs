namespace ActiveIT.Engine.Backends;

/// <summary>One chat answer with what it cost; <see cref="FinishReason"/> "length" means it was cut off.</summary>
public sealed record ChatAnswer(string Text, string FinishReason, int PromptTokens, int CompletionTokens);
