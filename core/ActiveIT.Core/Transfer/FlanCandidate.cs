namespace ActiveIT.Core.Transfer;

/// <summary>What a candidate says in FLAN's format: instance templates, each with an "{input}" placeholder.</summary>
public sealed record FlanCandidate(IReadOnlyList<string> Templates, IReadOnlyList<string> Warnings);
