using ActiveIT.Grains.Runs;
using System.Text.Json.Serialization;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// An experiment as stored by its curriculum grain and returned to clients: its config, status, what each seed's run
/// has completed, the latest progress, and every session that worked on it (with code and library versions). Its owner
/// is who created it through a silo (the key's id; null when created by an embedded CLI).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.Experiment")]
public sealed record Experiment(
    ExperimentConfig Config,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<SeedRun> Runs,
    ExperimentProgress? Progress,
    RunnerLease? Runner,
    IReadOnlyList<RunSession> Sessions,
    string? Error,
    string? Owner = null)
{
    [JsonIgnore]
    public string Name => Config.Name;

    /// <summary>Rounds with an evaluation, over all seeds, and how many there will be.</summary>
    [JsonIgnore]
    public (int Done, int Total) CompletedRounds =>
        (Runs.Sum(r => r.Rounds.Count(x => x.Evaluation is not null)), Config.Seeds.Count * (Config.Rounds + 1));
}

/// <summary>One seed's run: its held-out tasks (unseen tasks, and with held-out categories the tasks of unseen
/// categories) and its rounds (round 0 = the initial set).</summary>
[GenerateSerializer, Immutable, Alias("activeit.SeedRun")]
public sealed record SeedRun(ulong Seed, string EvaluationPool, IReadOnlyList<string> EvaluationTaskIds, IReadOnlyList<RoundRecord> Rounds,
    IReadOnlyList<string>? UnseenCategoryTaskIds = null);

/// <summary>
/// One round, filled step by step: selection (with the scores it used), training (checkpoint and its hash),
/// evaluation. A step is done when its record is set; a restarted runner continues with the first missing one.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.RoundRecord")]
public sealed record RoundRecord(int Round, SelectionRecord Selection, TrainingRecord? Training = null, EvaluationRecord? Evaluation = null)
{
    [JsonIgnore]
    public int TrainingTasks => Selection.TrainingTasks;
}

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

[GenerateSerializer, Immutable, Alias("activeit.SelectedTask")]
public sealed record SelectedTask(string TaskId, bool Classification, double? PromptUncertainty = null, double? PredictionProbability = null, double? Perplexity = null,
    string? KindRule = null);

[GenerateSerializer, Immutable, Alias("activeit.TrainingRecord")]
public sealed record TrainingRecord(
    string Checkpoint,
    string ModelVersion,
    int Examples,
    int Steps,
    int Epochs,
    double FinalLoss,
    long Tokens,
    double Seconds,
    double TokensPerSecond,
    string Device);

/// <summary>Held-out results: the headline metric (exact match for string rewriting, else ROUGE-L), both overall and per category, ×100.
/// The overall figures cover the unseen tasks of seen categories; tasks of held-out categories are scored apart.</summary>
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
    UnseenCategoryScore? UnseenCategories = null);

/// <summary>The headline metric on tasks of categories held out whole (never trained on), ×100; per category in the
/// record's by-category maps.</summary>
[GenerateSerializer, Immutable, Alias("activeit.UnseenCategoryScore")]
public sealed record UnseenCategoryScore(double Value, double ExactMatch, double RougeL, int Tasks, int Instances);

/// <summary>Where a running experiment is: seed (index of count), round, step ("select", "score", "train", "evaluate"), done of total.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ExperimentProgress")]
public sealed record ExperimentProgress(ulong Seed, int SeedIndex, int Seeds, int Round, int Rounds, string Step, long Done, long Total, string? Detail, DateTimeOffset At);
