using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Bench;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Runs;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Import;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit bench scoring`: prompt-uncertainty scoring, one and several tasks to an engine request, as a share of
/// the engine's raw scoring rate on the same pairs. Two settings: NIV2 tasks from ../shared/data with
/// docs/scoring.md's model and scorer, or the families demo's pool, model and scorer.
/// </summary>
internal sealed class BenchScoringCommand : Command
{
    private readonly Option<string> _source = new("--source")
    {
        Description = "niv2: NIV2 task files, a 4/4/128 model with 256 tokens of context, n = k = 10, outputs ≤ 16 tokens; " +
            "families: the demo's pool, its 2/4/128 model (192 tokens) and scorer (n = k = 5, ≤ 12 tokens)",
        DefaultValueFactory = _ => "niv2",
    };

    private readonly Option<int> _tasks = new("--tasks") { Description = "Tasks scored per measurement", DefaultValueFactory = _ => 32 };

    private readonly Option<int[]> _perCall = new("--tasks-per-call")
    {
        Description = "Tasks per engine request to measure; repeatable", DefaultValueFactory = _ => [1, 4, 8, 16], AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<int> _rounds = new("--rounds") { Description = "Interleaved rounds; each row is its median round", DefaultValueFactory = _ => 3 };
    private readonly Option<string> _niv2 = new("--niv2") { Description = "Folder of NIV2 task files", DefaultValueFactory = _ => "../shared/data/niv2/tasks" };
    private readonly Option<int> _batchTokens = new("--batch-tokens")
    {
        Description = "Padded tokens per engine batch (a request above it is split)", DefaultValueFactory = _ => LocalEngineBackend.DefaultMaxTokensPerBatch,
    };

    private readonly Option<bool> _json = new("--json") { Description = "One JSON object per line instead of a table" };
    private readonly EngineOptions _engine = new();

    public BenchScoringCommand() : base("scoring", "Prompt-uncertainty scoring, n tasks to an engine request, as a share of the engine's raw scoring rate")
    {
        _source.AcceptOnlyFromAmong("niv2", "families");
        foreach (var option in new Option[] { _source, _tasks, _perCall, _rounds, _niv2, _batchTokens, _json })
        {
            Options.Add(option);
        }
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var device = _engine.Apply(parse);
        var (source, count, rounds, perCall) = (parse.GetValue(_source)!, parse.GetValue(_tasks), parse.GetValue(_rounds), parse.GetValue(_perCall)!);
        if (count < 1 || rounds < 1 || perCall.Any(b => b < 1))
        {
            Console.Error.WriteLine("--tasks, --rounds and --tasks-per-call must be at least 1");
            return ExitCodes.InvalidInput;
        }
        var (tasks, model, scorer) = source == "niv2"
            ? (TaskFileReader.Read(parse.GetValue(_niv2)!).OrderBy(t => t.Id, StringComparer.Ordinal).Take(count).ToArray(),
                new ModelConfig(ByteTokenizer.VocabSize, 4, 4, 128, MaxSeqLen: 256), new ScorerConfig(10, 10, 0.2, 1, 16))
            : (CurriculumDemo.Preset("demo").PoolTasks().Take(count).ToArray(),
                new ModelConfig(ByteTokenizer.VocabSize, 2, 4, 128, MaxSeqLen: 192), new ScorerConfig(5, 5, 0.2, 1, 12));
        using var gpt = GptModel.Create(model, seed: 1, device: device);
        var environment = RunEnvironment.Capture(device);
        var line = new ProgressLine();
        var rows = await ScoringBenchmark.RunAsync(source, tasks, gpt, scorer, perCall, rounds, parse.GetValue(_batchTokens), new Progress<string>(s => line.Update(s)));
        line.Clear();
        if (parse.GetValue(_json))
        {
            foreach (var r in rows)
            {
                var node = JsonSerializer.SerializeToNode(r, Json.Options)!.AsObject();
                node["environment"] = JsonSerializer.SerializeToNode(environment, Json.Options);
                Console.WriteLine(node.ToJsonString());
            }
            return ExitCodes.Success;
        }
        Console.WriteLine($"scoring benchmark — {source}: {tasks.Length} tasks, model {rows[0].Model} (untrained; T {model.MaxSeqLen}), scorer {scorer}; " +
            $"{environment.CodeVersion}, {environment.Device}, {environment.Precision}, {environment.Threads} threads, {EngineRuntime.CpuName}; " +
            $"{parse.GetValue(_batchTokens)} padded tokens a batch; {rounds} interleaved rounds, median");
        var table = new TextTable("measure", "tasks/request", "seconds", "tasks/s", "scored tokens", "scored tokens/s", "share of raw", "generate s", "score s", "engine calls");
        foreach (var r in rows)
        {
            table.Add(r.Measure, r.Measure == "raw" ? "all pairs" : $"{r.TasksPerCall}", r.Seconds, r.TasksPerS, r.ScoredTokens, r.ScoredTokensPerS,
                $"{100 * r.ShareOfRaw:F1}%", r.GenerateSeconds, r.ScoreSeconds, r.EngineCalls);
        }
        table.FitToRows();
        Console.WriteLine(table);
        return ExitCodes.Success;
    }
}
