namespace ActiveIT.Core.Metrics;

/// <summary>One line of NIV2's reference file: instance id, its references, and optionally task, category and track.</summary>
public sealed record EvaluationReference(string Id, IReadOnlyList<string> References, string? TaskId, string? TaskCategory, string Track = "default");
