using System.CommandLine;
using System.Diagnostics;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Grains.Scoring;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit score`: prompt uncertainty, prediction probability and perplexity for every task of a pool (resumable).</summary>
internal sealed class ScoreCommand : Command
{
    private readonly PoolConnection _connection = new();
    private readonly ScoringOptions _scoring = new();
    private readonly EngineOptions _engine = new();

    public ScoreCommand() : base("score", "Score a pool's tasks with the local engine; scores are cached per model version and scorer config")
    {
        _connection.AddTo(this);
        _scoring.AddTo(this);
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_connection.Silo) is not null)
        {
            Console.Error.WriteLine("activeit score: scoring runs embedded for now; --silo is not supported yet");
            return ExitCodes.InvalidInput;
        }
        var device = _engine.Apply(parse);
        GptModel? model;
        IModelBackend backend;
        try
        {
            (model, backend) = _scoring.Open(parse, device);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"activeit score: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        using var _ = model;  // null with --backend
        await using var silo = await _connection.StartSiloAsync(parse);
        var scorer = new PoolScorer(silo.Grains, backend, _scoring.Config(parse));
        var line = new ProgressLine();
        var watch = Stopwatch.StartNew();
        IReadOnlyList<PoolScoreResult> results;
        try
        {
            results = await scorer.ScoreAsync(parse.GetValue(_connection.Pool)!,
                new Progress<(int Done, int Total)>(p => line.Update($"scored {p.Done}/{p.Total} tasks, {watch.Elapsed.TotalSeconds:F0} s")), cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ClientModel.ClientResultException)
        {
            line.Clear();
            Console.Error.WriteLine($"activeit score: {e.Message}");
            return ExitCodes.Failure;
        }
        line.Clear();
        var computed = results.Count(r => !r.Cached);
        if (parse.GetValue(_connection.Json))
        {
            foreach (var r in results)
            {
                Console.WriteLine(Json.Line(r));
            }
            return ExitCodes.Success;
        }
        var table = new TextTable("task", "PU", "PP", "perplexity", "cached");
        foreach (var r in results.OrderByDescending(r => r.PromptUncertainty))
        {
            table.Add(r.TaskId, r.PromptUncertainty, r.PredictionProbability, r.Perplexity, r.Cached ? "yes" : "");
        }
        table.FitToRows();
        Console.WriteLine(table);
        Console.WriteLine($"\n{results.Count} tasks ({computed} scored now, {results.Count - computed} from cache) in {watch.Elapsed.TotalSeconds:F1} s; " +
                          $"{(computed > 0 ? computed / watch.Elapsed.TotalSeconds : 0):F2} tasks/s; key {scorer.Key}" +
                          (backend is LocalEngineBackend local ? $"; {local.EngineCalls} engine calls" : ""));
        return ExitCodes.Success;
    }
}
