namespace ActiveIT.Core.Curriculum;

/// <summary>A task that may be selected, with its kind and, for scored strategies, its scores under the current model
/// (IFD null when the task has no reference outputs), the mean length of its training references in bytes, and for the
/// feature strategies its similarity to the dev tasks (gradient, hidden state) and its hidden-state features.</summary>
public sealed record SelectionCandidate(string TaskId, bool Classification, double PromptUncertainty = 0, double PredictionProbability = 0, double Perplexity = 0,
    double? Ifd = null, double ResponseLength = 0, double GradientSimilarity = 0, double HiddenSimilarity = 0, float[]? Hidden = null);
