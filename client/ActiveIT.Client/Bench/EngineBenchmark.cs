using System.Diagnostics;
using ActiveIT.Core;
using ActiveIT.Engine;

namespace ActiveIT.Client.Bench;

/// <summary>Training and scoring throughput of one model size, against the machine's measured matmul rate.</summary>
internal static class EngineBenchmark
{
    public static readonly string[] Presets = ["tiny", "small", "medium"];

    public static (int Batch, int SeqLen) Shape(string preset) => preset switch
    {
        "tiny" => (64, 64),
        "small" => (32, 128),
        "medium" => (16, 256),
        _ => throw new ArgumentException($"unknown config '{preset}' (tiny, small, medium)"),
    };

    public static EngineBenchmarkResult Run(string preset, string device, double minSeconds, double matmulPeakGflops)
    {
        var (batch, seqLen) = Shape(preset);
        var config = ModelConfig.Preset(preset, ByteTokenizer.VocabSize);
        using var model = GptModel.Create(config, seed: 1, device);
        var random = new SeededRandom(1);
        var tokens = Enumerable.Range(0, batch * seqLen).Select(_ => random.NextInt(256)).ToArray();
        var mask = Enumerable.Range(0, batch * seqLen).Select(i => (byte)(i % seqLen == 0 ? 0 : 1)).ToArray();
        var data = SequenceBatch.FromArrays(batch, seqLen, tokens, mask);
        var targetsPerBatch = batch * (seqLen - 1);

        using var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-4f, TotalSteps: 1_000_000, Schedule: LrSchedule.Constant));
        var (trainSteps, trainSeconds) = Time(() => trainer.Step(data), minSeconds);
        var (scoreSteps, scoreSeconds) = Time(() => model.Score(data), minSeconds);

        var tokensPerStep = (double)batch * seqLen;
        var forwardFlops = config.ForwardFlopsPerToken(seqLen) * tokensPerStep;
        var trainTokensPerSecond = tokensPerStep * trainSteps / trainSeconds;
        var scoreTokensPerSecond = tokensPerStep * scoreSteps / scoreSeconds;
        var trainGflops = 3 * forwardFlops * trainSteps / trainSeconds / 1e9;
        var scoreGflops = forwardFlops * scoreSteps / scoreSeconds / 1e9;
        return new EngineBenchmarkResult(preset, config.Layers, config.Heads, config.DModel, seqLen, batch, model.ParameterCount, device,
            EngineRuntime.Info.Threads, trainSeconds * 1000 / trainSteps, trainTokensPerSecond, targetsPerBatch * trainSteps / trainSeconds,
            scoreTokensPerSecond, trainGflops, scoreGflops, matmulPeakGflops, trainGflops / matmulPeakGflops, scoreGflops / matmulPeakGflops,
            trainSteps, scoreSteps);
    }

    /// <summary>Two warm-up calls, then as many timed calls as fit in <paramref name="minSeconds"/> (at least three).</summary>
    private static (int Steps, double Seconds) Time(Action step, double minSeconds)
    {
        step();
        step();
        var watch = Stopwatch.StartNew();
        var steps = 0;
        while (steps < 3 || watch.Elapsed.TotalSeconds < minSeconds)
        {
            step();
            steps++;
        }
        return (steps, watch.Elapsed.TotalSeconds);
    }
}
