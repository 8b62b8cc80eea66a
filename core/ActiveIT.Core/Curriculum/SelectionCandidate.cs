namespace ActiveIT.Core.Curriculum;

/// <summary>A task that may be selected, with its kind and, for scored strategies, its scores under the current model
/// (IFD null when the task has no reference outputs), and the mean length of its training references in bytes.</summary>
public sealed record SelectionCandidate(string TaskId, bool Classification, double PromptUncertainty = 0, double PredictionProbability = 0, double Perplexity = 0,
    double? Ifd = null, double ResponseLength = 0);
