using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>What a candidate says in NIV2's format; warnings name what was missing or dropped.</summary>
public sealed record Niv2Candidate(string Definition, IReadOnlyList<TaskExample> Examples, IReadOnlyList<string> Warnings);
