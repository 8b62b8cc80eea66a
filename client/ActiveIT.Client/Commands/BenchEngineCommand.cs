using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Bench;
using ActiveIT.Client.Output;
using ActiveIT.Engine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit bench engine`: training and scoring tokens/s and the share of the machine's matmul peak.</summary>
internal sealed class BenchEngineCommand : Command
{
    private readonly Option<string[]> _configs = new("--config")
    {
        Description = "Model sizes: tiny (2/2/64, T64, B64), small (4/4/128, T128, B32), medium (6/6/384, T256, B16); repeatable",
        DefaultValueFactory = _ => ["tiny", "small", "medium"],
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<double> _seconds = new("--seconds")
    {
        Description = "Minimum timed seconds per measurement",
        DefaultValueFactory = _ => 3.0,
    };

    private readonly Option<bool> _json = new("--json") { Description = "One JSON object per line instead of a table" };
    private readonly EngineOptions _engine = new();

    public BenchEngineCommand() : base("engine", "Engine throughput: train and score tokens/s, GFLOP/s, share of measured matmul peak")
    {
        _configs.AcceptOnlyFromAmong(EngineBenchmark.Presets);
        Options.Add(_configs);
        Options.Add(_seconds);
        Options.Add(_json);
        _engine.AddTo(this);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var device = _engine.Apply(parse);
        var json = parse.GetValue(_json);
        var peak = EngineRuntime.MeasureMatmulGflops();
        var environment = RunEnvironment.Capture(device);
        var table = new TextTable("config", "params", "B×T", "train tok/s", "score tok/s", "train GFLOP/s", "score GFLOP/s", "peak GFLOP/s", "train %peak", "score %peak");
        table.Widths = [7, 9, 8, 12, 12, 13, 13, 12, 11, 11];
        if (!json)
        {
            Console.WriteLine($"engine benchmark — {environment.CodeVersion}, libtorch {environment.TorchVersion}, {device}, {environment.Threads} threads, " +
                $"{environment.ThreadSettings}; peak = measured 1024³ float32 matmul");
            Console.WriteLine(table.Header);
        }
        foreach (var preset in parse.GetValue(_configs)!)
        {
            var r = EngineBenchmark.Run(preset, device, parse.GetValue(_seconds), peak);
            if (json)
            {
                var line = JsonSerializer.SerializeToNode(r, Json.Options)!.AsObject();
                line["environment"] = JsonSerializer.SerializeToNode(environment, Json.Options);
                Console.WriteLine(line.ToJsonString());
            }
            else
            {
                Console.WriteLine(table.Line([r.Config, $"{r.Parameters:N0}", $"{r.Batch}×{r.SeqLen}", $"{r.TrainTokensPerS:F0}", $"{r.ScoreTokensPerS:F0}",
                    $"{r.TrainGflops:F1}", $"{r.ScoreGflops:F1}", $"{r.MatmulPeakGflops:F1}", $"{100 * r.TrainShareOfPeak:F1}%", $"{100 * r.ScoreShareOfPeak:F1}%"]));
            }
        }
        return ExitCodes.Success;
    }
}
