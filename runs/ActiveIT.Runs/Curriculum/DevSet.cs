namespace ActiveIT.Runs.Curriculum;

/// <summary>A seed's dev instances as prompts with their references, and the metric they are scored in.</summary>
internal sealed record DevSet(IReadOnlyList<(string Prompt, IReadOnlyList<string> References)> Items, string Metric);
