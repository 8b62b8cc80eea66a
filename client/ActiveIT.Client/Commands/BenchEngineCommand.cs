using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Bench;
using ActiveIT.Client.Output;
using ActiveIT.Runs;
using ActiveIT.Engine;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit bench engine`: training and scoring tokens/s of the engine (float32 and bf16) beside the nanoGPT-style
/// reference in bench/, interleaved in one run, with each one's share of the measured matmul peak of its precision.
/// </summary>
internal sealed class BenchEngineCommand : Command
{
    private readonly Option<string[]> _configs = new("--config")
    {
        Description = "Model sizes: tiny (2/2/64, T64, B64), small (4/4/128, T128, B32), medium (6/6/384, T256, B16); repeatable",
        DefaultValueFactory = _ => ["tiny", "small", "medium"],
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> _precisions = new("--precision")
    {
        Description = "Engine precisions to measure: fp32, bf16 (both by default)",
        DefaultValueFactory = _ => ["fp32", "bf16"],
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<double> _seconds = new("--seconds")
    {
        Description = "Minimum timed seconds per measurement (train, then score) of each model in each round",
        DefaultValueFactory = _ => 2.0,
    };

    private readonly Option<int> _rounds = new("--rounds")
    {
        Description = "Interleaved rounds (engine fp32, engine bf16, reference, then again); each row reports its median round",
        DefaultValueFactory = _ => 3,
    };

    private readonly Option<bool> _noReference = new("--no-reference") { Description = "Skip the nanoGPT-style TorchSharp reference (bench/NanoGptReference.cs)" };
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object per line instead of a table" };
    private readonly Option<bool> _adapters = new("--adapters")
    {
        Description = "Also a Llama-family model of each size trained fully and with LoRA adapters (rank 8 on q, k, v, o): tokens/s and training state",
    };
    private readonly EngineOptions _engine = new(precision: false);

    public BenchEngineCommand() : base("engine", "Engine throughput (fp32, bf16) beside a TorchSharp nanoGPT reference: tokens/s, GFLOP/s, share of measured matmul peak")
    {
        _configs.AcceptOnlyFromAmong(EngineBenchmark.Presets);
        _precisions.AcceptOnlyFromAmong("fp32", "bf16");
        Options.Add(_configs);
        Options.Add(_precisions);
        Options.Add(_seconds);
        Options.Add(_rounds);
        Options.Add(_noReference);
        Options.Add(_json);
        Options.Add(_adapters);
        _engine.AddTo(this);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var device = _engine.Apply(parse);
        var json = parse.GetValue(_json);
        var rounds = parse.GetValue(_rounds);
        if (rounds < 1)
        {
            Console.Error.WriteLine("--rounds must be at least 1");
            return ExitCodes.InvalidInput;
        }
        var precisions = parse.GetValue(_precisions)!.Distinct().Select(PrecisionNames.Parse).ToArray();
        var peaks = MatmulPeaks.Measure(device);
        var environment = RunEnvironment.Capture(device);
        var table = new TextTable("config", "model", "prec", "params", "trained", "state MiB", "B×T", "train tok/s", "score tok/s", "train GFLOP/s", "score GFLOP/s", "peak",
            "train %peak", "score %peak", "train ×ref", "score ×ref");
        table.Widths = [7, 10, 5, 10, 10, 9, 7, 11, 11, 13, 13, 6, 11, 11, 10, 10];
        if (!json)
        {
            Console.WriteLine($"engine benchmark — {EngineRuntime.CpuName} ({(EngineRuntime.CpuHasBf16Units ? "bf16 matrix units: yes" : "no bf16 matrix units")}), " +
                $"{environment.CodeVersion}, libtorch {environment.TorchVersion}, {device}, {environment.Threads} threads ({environment.ThreadSettings})");
            Console.WriteLine($"peaks = measured 1024³ matmul: fp32 {peaks.Fp32:F0} GFLOP/s, bf16 {peaks.Bf16:F0} GFLOP/s; {rounds} interleaved rounds of ≥{parse.GetValue(_seconds)} s, median; " +
                "×ref = the reference's time over this row's (above 1: faster than the fp32 reference); " +
                "state MiB = computed weights + gradients and AdamW moments of the trained ones");
            Console.WriteLine(table.Header);
        }
        var progress = json || Console.IsErrorRedirected ? null : new Progress<string>(m => Console.Error.Write($"\r{m,-70}"));
        foreach (var preset in parse.GetValue(_configs)!)
        {
            var rows = EngineBenchmark.Run(preset, device, parse.GetValue(_seconds), rounds, peaks, precisions, !parse.GetValue(_noReference), parse.GetValue(_adapters), progress);
            if (progress is not null)
            {
                Console.Error.Write($"\r{new string(' ', 70)}\r");
            }
            foreach (var r in rows)
            {
                if (json)
                {
                    var line = JsonSerializer.SerializeToNode(r, Json.Options)!.AsObject();
                    line["environment"] = JsonSerializer.SerializeToNode(environment, Json.Options);
                    Console.WriteLine(line.ToJsonString());
                }
                else
                {
                    Console.WriteLine(table.Line([r.Config, r.Model, r.Precision, $"{r.Parameters:N0}", $"{r.TrainableParameters:N0}", $"{r.TrainStateMib:F1}", $"{r.Batch}×{r.SeqLen}", $"{r.TrainTokensPerS:F0}", $"{r.ScoreTokensPerS:F0}",
                        $"{r.TrainGflops:F1}", $"{r.ScoreGflops:F1}", $"{r.MatmulPeakGflops:F0}", $"{100 * r.TrainShareOfPeak:F1}%", $"{100 * r.ScoreShareOfPeak:F1}%",
                        double.IsNaN(r.TrainVsReference) ? "-" : $"{r.TrainVsReference:F2}", double.IsNaN(r.ScoreVsReference) ? "-" : $"{r.ScoreVsReference:F2}"]));
                }
            }
        }
        return ExitCodes.Success;
    }
}
