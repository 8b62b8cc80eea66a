using System.Globalization;
using ActiveIT.Core;
using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// Active-IT's published setting (methods.md §1) as a config — the `paper` preset — and how any config differs from it.
/// What no config here can match (the model) is listed for every config.
/// </summary>
public static class PaperSetting
{
    public const int TasksPerRound = 68;
    public const int Rounds = 4;
    public const int InstancesPerTask = 200;
    public const int EvaluationTasks = 119;
    public const int EvaluationInstances = 100;
    public const int EvaluationMaxNewTokens = 128;
    public const int Epochs = 8;
    public const int BatchSize = 128;
    public const double LearningRate = 5e-5;
    public const int WarmupSteps = 50;
    public const string Schedule = "constant";
    public const int Seeds = 5;

    /// <summary>Active-IT's dev split: 68 tasks per pool, 100 instances each (<c>--max_num_instances_per_eval_task 100</c>),
    /// scored after every epoch to keep the best (<c>--load_best_model_at_end</c>).</summary>
    public const int DevTasks = 68;
    public const int DevInstances = 100;

    /// <summary>Tk-Instruct's encoder reads up to 1024 source tokens and writes up to 128: one decoder context holding both.</summary>
    public const int Context = 1024 + 128;

    /// <summary><paramref name="config"/> with every published value set; pool, strategy, model shape and checkpoint kept, and
    /// named tasks (held-out, dev, initial, candidates — a split read with --split-dir) kept: without named dev tasks, 68 are
    /// drawn per seed.</summary>
    public static ExperimentConfig Apply(ExperimentConfig config) => config with
    {
        ClassBalance = true,
        ClassShare = TaskSelector.PaperClassShare,
        InitialTasks = TasksPerRound,
        TasksPerRound = TasksPerRound,
        Rounds = Rounds,
        InstancesPerTask = InstancesPerTask,
        Evaluation = config.Evaluation with
        {
            Tasks = EvaluationTasks, InstancesPerTask = EvaluationInstances, MaxNewTokens = EvaluationMaxNewTokens, Instances = EvaluationSpec.FirstInstances,
            DevTasks = config.Evaluation.DevTaskIds.Count > 0 ? config.Evaluation.DevTasks : DevTasks, DevInstancesPerTask = DevInstances,
        },
        Model = config.Model with { Context = Context },
        Training = config.Training with
        {
            Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, WarmupSteps = WarmupSteps, Schedule = Schedule, ContinueTraining = false,
            SelectBestEpoch = true,
        },
        Scoring = config.Scoring with
        {
            Instances = PaperScoring.Instances, Perturbations = PaperScoring.Perturbations, DropProbability = PaperScoring.DropProbability,
            MaxNewTokens = PaperScoring.MaxNewTokens,
        },
        Seeds = [.. Enumerable.Range(1, Seeds).Select(s => (ulong)s)],
    };

    /// <summary>Every setting of <paramref name="c"/> that differs from the published one, with the paper's value beside ours.</summary>
    public static IReadOnlyList<ScaleDeviation> Deviations(ExperimentConfig c)
    {
        var deviations = new List<ScaleDeviation>();
        void Differ<T>(string field, T ours, T paper, string why) where T : notnull
        {
            if (!EqualityComparer<T>.Default.Equals(ours, paper))
            {
                deviations.Add(new(field, Text(ours), Text(paper), why));
            }
        }
        var initial = c.InitialTaskIds.Count > 0 ? c.InitialTaskIds.Count : c.InitialTasks;
        Differ("initial_tasks", initial, TasksPerRound, "round 0's task count");
        if (c.ParsedStrategyOrNull != SelectionStrategy.FullyTrained)
        {
            Differ("tasks_per_round", c.TasksPerRound, TasksPerRound, "tasks each round adds");
            Differ("rounds", c.Rounds, Rounds, "selection rounds after round 0");
        }
        Differ("instances_per_task", c.InstancesPerTask, InstancesPerTask, "training instances per task");
        Differ("class_balance", c.ClassBalance, true, "the paper balances classification and generation tasks in every round");
        if (c.ClassBalance)
        {
            Differ("class_share", c.ClassShare?.ToString("0.###", CultureInfo.InvariantCulture) ?? "pool", "0.356", "classification share of a round (24 of 68)");
        }
        Differ("seeds", c.Seeds.Count, Seeds, "runs (the paper's 5 pools)");
        var evaluationTasks = c.Evaluation.TaskIds.Count > 0 ? c.Evaluation.TaskIds.Count : c.Evaluation.Tasks;
        Differ("evaluation.tasks", evaluationTasks, EvaluationTasks, "held-out tasks (NIV2's English test split)");
        Differ("evaluation.instances_per_task", c.Evaluation.InstancesPerTask, EvaluationInstances, "instances per held-out task");
        Differ("evaluation.max_new_tokens", c.Evaluation.MaxNewTokens, EvaluationMaxNewTokens, "longest generated answer when evaluating");
        Differ("evaluation.instances", c.Evaluation.Instances, EvaluationSpec.FirstInstances,
            "which instances of a held-out task are scored (NIV2's test tasks list 100 label-balanced instances first)");
        Differ("training.epochs", c.Training.Epochs, Epochs, "epochs per round");
        Differ("training.batch_size", c.Training.BatchSize, BatchSize, "examples per optimiser step");
        Differ("training.learning_rate", c.Training.LearningRate, LearningRate, "peak learning rate");
        Differ("training.warmup_steps", c.Training.WarmupSteps, WarmupSteps, "warm-up steps");
        Differ("training.schedule", c.Training.Schedule, Schedule, "after warm-up");
        Differ("training.continue_training", c.Training.ContinueTraining, false, "the paper trains every round from the base model");
        Differ("model.context", c.Model.Context, Context, "prompt and answer share one decoder context; positive examples are kept only while they fit");
        deviations.Add(new("model", c.Model.BaseCheckpoint is null
                ? $"GPT {c.Model.Layers} layers, {c.Model.Heads} heads, d {c.Model.DModel}, from fresh weights"
                : $"GPT {c.Model.Layers} layers, {c.Model.Heads} heads, d {c.Model.DModel}, from {c.Model.BaseCheckpoint}",
            "t5-large-lm-adapt (770M parameters, pretrained)", "no pretrained weights here and no encoder-decoder model: a small decoder trained from scratch or a base pretrained by `activeit pretrain`"));
        if (c.Training.SelectBestEpoch && c.Evaluation.HasDev)
        {
            var dev = c.Evaluation.DevTaskIds.Count > 0 ? c.Evaluation.DevTaskIds.Count : c.Evaluation.DevTasks;
            Differ("evaluation.dev_tasks", dev, DevTasks, "dev tasks the best epoch is chosen on");
            Differ("evaluation.dev_instances_per_task", c.Evaluation.DevInstancesPerTask, DevInstances, "instances per dev task");
        }
        else
        {
            deviations.Add(new("model_selection", "the last epoch's model", "the best epoch by ROUGE-L on 68 dev tasks",
                "training.select_best_epoch is off: every round keeps its last epoch"));
        }
        if (c.ParsedStrategyOrNull is { } strategy && strategy.NeedsScores)
        {
            deviations.AddRange(PaperScoring.Deviations(c.Scoring.Instances, c.Scoring.Perturbations, c.Scoring.DropProbability, c.Scoring.MaxNewTokens, "scoring."));
        }
        return deviations;
    }

    private static string Text<T>(T value) where T : notnull => value switch
    {
        double d => ScaleDeviation.Format(d),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
