using System.CommandLine;
using System.Diagnostics;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit score`: prompt uncertainty, prediction probability and perplexity for every task of a pool (resumable).</summary>
internal sealed class ScoreCommand : Command
{
    private readonly PoolConnection _connection = new();
    private readonly ScoringOptions _scoring = new();
    private readonly EngineOptions _engine = new();

    public ScoreCommand() : base("score", "Score a pool's tasks (local engine, an OpenAI-compatible server, or on a silo); scores are cached per model version and scorer config")
    {
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        _scoring.AddTo(this);
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var pool = parse.GetValue(_connection.Pool)!;
        var line = new ProgressLine();
        var watch = Stopwatch.StartNew();
        var progress = new Progress<(int Done, int Total)>(p => line.Update($"scored {p.Done}/{p.Total} tasks, {watch.Elapsed.TotalSeconds:F0} s"));
        RemoteScoring.Scores scores;
        string? engineCalls = null;
        try
        {
            if (SiloHttp.Url(parse.GetValue(_connection.Silo)) is { } silo)
            {
                // The silo scores the shared pool with a model it serves; the scores land in its task grains.
                if (parse.GetValue(_scoring.Backend) is not null)
                {
                    throw new ArgumentException("--backend and --silo: the silo scores with its own models (--model NAME from its ActiveIT:ModelDir)");
                }
                using var http = SiloHttp.CreateClient(silo);
                scores = await RemoteScoring.ScoreAsync(http, pool, parse.GetValue(_scoring.Model)!, _scoring.Config(parse), progress, cancellationToken,
                    parse.GetValue(_connection.Version));
            }
            else
            {
                var (model, backend) = _scoring.Open(parse, _engine.Apply(parse));
                using var _ = model;  // null with --backend
                await using var local = await _connection.ConnectAsync(parse);
                var scorer = new PoolScorer(local.Grains, backend, _scoring.Config(parse));
                scores = new(scorer.Key.ToString(), await scorer.ScoreAsync(pool, progress, cancellationToken, parse.GetValue(_connection.Version)));
                engineCalls = backend is LocalEngineBackend engine ? $"; {engine.EngineCalls} engine calls" : "";
            }
        }
        catch (ArgumentException e)
        {
            line.Clear();
            Console.Error.WriteLine($"activeit score: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or System.ClientModel.ClientResultException)
        {
            line.Clear();
            Console.Error.WriteLine($"activeit score: {e.Message}");
            return ExitCodes.Failure;
        }
        line.Clear();
        var results = scores.Results;
        var computed = results.Count(r => !r.Cached);
        foreach (var deviation in _scoring.Config(parse).ScaleDeviations())
        {
            Console.Error.WriteLine($"activeit score: scale deviation: {deviation}");
        }
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
                          $"{(computed > 0 ? computed / watch.Elapsed.TotalSeconds : 0):F2} tasks/s; key {scores.Key}{engineCalls}");
        return ExitCodes.Success;
    }
}
