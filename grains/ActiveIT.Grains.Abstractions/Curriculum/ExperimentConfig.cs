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

    /// <summary>Where this experiment is scaled down from the published setting, in words: written with the config into
    /// every record and report (read-only: ignored when a config file is read).</summary>
    public IReadOnlyList<string> ScaleDeviations
    {
        get
        {
            var deviations = new List<string>();
            if (SelectionStrategies.TryParse(Strategy, out var strategy) && strategy.NeedsScores() && Scoring.MaxNewTokens < ScoringSpec.OriginalMaxNewTokens)
            {
                deviations.Add($"scoring.max_new_tokens {Scoring.MaxNewTokens}: reference outputs capped below the original's {ScoringSpec.OriginalMaxNewTokens} tokens");
            }
            return deviations;
        }
    }

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
        errors.AddRange(Evaluation.Validate());
        errors.AddRange(Model.Validate());
        errors.AddRange(Training.Validate());
        errors.AddRange(Scoring.Validate());
        return errors;
    }
}

/// <summary>
/// The held-out tasks: named tasks, or <see cref="Tasks"/> drawn per seed; from <see cref="Pool"/> when set (they
/// are then never candidates), else from the experiment's pool (and removed from its candidates).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.EvaluationSpec")]
public sealed record EvaluationSpec
{
    [Id(0)]
    public string? Pool { get; init; }
    [Id(1)]
    public int Tasks { get; init; } = 20;
    [Id(2)]
    public IReadOnlyList<string> TaskIds { get; init; } = [];
    [Id(3)]
    public int InstancesPerTask { get; init; } = 20;
    [Id(4)]
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>Categories (a task's first category: its family in a families pool, its task type in NIV2) held out
    /// whole: their tasks are never candidates, and <see cref="HeldOutCategoryTasks"/> of them per seed are evaluated
    /// apart from the unseen tasks of seen categories.</summary>
    [Id(5)]
    public IReadOnlyList<string> HeldOutCategories { get; init; } = [];
    [Id(6)]
    public int HeldOutCategoryTasks { get; init; } = 20;

    public IEnumerable<string> Validate()
    {
        if (HeldOutCategories.Count > 0 && HeldOutCategoryTasks < 1)
        {
            yield return "evaluation.held_out_category_tasks: must be at least 1 with evaluation.held_out_categories";
        }
        if (Pool is not null && !NameRule.IsValid(Pool))
        {
            yield return $"evaluation.pool: '{Pool}' must be 1-100 letters, digits, '-', '_' or '.'";
        }
        if (TaskIds.Count == 0 && Tasks < 1)
        {
            yield return "evaluation.tasks: must be at least 1 (or list evaluation.task_ids)";
        }
        if (InstancesPerTask < 1)
        {
            yield return "evaluation.instances_per_task: must be at least 1";
        }
        if (MaxNewTokens is < 1 or > 4096)
        {
            yield return "evaluation.max_new_tokens: must be 1-4096";
        }
    }
}

/// <summary>The decoder every round trains from scratch (or from <see cref="BaseCheckpoint"/>, a safetensors file).</summary>
[GenerateSerializer, Immutable, Alias("activeit.ModelSpec")]
public sealed record ModelSpec
{
    [Id(0)]
    public int Layers { get; init; } = 3;
    [Id(1)]
    public int Heads { get; init; } = 4;
    [Id(2)]
    public int DModel { get; init; } = 64;
    [Id(3)]
    public int Context { get; init; } = 256;
    [Id(4)]
    public string? BaseCheckpoint { get; init; }

    /// <summary>One seed's base checkpoint: "{seed}" in <see cref="BaseCheckpoint"/> stands for the seed, for bases pretrained per seed.</summary>
    public string? BaseCheckpointFor(ulong seed) =>
        BaseCheckpoint?.Replace("{seed}", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public IEnumerable<string> Validate()
    {
        if (Layers is < 1 or > 64)
        {
            yield return "model.layers: must be 1-64";
        }
        if (Heads < 1 || DModel < 1 || DModel % Heads != 0 || (DModel / Heads) % 2 != 0)
        {
            yield return "model.d_model: must be a positive multiple of model.heads with an even head size";
        }
        if (Context is < 16 or > 8192)
        {
            yield return "model.context: must be 16-8192 tokens";
        }
    }
}

/// <summary>AdamW training of each round's model; <see cref="ContinueTraining"/> starts from the previous round's model instead of the base.</summary>
[GenerateSerializer, Immutable, Alias("activeit.TrainingSpec")]
public sealed record TrainingSpec
{
    [Id(0)]
    public int Epochs { get; init; } = 4;
    [Id(1)]
    public int BatchSize { get; init; } = 32;
    [Id(2)]
    public double LearningRate { get; init; } = 1e-3;
    [Id(3)]
    public int WarmupSteps { get; init; } = 20;
    [Id(4)]
    public string Schedule { get; init; } = "linear";
    [Id(5)]
    public double WeightDecay { get; init; } = 0.01;
    [Id(6)]
    public bool ContinueTraining { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Epochs is < 1 or > 1000)
        {
            yield return "training.epochs: must be 1-1000";
        }
        if (BatchSize is < 1 or > 4096)
        {
            yield return "training.batch_size: must be 1-4096";
        }
        if (!(LearningRate > 0 && LearningRate < 1))
        {
            yield return "training.learning_rate: must be within (0, 1)";
        }
        if (WarmupSteps < 0)
        {
            yield return "training.warmup_steps: must not be negative";
        }
        if (Schedule is not ("constant" or "linear" or "cosine"))
        {
            yield return $"training.schedule: '{Schedule}' is not one of constant, linear, cosine";
        }
        if (WeightDecay is < 0 or > 1)
        {
            yield return "training.weight_decay: must be within 0-1";
        }
    }
}

/// <summary>The prompt-uncertainty scorer (methods.md §1); with the model version it keys the pool's cached scores.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ScoringSpec")]
public sealed record ScoringSpec
{
    [Id(0)]
    public int Instances { get; init; } = 10;
    [Id(1)]
    public int Perturbations { get; init; } = 10;
    [Id(2)]
    public double DropProbability { get; init; } = 0.2;
    [Id(3)]
    public ulong Seed { get; init; }
    [Id(4)]
    public int MaxNewTokens { get; init; } = OriginalMaxNewTokens;

    /// <summary>The original caps the greedy reference outputs at 128 tokens (methods.md §1); less is a scale deviation.</summary>
    public const int OriginalMaxNewTokens = 128;

    public IEnumerable<string> Validate()
    {
        if (Instances < 1)
        {
            yield return "scoring.instances: must be at least 1";
        }
        if (Perturbations < 1)
        {
            yield return "scoring.perturbations: must be at least 1";
        }
        if (DropProbability is < 0 or > 1)
        {
            yield return "scoring.drop_probability: must be within 0-1";
        }
        if (MaxNewTokens is < 1 or > 4096)
        {
            yield return "scoring.max_new_tokens: must be 1-4096";
        }
    }
}
