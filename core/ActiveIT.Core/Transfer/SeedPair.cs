namespace ActiveIT.Core.Transfer;

/// <summary>One few-shot demonstration for a transfer: a task in a source format and the same task in the target format.</summary>
public sealed record SeedPair(string Source, string Target);
