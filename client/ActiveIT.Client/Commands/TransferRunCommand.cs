using ActiveIT.Grains.Runs;
using ActiveIT.Runs.Transfer;
using System.CommandLine;
using System.Diagnostics;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Client.Transfer;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Transfer;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit transfer run`: a pool's tasks into one format, through an LLM or the local transfer model, denoised by perplexity.</summary>
internal sealed class TransferRunCommand : Command
{
    private readonly PoolConnection _connection = new();
    private readonly EngineOptions _engine = new();
    private readonly Option<string> _outPool = new("--out-pool") { Description = "Pool the chosen transfers go to (names the run; the source pool is never changed)", Required = true };
    private readonly Option<string> _to = new("--to") { Description = "Target format: niv2 (definition + examples) or flan (instance templates)", DefaultValueFactory = _ => "niv2" };
    private readonly Option<string> _backend = new("--backend") { Description = "'local' (the engine, --model FILE from `transfer train`) or an OpenAI-compatible base URL; key from $ACTIVEIT_BACKEND_KEY or $OPENAI_API_KEY", DefaultValueFactory = _ => "local" };
    private readonly Option<string> _model = new("--model") { Description = "Checkpoint file (local) or the server's model name", Required = true };
    private readonly Option<string?> _modelVersion = new("--model-version") { Description = "Version that keys cached candidates (default: the checkpoint's hash; 'remote' for a server)" };
    private readonly Option<int> _candidates = new("--candidates") { Description = "Candidates per task (N), each a seeded request (the paper samples 32; 8 keeps an API's cost down)", DefaultValueFactory = _ => 8 };
    private readonly Option<float> _temperature = new("--temperature") { Description = "Sampling temperature", DefaultValueFactory = _ => 0.8f };
    private readonly Option<int> _maxTokens = new("--max-tokens") { Description = "Longest answer, in tokens", DefaultValueFactory = _ => 512 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the candidates' requests", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> _seedPairs = new("--seed-pairs") { Description = "JSONL of {\"source\", \"target\"} pairs (default: ActiveIT's string-rewrite pairs for the target)" };
    private readonly Option<int> _k = new("--k") { Description = "Seed pairs shown per request", DefaultValueFactory = _ => 3 };
    private readonly Option<string?> _scorer = new("--scorer") { Description = "Scoring model for denoising: a checkpoint, or a model name with --scorer-backend" };
    private readonly Option<string?> _scorerBackend = new("--scorer-backend") { Description = "OpenAI-compatible server with prompt log-probabilities (vLLM) that scores" };
    private readonly Option<string?> _scorerVersion = new("--scorer-version") { Description = "Version that keys cached candidate scores" };
    private readonly Option<bool> _noDenoise = new("--no-denoise") { Description = "Keep the first parsed candidate instead of the least perplexing one" };
    private readonly Option<int> _denoiseInstances = new("--denoise-instances") { Description = "Instances (m) whose outputs score a candidate", DefaultValueFactory = _ => 32 };
    private readonly Option<int> _denoiseSeed = new("--denoise-seed") { Description = "Seed that draws the m instances", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _denoiseAggregation = new("--denoise-aggregation")
    {
        Description = "token: token-weighted mean cross-entropy (default); uit: the original code's mean of batch means over batches of 8, outputs without EOS",
        DefaultValueFactory = _ => "token",
    };
    private readonly Option<double?> _maxScore = new("--max-score") { Description = "Threshold: a task whose least perplexing candidate scores above this (mean cross-entropy, nats) fails" };
    private readonly Option<string?> _labels = new("--labels") { Description = "Label map, e.g. 1=yes,0=no (strict:… refuses unmapped labels); default: keep every label" };
    private readonly Option<long?> _maxRequests = new("--max-requests") { Description = "Budget: requests (all sessions of this run)" };
    private readonly Option<long?> _maxSpent = new("--max-spent-tokens") { Description = "Budget: prompt + completion tokens" };
    private readonly Option<decimal?> _maxCost = new("--max-cost") { Description = "Budget: dollars, priced by --price" };
    private readonly Option<string?> _price = new("--price") { Description = "Dollars per million prompt,completion tokens, e.g. 0.15,0.60" };

    public TransferRunCommand() : base("run", "Transfer a pool's tasks into one format and write the chosen transfers to --out-pool (resumable)")
    {
        _connection.AddTo(this);
        _connection.AddVersionTo(this);
        _engine.AddTo(this);
        foreach (var option in new Option[] { _outPool, _to, _backend, _model, _modelVersion, _candidates, _temperature, _maxTokens, _seed, _seedPairs, _k,
                     _scorer, _scorerBackend, _scorerVersion, _noDenoise, _denoiseInstances, _denoiseSeed, _denoiseAggregation, _maxScore, _labels, _maxRequests, _maxSpent, _maxCost, _price })
        {
            Options.Add(option);
        }
        _to.AcceptOnlyFromAmong("niv2", "flan");
        _denoiseAggregation.AcceptOnlyFromAmong("token", "uit");
        SetAction(RunAsync);
    }

    private TransferRequest Request(ParseResult parse)
    {
        IReadOnlyList<SeedPair>? pairs = null;
        if (parse.GetValue(_seedPairs) is { } file)
        {
            if (!File.Exists(file))
            {
                throw new ArgumentException($"--seed-pairs {file}: no such file");
            }
            using var stream = File.OpenRead(file);
            pairs = SeedPairs.Read(stream, file);
        }
        return new TransferRequest(parse.GetValue(_connection.Pool)!, parse.GetValue(_outPool)!, parse.GetValue(_model)!, parse.GetValue(_to)!,
            parse.GetValue(_backend)!, parse.GetValue(_modelVersion), parse.GetValue(_candidates), parse.GetValue(_temperature), parse.GetValue(_maxTokens),
            (ulong)parse.GetValue(_seed), parse.GetValue(_k), pairs, parse.GetValue(_scorer), parse.GetValue(_scorerBackend), parse.GetValue(_scorerVersion),
            !parse.GetValue(_noDenoise), parse.GetValue(_denoiseInstances), (ulong)parse.GetValue(_denoiseSeed), parse.GetValue(_labels),
            parse.GetValue(_maxRequests), parse.GetValue(_maxSpent), parse.GetValue(_maxCost), parse.GetValue(_price), parse.GetValue(_maxScore),
            parse.GetValue(_denoiseAggregation), parse.GetValue(_connection.Version));
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var line = new ProgressLine();
        var watch = Stopwatch.StartNew();
        var progress = new Progress<TransferProgress>(p =>
            line.Update(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"transfer: {p.Done}/{p.Total} tasks, {p.Spend.Requests} requests, {p.Spend.Tokens:N0} tokens, ${p.Spend.Cost:0.####}, {watch.Elapsed.TotalSeconds:F0} s")));
        TransferRunState state;
        try
        {
            var request = Request(parse);
            if (SiloHttp.Url(parse.GetValue(_connection.Silo)) is { } silo)
            {
                using var http = SiloHttp.CreateClient(silo);
                state = await RemoteTransfers.RunAsync(http, request, progress, cancellationToken);
            }
            else
            {
                using var backends = new TransferBackends(request, _engine.Apply(parse));
                var settings = request.Settings(backends.ModelVersion);
                await using var local = await _connection.ConnectAsync(parse);
                state = await new FormatTransferRunner(local.Grains, backends.Chat, backends.Scorer, settings)
                    .RunAsync(request.Pool, request.OutPool, progress, cancellationToken, sourceVersion: request.PoolVersion);
            }
        }
        catch (Exception e) when (e is ArgumentException or TaskFormatException)
        {
            line.Clear();
            Console.Error.WriteLine($"activeit transfer run: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or System.ClientModel.ClientResultException or AggregateException)
        {
            // AggregateException: a scoring server still failing after the OpenAI pipeline's retries. What was stored stays; run again to resume.
            line.Clear();
            Console.Error.WriteLine($"activeit transfer run: {e.Message}");
            return ExitCodes.Failure;
        }
        line.Clear();
        TransferReport.Print(state, parse.GetValue(_connection.Json));
        return state.Status == RunStatus.Completed ? ExitCodes.Success : ExitCodes.Failure;
    }
}
