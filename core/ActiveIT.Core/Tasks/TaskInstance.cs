namespace ActiveIT.Core.Tasks;

/// <summary>One evaluation or training instance; any of the reference outputs counts as correct.</summary>
public sealed record TaskInstance(string Id, string Input, IReadOnlyList<string> Outputs);
