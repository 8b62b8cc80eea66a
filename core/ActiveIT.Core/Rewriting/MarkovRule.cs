namespace ActiveIT.Core.Rewriting;

/// <summary>One rule of a Markov algorithm; a terminating rule halts the algorithm after it fires.</summary>
public sealed record MarkovRule(string Pattern, string Replacement, bool Terminating = false);
