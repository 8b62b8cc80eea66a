using System.Text.Json.Serialization;
using ActiveIT.Core.Curriculum;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// An active instruction-tuning experiment (methods.md §1): which pool, which held-out tasks, how many tasks each
/// round adds and by which strategy, and how every round's model is trained and evaluated. One run per seed; a
/// seed decides the split, the base model, batch order and random selection. Names are the JSON/CLI names.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.ExperimentConfig")]
public sealed record ExperimentConfig
{
    [Id(0)]
    public string Name { get; init; } = "";
    [Id(1)]
    public string Pool { get; init; } = "";
    [Id(2)]
    public string Strategy { get; init; } = "random";

    /// <summary>Balance classification and generation tasks in every round (by <see cref="ClassShare"/>).</summary>
    [Id(3)]
    public bool ClassBalance { get; init; }

    /// <summary>With class balance: the fixed classification share of each round (the paper's 0.356: 24 of 68), or null
    /// for the remaining pool's own proportion.</summary>
    [Id(15)]
    public double? ClassShare { get; init; } = TaskSelector.PaperClassShare;

    [Id(4)]
    public int InitialTasks { get; init; } = 20;

    /// <summary>Fixed initial tasks (same for every seed) instead of <see cref="InitialTasks"/> drawn per seed.</summary>
    [Id(5)]
    public IReadOnlyList<string> InitialTaskIds { get; init; } = [];
    [Id(6)]
    public int TasksPerRound { get; init; } = 20;
    [Id(7)]
    public int Rounds { get; init; } = 4;
    [Id(8)]
    public int InstancesPerTask { get; init; } = 20;
    [Id(9)]
    public EvaluationSpec Evaluation { get; init; } = new();
    [Id(10)]
    public ModelSpec Model { get; init; } = new();
    [Id(11)]
    public TrainingSpec Training { get; init; } = new();
    [Id(12)]
    public ScoringSpec Scoring { get; init; } = new();
    [Id(13)]
    public IReadOnlyList<ulong> Seeds { get; init; } = [1];

    /// <summary>Top share of the remaining pool by prompt uncertainty that counts as ambiguous (task-map strategies).</summary>
    [Id(14)]
    public double AmbiguousShare { get; init; } = 1.0 / 3;

    /// <summary>Restricts the tasks selection rounds may pick to these (Active-IT's remain_tasks.txt); empty: every
    /// pool task not held out, not a dev task and not yet selected.</summary>
    [Id(16)]
    public IReadOnlyList<string> CandidateTaskIds { get; init; } = [];

    /// <summary>Which of several independent draws a seeded strategy makes (0: the first). Selection rounds of draw d
    /// shuffle with their own stream, while the split, the initial tasks and the evaluation stay the seed's: a baseline
    /// can then be the mean of several random draws per seed, which removes part of its own selection noise from
    /// every paired difference against it.</summary>
    [Id(17)]
    public int SelectionDraw { get; init; }

    /// <summary>
    /// The version of each pool the experiment reads (its pool, and its evaluation pool) and a digest of the members it
    /// lists, fixed when it is created — the head then, or a version asked for (`--pool P@N`). Every round, resume and
    /// re-run reads these versions, never the head. Empty in records from before pools were versioned (they read the head).
    /// </summary>
    [Id(18)]
    public IReadOnlyList<PoolPin> Pins { get; init; } = [];

    /// <summary>The pinned version of <paramref name="pool"/>, or null where none is.</summary>
    public long? PinnedVersion(string pool) => Pins.FirstOrDefault(p => p.Pool == pool)?.Version;

    /// <summary>Where this experiment differs from the published setting, with the paper's value beside ours: written
    /// with the config into every record and report (read-only: ignored when a config file is read).</summary>
    public IReadOnlyList<ActiveIT.Core.ScaleDeviation> ScaleDeviations => PaperSetting.Deviations(this);

    [JsonIgnore]
    public SelectionStrategy? ParsedStrategyOrNull => SelectionStrategies.TryParse(Strategy, out var s) ? s : null;

    [JsonIgnore]
    public SelectionStrategy ParsedStrategy =>
        SelectionStrategies.TryParse(Strategy, out var s) ? s : throw new ArgumentException($"strategy '{Strategy}' is unknown");

    /// <summary>Errors as "field: problem", empty when the config is usable (pool contents are checked on creation).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string problem)
        {
            if (!ok)
            {
                errors.Add($"{field}: {problem}");
            }
        }
        Check(NameRule.IsValid(Name), "name", $"'{Name}' must be 1-100 letters, digits, '-', '_' or '.'");
        Check(NameRule.IsValid(Pool), "pool", $"'{Pool}' must be 1-100 letters, digits, '-', '_' or '.'");
        Check(SelectionStrategies.TryParse(Strategy, out var strategy), "strategy", $"'{Strategy}' is not one of {string.Join(", ", SelectionStrategies.Names)}");
        Check(InitialTaskIds.Count > 0 || InitialTasks >= 1, "initial_tasks", "must be at least 1");
        Check(InitialTaskIds.Distinct().Count() == InitialTaskIds.Count, "initial_task_ids", "has duplicates");
        if (strategy == SelectionStrategy.FullyTrained)
        {
            Check(Rounds == 0, "rounds", "fully-trained trains once on the whole pool: set rounds to 0");
        }
        else
        {
            Check(Rounds is >= 0 and <= 1000, "rounds", "must be 0-1000");
            Check(Rounds == 0 || TasksPerRound >= 1, "tasks_per_round", "must be at least 1");
        }
        Check(InstancesPerTask >= 1, "instances_per_task", "must be at least 1");
        Check(Seeds.Count >= 1, "seeds", "at least one seed");
        Check(Seeds.Distinct().Count() == Seeds.Count, "seeds", "has duplicates");
        Check(AmbiguousShare is >= 0 and <= 1, "ambiguous_share", "must be within 0-1");
        Check(ClassShare is null or (>= 0 and <= 1), "class_share", "must be within 0-1 (or null for the pool's proportion)");
        Check(CandidateTaskIds.Distinct().Count() == CandidateTaskIds.Count, "candidate_task_ids", "has duplicates");
        Check(SelectionDraw is >= 0 and <= 1000, "selection_draw", "must be 0-1000");
        Check(!(ParsedStrategyOrNull?.NeedsTarget ?? false) || Evaluation.HasDev, "strategy",
            $"'{Strategy}' selects toward the dev tasks: set evaluation.dev_task_ids or evaluation.dev_tasks");
        Check(!Training.SelectBestEpoch || Evaluation.HasDev, "training.select_best_epoch",
            "needs dev tasks to select on: set evaluation.dev_task_ids or evaluation.dev_tasks");
        foreach (var id in Evaluation.DevTaskIds.Intersect(InitialTaskIds, StringComparer.Ordinal))
        {
            errors.Add($"evaluation.dev_task_ids: '{id}' is also an initial task (initial_task_ids)");
        }
        Check(!Model.ChatTemplate || Model.BaseCheckpoint is not null, "model.chat_template",
            "the chat template is the base checkpoint's: set model.base_checkpoint");
        Check(Training.Adapter == TrainingSpec.NoAdapter || Model.BaseCheckpoint is not null, "training.adapter",
            "adapters train on a base: set model.base_checkpoint (a Llama-family checkpoint)");
        Check(Training.Adapter == TrainingSpec.NoAdapter || !Training.ContinueTraining, "training.continue_training",
            "with adapters each round trains fresh ones on the base; continuing them across rounds is not supported");
        errors.AddRange(Evaluation.Validate());
        errors.AddRange(Model.Validate());
        errors.AddRange(Training.Validate());
        errors.AddRange(Scoring.Validate());
        return errors;
    }
}
