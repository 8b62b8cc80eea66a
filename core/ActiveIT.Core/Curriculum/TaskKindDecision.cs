namespace ActiveIT.Core.Curriculum;

/// <summary>Whether a task counts as classification for class-balanced selection, and by which rule that was decided.</summary>
public readonly record struct TaskKindDecision(bool Classification, string Rule);
