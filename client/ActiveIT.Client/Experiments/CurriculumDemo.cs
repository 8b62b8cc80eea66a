using ActiveIT.Core.Rewriting;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// The active instruction-tuning demonstration on a string-rewrite pool: one task per rule, held-out rules for
/// evaluation, four strategies compared over the same seeds. "demo" takes a few minutes on 2 cores; "report" is the
/// run docs/curriculum.md reports (3 seeds, about 40 minutes on 2 cores); "smoke" checks an installation in seconds.
/// </summary>
internal sealed record CurriculumDemo(string Scale, int Rules, int InstancesPerRule, ExperimentConfig Template, string Cost)
{
    public static readonly string[] Strategies = ["random", "prompt-uncertainty", "high-perplexity", "low-perplexity"];

    public static IReadOnlyCollection<string> Names => ["smoke", "demo", "report"];

    public const ulong PoolSeed = 1;

    public static CurriculumDemo Preset(string scale) => scale switch
    {
        "smoke" => new(scale, 20, 6, Config(initial: 4, perRound: 3, evalTasks: 3, epochs: 1, seeds: [1]) with
        {
            Rounds = 2,
            InstancesPerTask = 4,
            Evaluation = new EvaluationSpec { Tasks = 3, InstancesPerTask = 3, MaxNewTokens = 8 },
            Model = new ModelSpec { Layers = 1, Heads = 2, DModel = 32, Context = 192 },
            Scoring = new ScoringSpec { Instances = 2, Perturbations = 2, MaxNewTokens = 8 },
        }, "seconds; checks the installation, the numbers mean nothing"),
        "demo" => new(scale, 200, 24, Config(initial: 12, perRound: 12, evalTasks: 30, epochs: 4, seeds: [1]), "about 8 min on 2 cores, estimated from the report run's rates"),
        "report" => new(scale, 300, 24, Config(initial: 20, perRound: 20, evalTasks: 40, epochs: 5, seeds: [1, 2, 3]), "about 40 min on 2 cores"),
        _ => throw new ArgumentException($"unknown scale '{scale}' (smoke, demo, report)"),
    };

    /// <summary>The pool: <see cref="Rules"/> demo-scale rewrite tasks (alphabet 6, |z| 10, |x| 1–3, |y| 0–3, 10 % no-op).</summary>
    public IReadOnlyList<ActiveIT.Core.Tasks.InstructionTask> PoolTasks() =>
        RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), Rules, InstancesPerRule, PoolSeed);

    public string PoolName => $"{Scale}-rewrite";

    private static ExperimentConfig Config(int initial, int perRound, int evalTasks, int epochs, ulong[] seeds) => new()
    {
        InitialTasks = initial,
        TasksPerRound = perRound,
        Rounds = 4,
        InstancesPerTask = 16,
        Evaluation = new EvaluationSpec { Tasks = evalTasks, InstancesPerTask = 16, MaxNewTokens = 16 },
        Model = new ModelSpec { Layers = 3, Heads = 4, DModel = 64, Context = 256 },
        Training = new TrainingSpec { Epochs = epochs, BatchSize = 16, LearningRate = 1e-3, WarmupSteps = 20, Schedule = "linear" },
        Scoring = new ScoringSpec { Instances = 5, Perturbations = 5, DropProbability = 0.2, MaxNewTokens = 16 },
        Seeds = seeds,
    };
}
