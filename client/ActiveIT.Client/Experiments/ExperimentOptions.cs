using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// `experiment create`'s options: each sets one field of <see cref="ExperimentConfig"/>; fields not given keep the
/// value from --config (a JSON file, e.g. one exported by `experiment results --json`) or the defaults.
/// </summary>
internal sealed class ExperimentOptions
{
    private readonly Option<string?> _config = new("--config") { Description = "Start from this experiment config (JSON; the \"config\" object of an exported result also works)" };
    private readonly Option<string?> _preset = new("--preset")
    {
        Description = "paper: every published setting of Active-IT (68 tasks a round, 200 instances, 8 epochs, batch 128, lr 5e-5, 119 × 100 held out, 5 seeds); options given beside it override",
    };
    private readonly Option<string?> _pool = new("--pool") { Description = "Pool of candidate tasks; POOL@N reads its version N (default: the version when the experiment is created, kept for every round)" };
    private readonly Option<string?> _strategy = new("--strategy") { Description = "random, prompt-uncertainty, high-perplexity, low-perplexity, ambiguous, easy, difficult, fully-trained, ifd, longest-response, " +
        "gradient-similarity, hidden-similarity (toward the dev tasks), diverse-uncertainty" };
    private readonly Option<bool?> _classBalance = new("--class-balance") { Description = "Balance classification and generation tasks in every round (see --class-share)" };
    private readonly Option<string?> _classShare = new("--class-share")
    {
        Description = "With --class-balance: classification share of each round, 0-1 (default 0.356, the paper's 24 of 68), or 'pool' for the remaining pool's proportion",
    };
    private readonly Option<int?> _initial = new("--initial-tasks") { Description = "Initial tasks (round 0), drawn per seed" };
    private readonly Option<string[]?> _initialIds = new("--initial-task-ids") { Description = "Fixed initial tasks instead (comma-separated ids)", CustomParser = Strings };
    private readonly Option<int?> _perRound = new("--tasks-per-round") { Description = "Tasks each round adds" };
    private readonly Option<int?> _rounds = new("--rounds") { Description = "Rounds after the initial one" };
    private readonly Option<int?> _instances = new("--instances-per-task") { Description = "Training instances per task" };
    private readonly Option<string?> _evalPool = new("--eval-pool") { Description = "Held-out tasks from this pool (default: drawn from --pool and excluded from selection)" };
    private readonly Option<int?> _evalTasks = new("--eval-tasks") { Description = "Held-out tasks drawn per seed" };
    private readonly Option<string[]?> _evalIds = new("--eval-task-ids") { Description = "Fixed held-out tasks instead (comma-separated ids)", CustomParser = Strings };
    private readonly Option<int?> _evalInstances = new("--eval-instances") { Description = "Held-out instances per task" };
    private readonly Option<int?> _evalMaxNew = new("--eval-max-new-tokens") { Description = "Longest generated answer when evaluating" };
    private readonly Option<string[]?> _heldOutCategories = new("--held-out-categories")
    {
        Description = "Categories held out whole (comma-separated; a families pool's families): never trained on, evaluated apart as unseen categories",
        CustomParser = Strings,
    };
    private readonly Option<string?> _evalFrom = new("--eval-instances-from")
    {
        Description = "first: each held-out task's first instances (NIV2's test tasks list 100 label-balanced ones first; the paper's); sampled: drawn per seed and task",
    };
    private readonly Option<string?> _splitDir = new("--split-dir")
    {
        Description = "A split folder in NIV2's or Active-IT's layout: test_tasks.txt → held-out tasks, dev_tasks.txt → dev tasks; with remain_tasks.txt beside it " +
                      "(Active-IT's round folder) train_tasks.txt is round 0's tasks and remain_tasks.txt the candidates, without it train_tasks.txt is the candidates",
    };
    private readonly Option<int?> _devTasks = new("--dev-tasks") { Description = "Dev tasks drawn per seed from the candidates (never trained on)" };
    private readonly Option<string[]?> _devIds = new("--dev-task-ids") { Description = "Fixed dev tasks instead (comma-separated ids)", CustomParser = Strings };
    private readonly Option<int?> _devInstances = new("--dev-instances") { Description = "Instances per dev task, drawn per seed and task" };
    private readonly Option<string[]?> _candidateIds = new("--candidate-task-ids") { Description = "Only these tasks may be selected in rounds 1+ (comma-separated ids)", CustomParser = Strings };
    private readonly Option<bool?> _selectBest = new("--select-best-epoch")
    {
        Description = "Score the dev tasks after every epoch (the experiment's metric: ROUGE-L, exact match for string rewriting) and keep the best epoch's model for the round",
    };
    private readonly Option<bool?> _stratify = new("--eval-stratify")
    {
        Description = "Draw the held-out tasks evenly over categories (families, task types), so every seed evaluates the same mix",
    };
    private readonly Option<string?> _exampleOrder = new("--example-order")
    {
        Description = "shuffled: a fresh permutation per epoch; by-content: placed by a hash of each example, so strategies of a seed see the examples they share in one order",
    };
    private readonly Option<int?> _draw = new("--selection-draw")
    {
        Description = "Which independent draw a seeded strategy (random) makes, 0 the first: several draws per seed, averaged, make a less noisy baseline (`experiment compare --baseline a,b,c`)",
    };
    private readonly Option<int?> _heldOutCategoryTasks = new("--held-out-category-tasks") { Description = "Tasks of the held-out categories evaluated per seed" };
    private readonly Option<int?> _layers = new("--layers") { Description = "Model layers" };
    private readonly Option<int?> _heads = new("--heads") { Description = "Attention heads" };
    private readonly Option<int?> _dModel = new("--d-model") { Description = "Model width" };
    private readonly Option<int?> _context = new("--context") { Description = "Context length in tokens (bytes)" };
    private readonly Option<string?> _baseCheckpoint = new("--base-checkpoint") { Description = "Train every round from this checkpoint (an ActiveIT safetensors file, or a Hugging Face GPT-J or Llama-family folder) instead of fresh weights; {seed} in the path stands for the seed (a base per seed, as `activeit pretrain` writes them)" };
    private readonly Option<bool?> _chatTemplate = new("--chat-template")
    {
        Description = "Wrap every prompt as one user turn in the base checkpoint's chat template (from its tokenizer_config.json)",
    };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Epochs per round" };
    private readonly Option<int?> _batch = new("--batch-size") { Description = "Examples per optimiser step" };
    private readonly Option<double?> _lr = new("--lr") { Description = "Peak learning rate (AdamW)" };
    private readonly Option<int?> _warmup = new("--warmup-steps") { Description = "Linear warm-up steps" };
    private readonly Option<string?> _schedule = new("--schedule") { Description = "constant, linear or cosine decay after warm-up" };
    private readonly Option<bool?> _continue = new("--continue-training") { Description = "Train each round from the previous round's model instead of the base" };
    private readonly Option<string?> _adapter = new("--adapter") { Description = "none: train every weight; lora: freeze the base checkpoint and train low-rank adapters each round (Llama family)" };
    private readonly Option<int?> _loraRank = new("--lora-rank") { Description = "LoRA rank r (default 8)" };
    private readonly Option<double?> _loraAlpha = new("--lora-alpha") { Description = "LoRA alpha: the adapters add (alpha / r)·B·A (default 16)" };
    private readonly Option<string[]?> _loraTargets = new("--lora-targets")
    {
        Description = "Modules that get adapters, comma-separated: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj (default the first four)",
        CustomParser = Strings,
    };
    private readonly Option<int?> _scoreInstances = new("--score-instances") { Description = "Prompt uncertainty: instances per task (n)" };
    private readonly Option<int?> _perturbations = new("--perturbations") { Description = "Prompt uncertainty: perturbed prompts (k)" };
    private readonly Option<double?> _drop = new("--drop") { Description = "Prompt uncertainty: word-drop probability (p)" };
    private readonly Option<int?> _scoreMaxNew = new("--score-max-new-tokens") { Description = "Prompt uncertainty: longest greedy output" };
    private readonly Option<string[]?> _seeds = new("--seeds") { Description = "Seeds, comma-separated (one run each)", CustomParser = Strings };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _config, _preset, _pool, _strategy, _classBalance, _classShare, _initial, _initialIds, _perRound, _rounds, _instances, _evalPool,
                     _evalTasks, _evalIds, _evalInstances, _evalMaxNew, _evalFrom, _splitDir, _devTasks, _devIds, _devInstances, _candidateIds, _selectBest, _stratify, _exampleOrder, _draw, _heldOutCategories, _heldOutCategoryTasks, _layers, _heads, _dModel, _context, _baseCheckpoint, _chatTemplate, _epochs, _batch, _lr,
                     _warmup, _schedule, _continue, _adapter, _loraRank, _loraAlpha, _loraTargets, _scoreInstances, _perturbations, _drop, _scoreMaxNew, _seeds })
        {
            command.Options.Add(option);
        }
    }

    private static double? ClassShare(string value) =>
        value == "pool" ? null
        : double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share) ? share
        : throw new ArgumentException($"--class-share: '{value}' is neither a share (0-1) nor 'pool'");

    public ExperimentConfig Build(ParseResult parse, string name)
    {
        var c = parse.GetValue(_config) is { } file ? Load(file) with { Name = name } : new ExperimentConfig { Name = name, Pool = "default" };
        c = parse.GetValue(_preset) switch
        {
            null => c,
            "paper" => PaperSetting.Apply(c),
            var other => throw new ArgumentException($"--preset: '{other}' is not one of paper"),
        };
        if (parse.GetValue(_splitDir) is { } splitDir)
        {
            c = SplitDirectory.Apply(c, splitDir);
        }
        T Or<T>(Option<T?> option, T value) where T : struct => parse.GetValue(option) ?? value;
        string Text(Option<string?> option, string value) => parse.GetValue(option) ?? value;
        // A list option's custom parser runs even when the option is absent (and yields []): absent must keep the config's value.
        string[]? List(Option<string[]?> option) => parse.GetResult(option) is null ? null : parse.GetValue(option);
        IReadOnlyList<string> Ids(Option<string[]?> option, IReadOnlyList<string> value) => List(option) ?? value;
        // --pool P@N pins version N of pool P (without @N: the head when the experiment is created).
        var (pool, pins) = parse.GetValue(_pool) is { } named && named.Split('@') is [var poolName, var at]
            ? (poolName, (IReadOnlyList<PoolPin>)[new PoolPin(poolName, long.TryParse(at, out var v) && v >= 0 ? v
                : throw new ArgumentException($"--pool {named}: '{at}' is not a pool version (POOL@N, N from `pool history`)"))])
            : (parse.GetValue(_pool) ?? c.Pool, c.Pins);
        var seeds = List(_seeds) is { } s ? s.Select(x => ulong.TryParse(x, out var v) ? v : throw new ArgumentException($"--seeds: '{x}' is not a seed (0 or more)")).ToArray() : c.Seeds;
        return c with
        {
            Pool = pool,
            Pins = pins,
            Strategy = Text(_strategy!, c.Strategy),
            ClassBalance = Or(_classBalance, c.ClassBalance),
            ClassShare = parse.GetValue(_classShare) is { } share ? ClassShare(share) : c.ClassShare,
            InitialTasks = Or(_initial, c.InitialTasks),
            InitialTaskIds = Ids(_initialIds, c.InitialTaskIds),
            TasksPerRound = Or(_perRound, c.TasksPerRound),
            Rounds = Or(_rounds, c.Rounds),
            InstancesPerTask = Or(_instances, c.InstancesPerTask),
            CandidateTaskIds = Ids(_candidateIds, c.CandidateTaskIds),
            SelectionDraw = Or(_draw, c.SelectionDraw),
            Evaluation = c.Evaluation with
            {
                Pool = parse.GetValue(_evalPool) ?? c.Evaluation.Pool,
                Tasks = Or(_evalTasks, c.Evaluation.Tasks),
                TaskIds = Ids(_evalIds, c.Evaluation.TaskIds),
                InstancesPerTask = Or(_evalInstances, c.Evaluation.InstancesPerTask),
                MaxNewTokens = Or(_evalMaxNew, c.Evaluation.MaxNewTokens),
                Instances = Text(_evalFrom!, c.Evaluation.Instances),
                DevTasks = Or(_devTasks, c.Evaluation.DevTasks),
                DevTaskIds = Ids(_devIds, c.Evaluation.DevTaskIds),
                DevInstancesPerTask = Or(_devInstances, c.Evaluation.DevInstancesPerTask),
                HeldOutCategories = Ids(_heldOutCategories, c.Evaluation.HeldOutCategories),
                HeldOutCategoryTasks = Or(_heldOutCategoryTasks, c.Evaluation.HeldOutCategoryTasks),
                StratifyByCategory = Or(_stratify, c.Evaluation.StratifyByCategory),
            },
            Model = c.Model with
            {
                Layers = Or(_layers, c.Model.Layers), Heads = Or(_heads, c.Model.Heads), DModel = Or(_dModel, c.Model.DModel),
                Context = Or(_context, c.Model.Context), BaseCheckpoint = parse.GetValue(_baseCheckpoint) ?? c.Model.BaseCheckpoint,
                ChatTemplate = Or(_chatTemplate, c.Model.ChatTemplate),
            },
            Training = c.Training with
            {
                Epochs = Or(_epochs, c.Training.Epochs), BatchSize = Or(_batch, c.Training.BatchSize), LearningRate = Or(_lr, c.Training.LearningRate),
                WarmupSteps = Or(_warmup, c.Training.WarmupSteps), Schedule = Text(_schedule!, c.Training.Schedule),
                ContinueTraining = Or(_continue, c.Training.ContinueTraining), SelectBestEpoch = Or(_selectBest, c.Training.SelectBestEpoch),
                ExampleOrder = Text(_exampleOrder!, c.Training.ExampleOrder),
                Adapter = Text(_adapter!, c.Training.Adapter), LoraRank = Or(_loraRank, c.Training.LoraRank), LoraAlpha = Or(_loraAlpha, c.Training.LoraAlpha),
                LoraTargets = Ids(_loraTargets, c.Training.LoraTargets),
            },
            Scoring = c.Scoring with
            {
                Instances = Or(_scoreInstances, c.Scoring.Instances), Perturbations = Or(_perturbations, c.Scoring.Perturbations),
                DropProbability = Or(_drop, c.Scoring.DropProbability), MaxNewTokens = Or(_scoreMaxNew, c.Scoring.MaxNewTokens),
            },
            Seeds = seeds,
        };
    }

    /// <summary>A config file: the config object itself, or an exported experiment with a "config" member. Errors name the file and JSON path.</summary>
    internal static ExperimentConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--config {path}: no such file");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("config", out var inner) ? inner : document.RootElement;
            return root.Deserialize<ExperimentConfig>(Json.Options) ?? throw new ArgumentException($"{path}: no config object");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: {(e.Path is null ? "" : $"at {e.Path}")} (line {e.LineNumber + 1}): {e.Message}");
        }
    }

    private static string[]? Strings(ArgumentResult result) =>
        [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
