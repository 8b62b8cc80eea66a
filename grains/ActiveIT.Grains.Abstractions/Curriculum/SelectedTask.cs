namespace ActiveIT.Grains.Curriculum;

/// <summary>A selected task and what its strategy saw: scores under the previous round's model, its kind, and for the
/// target-aware strategies its gradient and hidden-state cosine similarity to the dev tasks.</summary>
[GenerateSerializer, Immutable, Alias("activeit.SelectedTask")]
public sealed record SelectedTask(string TaskId, bool Classification, double? PromptUncertainty = null, double? PredictionProbability = null, double? Perplexity = null,
    string? KindRule = null, double? LabelLoss = null, double? Ifd = null, double? ResponseLength = null)
{
    [Id(9)]
    public double? GradientSimilarity { get; init; }
    [Id(10)]
    public double? HiddenSimilarity { get; init; }
}
