namespace ActiveIT.Grains.Curriculum;

/// <summary>Held-out results: the headline metric (exact match for string rewriting, else ROUGE-L), both overall and per category, ×100.
/// The overall figures cover the unseen tasks of seen categories; tasks of held-out categories are scored apart.
/// <see cref="Prompts"/>: how the evaluation prompts (both kinds) fitted the context.</summary>
[GenerateSerializer, Immutable, Alias("activeit.EvaluationRecord")]
public sealed record EvaluationRecord(
    string Metric,
    double Value,
    double ExactMatch,
    double RougeL,
    IReadOnlyDictionary<string, double> ExactMatchByCategory,
    IReadOnlyDictionary<string, double> RougeLByCategory,
    IReadOnlyDictionary<string, double> ByTask,
    int Tasks,
    int Instances,
    double Seconds,
    UnseenCategoryScore? UnseenCategories = null,
    PromptFit? Prompts = null);
