namespace ActiveIT.Client.Transfer;

/// <summary>
/// Which model ranked the candidates and on which instances, beside the models and instances the experiment evaluates:
/// the record that lets a reader check the judge never saw the evaluation (the paper's GPT-J scorer is never tuned or
/// evaluated on the downstream tasks).
/// </summary>
internal sealed record TransferScoringRecord(string Scorer, IReadOnlyList<string> EvaluatedModels, IReadOnlyList<string> ScoredInstances,
    IReadOnlyList<string> EvaluatedInstances);
