using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Diversity;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;
using ActiveIT.Grains.Diversity;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs;
using ActiveIT.Runs.Diversity;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit diversity`: the string-rewrite instruction-diversity experiment (methods.md §3), as a view of a run: the
/// options make a config, a silo runs it (a `diversity` run: POST /v1/runs/diversity, start, events), and the command
/// prints each model as it finishes and writes results.csv, run.json and accuracy.svg from the run's result. Without a
/// silo the same runner runs in this process (<see cref="InProcessAsync"/>).
/// </summary>
internal class DiversityCommand : Command
{
    private readonly Option<string> _scale = new("--scale")
    {
        Description = "Preset sizes: demo, small, skew (demo-sized α sweep), paper (methods.md §3; needs a GPU); docs/diversity.md has each one's measured time",
        DefaultValueFactory = _ => "demo",
    };

    private readonly Option<int[]> _instructions = new("--instructions") { Description = "Instruction counts to train, e.g. 4,16,64", CustomParser = ParseInts };
    private readonly Option<int?> _budget = new("--budget") { Description = "Training examples per model (fixed across instruction counts)" };
    private readonly Option<int[]> _seeds = new("--seeds") { Description = "Seeds, e.g. 1,2,3 (each seed redraws rules, data and weights)", CustomParser = ParseInts };
    private readonly Option<int?> _testRules = new("--test-rules") { Description = "Unseen rules held out for testing" };
    private readonly Option<int?> _testExamples = new("--test-examples") { Description = "Test examples per split (seen and unseen)" };
    private readonly Option<int?> _alphabet = new("--alphabet") { Description = "Alphabet size (2..26)" };
    private readonly Option<int?> _inputLength = new("--input-length") { Description = "Length of the input string z" };
    private readonly Option<int?> _minPattern = new("--min-pattern") { Description = "Shortest pattern x; equal to --max-pattern reads |x| as fixed (the paper's |x| = 20)" };
    private readonly Option<int?> _maxPattern = new("--max-pattern") { Description = "Longest pattern x" };
    private readonly Option<int?> _maxReplacement = new("--max-replacement") { Description = "Longest replacement y" };
    private readonly Option<double?> _noOp = new("--no-op-share") { Description = "Share of examples whose pattern does not occur (0..1); the presets use 0 as the paper's Fig. 2a" };
    private readonly Option<PatternShape?> _shape = new("--shape") { Description = "Pattern constraint: random, repeated (aaabbb), periodic (abcabc), mirrored (abccba); trains on block length k ≥ 3, tests on k < 3" };
    private readonly Option<UnseenSplit?> _unseen = new("--unseen")
    {
        Description = "What unseen test rules exclude: rules (the pair x→y; its x or y may be trained) or strings (x and y never used in training); default rules, strings with --shape",
    };
    private readonly Option<InstructionFrequency?> _frequency = new("--frequency") { Description = "Examples per instruction: uniform, power-law-index (⌊I·U^(1/α)⌋), power-law-weight (U^(1/α) weights)", CustomParser = ParseFrequency };
    private readonly Option<double[]> _alpha = new("--alpha") { Description = "Power-law shape α, or several to sweep, e.g. 1,0.5,0.2,0.1", CustomParser = ParseDoubles };
    private readonly Option<int?> _layers = new("--layers") { Description = "Model layers" };
    private readonly Option<int?> _heads = new("--heads") { Description = "Attention heads" };
    private readonly Option<int?> _dModel = new("--d-model") { Description = "Model width" };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Passes over the training examples" };
    private readonly Option<int?> _batch = new("--batch-size") { Description = "Examples per optimiser step" };
    private readonly Option<float?> _lr = new("--lr") { Description = "Peak learning rate (AdamW, warm-up then linear decay)" };
    private readonly Option<string> _out;
    private readonly Option<bool> _json = new("--json") { Description = "Print one JSON object per model instead of a table" };
    private readonly Option<string?> _silo = new("--silo")
    {
        Description = "A silo to run on, as a diversity run its web page shows (URL; key in $ACTIVEIT_API_KEY; default: $ACTIVEIT_SILO; none: in this process). " +
            "The silo's engine settings apply, not --threads/--device/--precision",
    };
    private readonly Option<string?> _name = new("--name") { Description = "The run's name on the silo (default: the output directory's name)" };
    private readonly Dictionary<string, Option> _fields;
    private readonly EngineOptions _engine = new();

    public DiversityCommand() : this("diversity", "Train one model per instruction count at a fixed example budget; exact match on seen and unseen rules",
        "runs/diversity")
    {
    }

    private protected DiversityCommand(string name, string description, string defaultOut) : base(name, description)
    {
        _out = new("--out") { Description = "Output directory", DefaultValueFactory = _ => defaultOut };
        _scale.AcceptOnlyFromAmong(DiversityScale.Names);
        foreach (var option in new Option[] { _scale, _instructions, _budget, _seeds, _testRules, _testExamples, _alphabet, _inputLength, _minPattern, _maxPattern,
                     _maxReplacement, _noOp, _shape, _unseen, _frequency, _alpha, _layers, _heads, _dModel, _epochs, _batch, _lr, _out, _json, _silo, _name })
        {
            Options.Add(option);
        }
        _engine.AddTo(this);
        // The config's fields (DiversityConfig.Problems names them by JSON path) as this command's options.
        _fields = new()
        {
            ["scale"] = _scale, ["instruction_counts"] = _instructions, ["example_budget"] = _budget, ["seeds"] = _seeds, ["test_rules"] = _testRules,
            ["test_examples"] = _testExamples, ["generator.alphabet_size"] = _alphabet, ["generator.input_length"] = _inputLength,
            ["generator.min_pattern_length"] = _minPattern, ["generator.max_pattern_length"] = _maxPattern, ["generator.max_replacement_length"] = _maxReplacement,
            ["generator.no_op_share"] = _noOp, ["generator.shape"] = _shape, ["unseen"] = _unseen, ["frequency"] = _frequency, ["alphas"] = _alpha,
            ["model.layers"] = _layers, ["model.heads"] = _heads, ["model.d_model"] = _dModel, ["epochs"] = _epochs, ["batch_size"] = _batch,
            ["training.learning_rate"] = _lr,
        };
        SetAction(RunAsync);
    }

    /// <summary>Resolve where it runs (a silo, else this process), run it, write the files from its result.</summary>
    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var outDir = parse.GetValue(_out)!;
        try
        {
            var config = BuildConfig(parse);
            config.Validate(field => _fields.TryGetValue(field, out var option) ? option.Name : $"config.{field}");
            var request = new DiversityRequest(config, parse.GetValue(_name) ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir))));
            var report = new DiversityReport(outDir, parse.GetValue(_json), Console.Out);
            if (SiloHttp.Url(parse.GetValue(_silo)) is { } silo)
            {
                using var http = CreateClient(silo);
                report.Header(config, $"on {silo}");
                var result = await OnSiloAsync(http, request, report, cancellationToken);
                report.Finish(result, (request.RunName, silo));
            }
            else
            {
                var device = _engine.Apply(parse);
                report.Header(config, $"{device}, {EngineRuntime.Info.Threads} threads");
                report.Finish(await InProcessAsync(config, device, report, cancellationToken), null);
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            Console.Error.WriteLine($"activeit {Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"activeit {Name}: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"activeit {Name}: cancelled; {Path.Combine(outDir, "results.csv")} holds the models that finished" +
                (SiloHttp.Url(parse.GetValue(_silo)) is null ? "" : ", and the run goes on on the silo"));
            return ExitCodes.Cancelled;
        }
    }

    private static HttpClient CreateClient(string silo) =>
        Uri.TryCreate(silo, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? SiloHttp.CreateClient(silo)
            : throw new ArgumentException($"--silo '{silo}': an http(s) URL, e.g. http://127.0.0.1:5080");

    /// <summary>
    /// A diversity run on the silo (created, or found when this user made the same one before; started; followed through
    /// its events): each model as the run stores it, progress on stderr; its result.
    /// </summary>
    private static async Task<DiversityResult> OnSiloAsync(HttpClient http, DiversityRequest request, DiversityReport report, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"activeit diversity: run '{request.RunName}' on {http.BaseAddress}v1/runs/diversity/{Uri.EscapeDataString(request.RunName)}");
        var shown = new HashSet<string>(StringComparer.Ordinal);
        var run = await SiloHttp.RunAsync<RunView>(http, RunKinds.Diversity, request.RunName, request, r =>
        {
            foreach (var step in (r.Steps ?? []).Where(s => shown.Add(s.Key)))
            {
                report.Point(step.Result.Deserialize<DiversityPointResult>(Json.Options)!);
            }
            if (r is { Status: RunStatus.Running, Progress: { } p })
            {
                report.Progress(p);
            }
        }, cancellationToken);
        return run is { Status: RunStatus.Completed, Result: { } result }
            ? result.Deserialize<DiversityResult>(Json.Options)!
            : throw new InvalidOperationException($"silo: diversity run '{run.Name}' ended {run.Status.ToString().ToLowerInvariant()}{(run.Error is { } e ? $": {e}" : "")}");
    }

    /// <summary>
    /// The embedded fallback, kept thin and apart: the same runner in this process, nothing stored but the files. It
    /// goes when commands without --silo run on the CLI's local silo.
    /// </summary>
    private static Task<DiversityResult> InProcessAsync(DiversityConfig config, string device, DiversityReport report, CancellationToken cancellationToken) =>
        new DiversityExperiment(config, device).RunAsync(new Dictionary<string, DiversityPointResult>(), (_, r) =>
        {
            report.Point(r);
            return Task.CompletedTask;
        }, new SyncProgress<RunProgress>(report.Progress), cancellationToken);

    internal DiversityConfig BuildConfig(ParseResult parse)
    {
        var c = DiversityScale.Preset(parse.GetValue(_scale)!);
        var g = c.Generator;
        g = g with
        {
            AlphabetSize = parse.GetValue(_alphabet) ?? g.AlphabetSize,
            InputLength = parse.GetValue(_inputLength) ?? g.InputLength,
            MinPatternLength = parse.GetValue(_minPattern) ?? g.MinPatternLength,
            MaxPatternLength = parse.GetValue(_maxPattern) ?? g.MaxPatternLength,
            MaxReplacementLength = parse.GetValue(_maxReplacement) ?? g.MaxReplacementLength,
            NoOpShare = parse.GetValue(_noOp) ?? g.NoOpShare,
            Shape = parse.GetValue(_shape) ?? g.Shape,
        };
        var model = c.Model with
        {
            Layers = parse.GetValue(_layers) ?? c.Model.Layers,
            Heads = parse.GetValue(_heads) ?? c.Model.Heads,
            DModel = parse.GetValue(_dModel) ?? c.Model.DModel,
        };
        return c with
        {
            Generator = g,
            InstructionCounts = Given(parse, _instructions) ?? c.InstructionCounts,
            ExampleBudget = parse.GetValue(_budget) ?? c.ExampleBudget,
            Seeds = Given(parse, _seeds)?.Select(s => (ulong)s).ToArray() ?? c.Seeds,
            TestRules = parse.GetValue(_testRules) ?? c.TestRules,
            TestExamples = parse.GetValue(_testExamples) ?? c.TestExamples,
            Frequency = parse.GetValue(_frequency) ?? c.Frequency,
            Alphas = Given(parse, _alpha) ?? c.Alphas,
            Unseen = parse.GetValue(_unseen) ?? (g.Shape == PatternShape.Random ? c.Unseen : UnseenSplit.Strings),
            Model = model,
            Epochs = parse.GetValue(_epochs) ?? c.Epochs,
            BatchSize = parse.GetValue(_batch) ?? c.BatchSize,
            Training = c.Training with { LearningRate = parse.GetValue(_lr) ?? c.Training.LearningRate },
        };
    }

    private static T[]? Given<T>(ParseResult parse, Option<T[]> option) => parse.GetResult(option) is null ? null : parse.GetValue(option);

    private static int[]? ParseInts(System.CommandLine.Parsing.ArgumentResult result)
    {
        var values = new List<int>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!int.TryParse(token, out var v) || v < 0)
            {
                result.AddError($"'{token}' is not a non-negative integer");
                return null;
            }
            values.Add(v);
        }
        return [.. values];
    }

    private static double[]? ParseDoubles(System.CommandLine.Parsing.ArgumentResult result)
    {
        var values = new List<double>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !(v > 0))
            {
                result.AddError($"'{token}' is not a positive number");
                return null;
            }
            values.Add(v);
        }
        return [.. values];
    }

    private static InstructionFrequency? ParseFrequency(System.CommandLine.Parsing.ArgumentResult result)
    {
        var value = result.Tokens.Single().Value;
        InstructionFrequency? parsed = value switch
        {
            "uniform" => InstructionFrequency.Uniform,
            "power-law-index" => InstructionFrequency.PowerLawIndex,
            "power-law-weight" => InstructionFrequency.PowerLawWeight,
            _ => null,
        };
        if (parsed is null)
        {
            result.AddError($"--frequency '{value}': use uniform, power-law-index or power-law-weight");
        }
        return parsed;
    }
}
