namespace ActiveIT.Core.Formats;

/// <summary>A task named by a split file, with its line (for errors that point back to it).</summary>
public sealed record Niv2SplitEntry(string TaskId, int Line);
