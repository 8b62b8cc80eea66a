namespace ActiveIT.Grains.Curriculum;

[GenerateSerializer, Immutable, Alias("activeit.SelectedTask")]
public sealed record SelectedTask(string TaskId, bool Classification, double? PromptUncertainty = null, double? PredictionProbability = null, double? Perplexity = null,
    string? KindRule = null, double? LabelLoss = null, double? Ifd = null, double? ResponseLength = null);
