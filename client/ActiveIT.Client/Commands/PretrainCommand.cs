using ActiveIT.Grains.Pretraining;
using ActiveIT.Runs;
using ActiveIT.Runs.Pretraining;
using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Client.Pools;
using ActiveIT.Core.Families;
using ActiveIT.Engine;
using ActiveIT.Grains;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit pretrain`: a base model per seed, language-modelled on task-family documents without instructions
/// (<see cref="FamilyCorpus"/>), cached by its spec's hash; experiments train every round from it with
/// `--base-checkpoint PATH` ("{seed}" in the path for the seed).
/// </summary>
internal sealed class PretrainCommand : Command
{
    private readonly Option<string[]> _families = new("--families")
    {
        Description = "Families whose documents it reads (default: all of them)",
        CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
    };
    private readonly Option<int> _alphabet = new("--alphabet") { Description = "Alphabet size (as the families pool's)", DefaultValueFactory = _ => new FamilyPoolOptions().AlphabetSize };
    private readonly Option<int> _minLength = new("--min-length") { Description = "Shortest string (as the families pool's)", DefaultValueFactory = _ => new FamilyPoolOptions().MinLength };
    private readonly Option<int> _maxLength = new("--max-length") { Description = "Longest string (as the families pool's)", DefaultValueFactory = _ => new FamilyPoolOptions().MaxLength };
    private readonly Option<int> _layers = new("--layers") { DefaultValueFactory = _ => 2 };
    private readonly Option<int> _heads = new("--heads") { DefaultValueFactory = _ => 4 };
    private readonly Option<int> _dModel = new("--d-model") { DefaultValueFactory = _ => 128 };
    private readonly Option<int> _context = new("--context") { Description = "Context in tokens (bytes): the documents' length", DefaultValueFactory = _ => 256 };
    private readonly Option<int> _documentChars = new("--document-chars") { Description = "Length of each document (at most the context)", DefaultValueFactory = _ => 128 };
    private readonly Option<int> _steps = new("--steps") { Description = "Optimiser steps", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _batch = new("--batch-size") { DefaultValueFactory = _ => 32 };
    private readonly Option<double> _lr = new("--lr") { Description = "Peak learning rate (cosine decay)", DefaultValueFactory = _ => 3e-3 };
    private readonly Option<int> _warmup = new("--warmup-steps") { DefaultValueFactory = _ => 50 };
    private readonly Option<string[]> _seeds = new("--seeds")
    {
        Description = "One base per seed (comma-separated)",
        DefaultValueFactory = _ => ["1"],
        CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
    };
    private readonly Option<string?> _out = new("--out") { Description = "Folder of cached bases (default: bases/ in $ACTIVEIT_DATA or ~/.activeit)" };
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object per seed" };
    private readonly Option<string?> _silo = new("--silo")
    {
        Description = "A silo to pretrain on, as a run: the bases go to its model folder (default: $ACTIVEIT_SILO; none: in this process)",
    };
    private readonly EngineOptions _engine = new();

    public PretrainCommand() : base("pretrain", "Pretrain a base model per seed on task-family documents without instructions (cached by config)")
    {
        foreach (var option in new Option[] { _families, _alphabet, _minLength, _maxLength, _layers, _heads, _dModel, _context, _documentChars, _steps, _batch, _lr, _warmup, _seeds, _out, _json, _silo })
        {
            Options.Add(option);
        }
        _engine.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            return SiloHttp.Url(parse.GetValue(_silo)) is { } silo
                ? await OnSiloAsync(parse, silo, cancellationToken)
                : await Task.Run(() => Run(parse, cancellationToken), CancellationToken.None);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"activeit pretrain: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            Console.Error.WriteLine($"activeit pretrain: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private PretrainSpec Spec(ParseResult parse)
    {
        var families = parse.GetValue(_families) is { Length: > 0 } names ? names : [.. TaskFamilies.All.Select(f => f.Name)];
        var spec = new PretrainSpec([.. families.Select(n => TaskFamilies.Named(n).Name)], parse.GetValue(_alphabet), parse.GetValue(_minLength), parse.GetValue(_maxLength),
            parse.GetValue(_layers), parse.GetValue(_heads), parse.GetValue(_dModel), parse.GetValue(_context), parse.GetValue(_documentChars), parse.GetValue(_steps),
            parse.GetValue(_batch), parse.GetValue(_lr), parse.GetValue(_warmup));
        return spec;
    }

    private ulong[] Seeds(ParseResult parse) =>
        [.. parse.GetValue(_seeds)!.Select(s => ulong.TryParse(s, out var v) ? v : throw new ArgumentException($"--seeds: '{s}' is not a seed"))];

    /// <summary>`pretrain --silo`: the run on the silo, and a line per base it wrote to the silo's model folder.</summary>
    private async Task<int> OnSiloAsync(ParseResult parse, string silo, CancellationToken cancellationToken)
    {
        var request = new PretrainRequest(Spec(parse), Seeds(parse));
        using var http = SiloHttp.CreateClient(silo);
        foreach (var b in await RunOnSiloAsync(http, request, cancellationToken))
        {
            Console.WriteLine(parse.GetValue(_json)
                ? JsonSerializer.Serialize(new { b.Seed, request.Spec.Key, b.File, b.Cached, b.Seconds, b.FinalLoss, b.TokensPerSecond, b.Tokens, request.Spec }, Json.Options)
                : $"seed {b.Seed}: {b.File} in the silo's model folder{(b.Cached ? " (cached)" : "")} · loss {b.FinalLoss:F3} · {b.Tokens / 1e6:F1} M tokens in {b.Seconds:F0} s");
        }
        Console.Error.WriteLine($"use on that silo: --base-checkpoint {BasePretraining.PathPattern("", request.Spec)} (relative: in its model folder)");
        return ExitCodes.Success;
    }

    /// <summary>
    /// A pretraining run on the silo (created, or found when made before; started), followed to its end with a progress
    /// line on stderr; the bases, each a file in the silo's model folder. `pretrain --silo` and `demo --silo` use it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The run ended other than completed (its status and error named).</exception>
    public static async Task<IReadOnlyList<PretrainedBase>> RunOnSiloAsync(HttpClient http, PretrainRequest request, CancellationToken cancellationToken)
    {
        var line = new ProgressLine();
        var run = await SiloHttp.RunAsync<RunView>(http, RunKinds.Pretrain, request.RunName, request, r =>
        {
            if (r.Progress is { } p)
            {
                line.Update($"pretrain on the silo: {p.Step} · step {p.Done}/{p.Total}");
            }
        }, cancellationToken);
        line.Clear();
        return run is { Status: RunStatus.Completed, Result: { } result }
            ? result.Deserialize<List<PretrainedBase>>(Json.Options)!
            : throw new InvalidOperationException($"pretraining run '{run.Name}' ended {run.Status.ToString().ToLowerInvariant()}{(run.Error is { } e ? $": {e}" : "")}");
    }

    private int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        var device = _engine.Apply(parse);
        var spec = Spec(parse);
        var seeds = Seeds(parse);
        var dir = parse.GetValue(_out) ?? Path.Combine(Local.LocalCluster.DataDir(null), "bases");
        foreach (var seed in seeds)
        {
            var result = Pretrain(spec, seed, dir, device, parse.GetValue(_json) ? null : Console.Error, cancellationToken);
            Console.WriteLine(parse.GetValue(_json)
                ? JsonSerializer.Serialize(new { seed, spec.Key, result.Path, result.Cached, result.Seconds, result.FinalLoss, result.TokensPerSecond, result.Tokens, spec }, Json.Options)
                : $"seed {seed}: {result.Path}{(result.Cached ? " (cached)" : "")} · loss {result.FinalLoss:F3} · {result.Tokens / 1e6:F1} M tokens in {result.Seconds:F0} s ({result.TokensPerSecond / 1000:F1}k tok/s)");
        }
        Console.Error.WriteLine($"use: --base-checkpoint {BasePretraining.PathPattern(dir, spec)}");
        return ExitCodes.Success;
    }

    /// <summary>Pretrains (or finds) one seed's base, with progress lines on <paramref name="log"/>.</summary>
    public static PretrainResult Pretrain(PretrainSpec spec, ulong seed, string dir, string device, TextWriter? log, CancellationToken cancellationToken)
    {
        var last = DateTime.MinValue;
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (log is not null && ((DateTime.UtcNow - last).TotalSeconds >= 5 || p.Step == p.TotalSteps))
            {
                last = DateTime.UtcNow;
                log?.WriteLine($"pretrain seed {seed}: step {p.Step}/{p.TotalSteps} · loss {p.Result.Loss:F3} · {p.ElapsedSeconds:F0} s");
            }
        });
        return BasePretraining.Ensure(spec, seed, dir, device, RunEnvironment.Version, progress, cancellationToken);
    }
}
