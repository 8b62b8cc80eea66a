namespace ActiveIT.Grains.Curriculum;

/// <summary>The tasks a round added (with their scores under the previous round's model when the strategy used them). Each
/// selected task records its kind and the rule that decided it (<see cref="ActiveIT.Core.Curriculum.TaskKind"/>).</summary>
[GenerateSerializer, Immutable, Alias("activeit.SelectionRecord")]
public sealed record SelectionRecord(
    string Strategy,
    IReadOnlyList<SelectedTask> Selected,
    int TrainingTasks,
    int Candidates,
    int ScoredNow,
    int ScoresFromCache,
    string? ScoreKey,
    double Seconds);
