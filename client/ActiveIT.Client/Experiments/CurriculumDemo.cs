using ActiveIT.Grains.Pretraining;
using ActiveIT.Runs.Pretraining;
using ActiveIT.Core.Families;
using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// The active instruction-tuning demonstration (issue #13) on a task-families pool with known ground truth: per seed a
/// base model pretrained on family documents without instructions (the analogue of T5-LM), then every strategy fine-
/// tuned from it round by round, evaluated on unseen tasks of the pool's families and on families held out whole.
/// Strategies of one seed share the base, the split, the initial tasks and the evaluation instances. <see cref="Measured"/>
/// is what the preset took on the 2-core build machine, stated by the command's banner and the README.
/// </summary>
internal sealed record CurriculumDemo(string Scale, FamilyPoolOptions Pool, IReadOnlyList<string> HeldOutFamilies, PretrainSpec Pretrain,
    ExperimentConfig Template, IReadOnlyList<string> Strategies, string Measured)
{
    /// <summary>Where the unseen tasks of the trained families come from when not from the pool itself: a pool of its own,
    /// generated like the pool from <see cref="EvaluationPoolSeed"/> (its tasks are never candidates, so none is spent).</summary>
    public FamilyPoolOptions? EvaluationPool { get; init; }

    public const ulong EvaluationPoolSeed = 2;

    /// <summary>Independent draws of random per seed, averaged into the baseline (1: one draw, the baseline itself).</summary>
    public int RandomDraws { get; init; } = 1;

    /// <summary>
    /// Whether the map check trains the first seed's base on the candidates to read their training dynamics (about 2.5
    /// minutes on the 2-core machine at the demo's pool): on for the long scales, off where the scale must stay short
    /// (`demo --map-dynamics` turns it on).
    /// </summary>
    public bool MapDynamics { get; init; }

    public static IReadOnlyList<string> Names => ["smoke", "demo", "report", "arena"];

    /// <summary>The seed the pool is drawn from: 1 for every measured run; another (`demo --pool-seed`) draws another pool of
    /// the same families and injections, to check that what one pool showed holds on a second draw.</summary>
    public ulong PoolSeed { get; init; } = 1;

    /// <summary>Families the pool draws from; <see cref="HeldOutFamilies"/> of them are never trained on.</summary>
    public static readonly string[] Families = ["copy", "reverse", "rotate", "shift", "filter", "rewrite", "dedupe", "contains", "starts", "longer", "palindrome"];

    /// <summary>Strings of one length: the base then learns copying (output aligned with input at a fixed distance) in a
    /// few hundred steps; with lengths 4–8 it had not after 6,000 (docs/curriculum.md).</summary>
    private static readonly FamilyPoolOptions Strings = new(MinLength: 6, MaxLength: 6, Families: Families);

    public static readonly string[] HeldOut = ["dedupe", "palindrome"];

    public static CurriculumDemo Preset(string scale) => scale switch
    {
        "smoke" => new(scale, Strings with { Tasks = 40, InstancesPerTask = 8 }, HeldOut,
            Spec(steps: 4, batch: 4) with { Layers = 1, Heads = 2, DModel = 32 },
            Config(initial: 4, perRound: 3, rounds: 2, instances: 4, evalTasks: 4, evalInstances: 3, heldOutTasks: 3, epochs: 1, seeds: [1, 2]) with
            {
                Model = new ModelSpec { Layers = 1, Heads = 2, DModel = 32, Context = Context },
                Scoring = new ScoringSpec { Instances = 2, Perturbations = 2, MaxNewTokens = 8 },
            },
            ["random", "prompt-uncertainty"], "seconds; checks the installation, the numbers mean nothing"),
        "demo" => new(scale, Strings with { Tasks = 160, InstancesPerTask = 32 }, HeldOut, Spec(steps: 800, batch: 32),
            Config(initial: 4, perRound: 14, rounds: 4, instances: 16, evalTasks: 30, evalInstances: 8, heldOutTasks: 20, epochs: 6, seeds: [1]),
            ["random", "prompt-uncertainty"], "4.5 min on 2 cores with AVX512-BF16 in bf16, base pretraining 1.2 min of it; 8.4 min on 2 cores with AVX2 only in fp32, base 2.4 min"),
        "report" => new(scale, Strings with { Tasks = 160, InstancesPerTask = 32 }, HeldOut, Spec(steps: 800, batch: 32),
            Config(initial: 10, perRound: 10, rounds: 4, instances: 16, evalTasks: 30, evalInstances: 8, heldOutTasks: 20, epochs: 6, seeds: [1, 2, 3, 4, 5]),
            ["random", "prompt-uncertainty", "high-perplexity", "low-perplexity"], "44.8 min on the 2-core build machine in bf16 beside builds and tests, about 36 min alone")
        {
            MapDynamics = true,
        },
        "arena" => new(scale, Strings with { Tasks = 160, InstancesPerTask = 32 }, HeldOut, Spec(steps: 800, batch: 32), ArenaConfig(),
            ["random", "prompt-uncertainty", "high-perplexity", "low-perplexity", "ambiguous", "easy", "difficult", "ifd", "longest-response",
             "gradient-similarity", "hidden-similarity", "diverse-uncertainty"],
            "about 25 min a seed on the 2-core build machine in bf16 (14 experiments; bases 1-2.5 min each), 4 h for ten seeds, run in parts with --restore: docs/selection.md")
        {
            EvaluationPool = Strings with { Tasks = 400, InstancesPerTask = 32 },
            RandomDraws = 3,
            MapDynamics = true,
        },
        _ => throw new ArgumentException($"unknown scale '{scale}' (smoke, demo, report, arena)"),
    };

    private const int Context = 192;

    public string PoolName => PoolSeed == 1 ? $"{Scale}-families" : $"{Scale}-families-pool{PoolSeed}";

    public IReadOnlyList<InstructionTask> PoolTasks() => FamilyTaskSource.Tasks(Pool, PoolSeed);

    public string EvaluationPoolName => $"{Scale}-families-eval";

    public IReadOnlyList<InstructionTask> EvaluationPoolTasks() => FamilyTaskSource.Tasks(EvaluationPool!, EvaluationPoolSeed);

    /// <summary>The experiments the demo runs, each on the bases <paramref name="baseCheckpoint"/> names: one per strategy,
    /// and for random one per draw (the first keeps draw 0, so it is the random of a one-draw preset).</summary>
    public IReadOnlyList<ExperimentConfig> Configs(string baseCheckpoint) =>
        [.. Strategies.SelectMany(s => s == "random"
            ? Enumerable.Range(0, RandomDraws).Select(d => (Name: d == 0 ? $"{Prefix}-random" : $"{Prefix}-random-draw{d + 1}", Strategy: s, Draw: d))
            : [(Name: $"{Prefix}-{s}", Strategy: s, Draw: 0)])
          .Select(e => Template with
          {
              Name = e.Name, Pool = PoolName, Strategy = e.Strategy, SelectionDraw = e.Draw, Model = Template.Model with { BaseCheckpoint = baseCheckpoint },
          })];

    private string Prefix => PoolSeed == 1 ? Scale : $"{Scale}-pool{PoolSeed}";

    private static PretrainSpec Spec(int steps, int batch)
    {
        return new PretrainSpec(Families, Strings.AlphabetSize, Strings.MinLength, Strings.MaxLength, Layers: 2, Heads: 4, DModel: 128, Context: Context,
            DocumentChars: 128, Steps: steps, BatchSize: batch, LearningRate: 3e-3, WarmupSteps: Math.Min(50, steps));
    }

    /// <summary>The report's pool, base and rounds with less noise in the paired differences (issue #25 item 3, measured in
    /// docs/selection.md): 120 unseen tasks of the trained families from an evaluation pool of their own, drawn evenly
    /// over the families, 8 instances each (the report: 30 tasks of the pool × 8; the pilot: 30 × 32, the same evaluation compute); one example order for the tasks that
    /// strategies share; random drawn three times per seed and averaged into the baseline; ten seeds. 10 dev tasks per
    /// seed, never trained on or evaluated, are the target set of the target-aware strategies.</summary>
    private static ExperimentConfig ArenaConfig()
    {
        var c = Config(initial: 10, perRound: 10, rounds: 4, instances: 16, evalTasks: 120, evalInstances: 8, heldOutTasks: 20, epochs: 6,
            seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        return c with
        {
            Evaluation = c.Evaluation with { Pool = "arena-families-eval", StratifyByCategory = true, DevTasks = 10 },
            Training = c.Training with { ExampleOrder = TrainingSpec.ByContentOrder },
        };
    }

    private static ExperimentConfig Config(int initial, int perRound, int rounds, int instances, int evalTasks, int evalInstances, int heldOutTasks,
        int epochs, ulong[] seeds) => new()
    {
        InitialTasks = initial,
        TasksPerRound = perRound,
        Rounds = rounds,
        InstancesPerTask = instances,
        Evaluation = new EvaluationSpec
        {
            Tasks = evalTasks, InstancesPerTask = evalInstances, MaxNewTokens = 12, HeldOutCategories = HeldOut, HeldOutCategoryTasks = heldOutTasks,
        },
        Model = new ModelSpec { Layers = 2, Heads = 4, DModel = 128, Context = Context },
        Training = new TrainingSpec { Epochs = epochs, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 10, Schedule = "linear" },
        Scoring = new ScoringSpec { Instances = 5, Perturbations = 5, DropProbability = 0.2, MaxNewTokens = 12 },
        Seeds = seeds,
    };
}
