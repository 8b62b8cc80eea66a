namespace ActiveIT.Core.Formats;

/// <summary>One task's entry in Active-IT's <c>task_metadata.json</c>: the label flag its class balance reads
/// (<c>"ExactMentioned"</c> = classification), NIV2's categories, and where given the split and the CLS/GEN tag.</summary>
public sealed record Niv2TaskMetadataEntry(string? DefHasLabel, IReadOnlyList<string> Categories, string? Split, string? ClsGen);
