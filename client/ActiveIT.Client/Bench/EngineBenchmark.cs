using System.Diagnostics;
using ActiveIT.Bench;
using ActiveIT.Core;
using ActiveIT.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace ActiveIT.Client.Bench;

/// <summary>
/// Training and scoring throughput of one model size: the engine in float32 and bf16 and the nanoGPT-style reference
/// (bench/NanoGptReference.cs) in float32, measured in interleaved rounds so drifts in the machine's speed hit all three
/// alike; each reports the median round, against the measured matmul peak of its own precision.
/// </summary>
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

    /// <summary>One variant: a name, a precision, its model's shape, what of it trains, and its two timed actions.</summary>
    private sealed record Variant(string Model, Precision Precision, ModelConfig Config, long Parameters, long Trainable, Action Train, Action Score, IDisposable Owner);

    /// <summary>The adapter rows' LoRA: rank 8 on the attention projections (q, k, v, o).</summary>
    public static readonly LoraConfig Lora = new(8, 16, LoraConfig.DefaultTargets);

    /// <summary>A Llama-family model of the preset's depth and width: half as many key/value heads, SwiGLU at 8/3 of the width.</summary>
    public static ModelConfig LlamaOf(ModelConfig preset) => new(preset.VocabSize, preset.Layers, preset.Heads, preset.DModel, preset.MaxSeqLen,
        Inner: (preset.DModel * 8 / 3 + 7) / 8 * 8, LayerNormEps: 1e-5f, Architecture: ModelConfig.Llama,
        KvHeads: preset.Heads % 2 == 0 ? preset.Heads / 2 : preset.Heads);

    public static IReadOnlyList<EngineBenchmarkResult> Run(string preset, string device, double minSeconds, int rounds, MatmulPeaks peaks,
        IReadOnlyList<Precision> precisions, bool reference, bool adapters = false, IProgress<string>? progress = null)
    {
        var (batch, seqLen) = Shape(preset);
        var config = ModelConfig.Preset(preset, ByteTokenizer.VocabSize);
        var random = new SeededRandom(1);
        var tokens = Enumerable.Range(0, batch * seqLen).Select(_ => random.NextInt(256)).ToArray();
        var mask = Enumerable.Range(0, batch * seqLen).Select(i => (byte)(i % seqLen == 0 ? 0 : 1)).ToArray();
        var data = SequenceBatch.FromArrays(batch, seqLen, tokens, mask);

        var variants = new List<Variant>();
        foreach (var precision in precisions)
        {
            var model = GptModel.Create(config, seed: 1, device, precision);
            var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-4f, TotalSteps: 1_000_000, Schedule: LrSchedule.Constant));
            variants.Add(new Variant("engine", precision, config, model.ParameterCount, model.ParameterCount, () => trainer.Step(data), () => model.Score(data),
                new Owner(trainer, model)));
        }
        if (adapters)
        {
            // Full training and LoRA of one Llama-family model: the same forward, with and without the base's gradients and moments.
            foreach (var precision in precisions)
            {
                foreach (var lora in new[] { false, true })
                {
                    var model = GptModel.Create(LlamaOf(config), seed: 1, device, precision);
                    if (lora)
                    {
                        model.AttachLora(Lora, seed: 1);
                    }
                    var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-4f, TotalSteps: 1_000_000, Schedule: LrSchedule.Constant));
                    variants.Add(new Variant(lora ? "llama-lora" : "llama", precision, model.Config, model.ParameterCount, model.TrainableParameterCount,
                        () => trainer.Step(data), () => model.Score(data), new Owner(trainer, model)));
                }
            }
        }
        if (reference)
        {
            variants.Add(Reference(config, batch, seqLen, tokens, device));
        }
        try
        {
            var trainTimes = variants.Select(_ => new List<double>()).ToArray();
            var scoreTimes = variants.Select(_ => new List<double>()).ToArray();
            var steps = new (int Train, int Score)[variants.Count];
            for (var round = 0; round < rounds; round++)
            {
                for (var v = 0; v < variants.Count; v++)
                {
                    progress?.Report($"{preset}: round {round + 1}/{rounds}, {variants[v].Model} {variants[v].Precision.Name()}");
                    var (trainSteps, trainSeconds) = Time(variants[v].Train, minSeconds);
                    var (scoreSteps, scoreSeconds) = Time(variants[v].Score, minSeconds);
                    trainTimes[v].Add(trainSeconds / trainSteps);
                    scoreTimes[v].Add(scoreSeconds / scoreSteps);
                    steps[v] = (steps[v].Train + trainSteps, steps[v].Score + scoreSteps);
                }
            }
            var tokensPerStep = (double)batch * seqLen;
            var referenceIndex = variants.FindIndex(v => v.Model == "reference");
            var results = new List<EngineBenchmarkResult>();
            for (var v = 0; v < variants.Count; v++)
            {
                var trainStep = Median(trainTimes[v]);
                var scoreStep = Median(scoreTimes[v]);
                var peak = variants[v].Precision == Precision.Bf16 ? peaks.Bf16 : peaks.Fp32;
                // Work counted as a full model's training for every row: LoRA skips the base's weight gradients, so its
                // share of peak reads as the speed-up it buys, not as more efficient kernels.
                var forwardFlops = variants[v].Config.ForwardFlopsPerToken(seqLen) * tokensPerStep;
                var trainGflops = 3 * forwardFlops / trainStep / 1e9;
                var scoreGflops = forwardFlops / scoreStep / 1e9;
                results.Add(new EngineBenchmarkResult(preset, config.Layers, config.Heads, config.DModel, seqLen, batch, variants[v].Parameters, device,
                    EngineRuntime.Info.Threads, trainStep * 1000, tokensPerStep / trainStep, batch * (seqLen - 1) / trainStep, tokensPerStep / scoreStep,
                    trainGflops, scoreGflops, peak, trainGflops / peak, scoreGflops / peak, steps[v].Train, steps[v].Score,
                    variants[v].Model, variants[v].Precision.Name(), peaks.Fp32, peaks.Bf16, EngineRuntime.CpuName, EngineRuntime.CpuHasBf16Units, rounds,
                    referenceIndex < 0 ? double.NaN : Median(trainTimes[referenceIndex]) / trainStep,
                    referenceIndex < 0 ? double.NaN : Median(scoreTimes[referenceIndex]) / scoreStep,
                    variants[v].Trainable, TrainStateMebibytes(variants[v].Parameters, variants[v].Trainable)));
            }
            return results;
        }
        finally
        {
            variants.ForEach(v => v.Owner.Dispose());
        }
    }

    /// <summary>Training state in float32, computed: every weight, plus a gradient and AdamW's two moments per trained one
    /// (activations not included: they depend on the batch, not on what trains).</summary>
    public static double TrainStateMebibytes(long parameters, long trainable) => 4.0 * (parameters + 3 * trainable) / (1 << 20);

    private static Variant Reference(ModelConfig config, int batch, int seqLen, int[] tokens, string device)
    {
        var target = torch.device(device);
        torch.manual_seed(1);
        var model = new NanoGptReference(config.VocabSize, config.Layers, config.Heads, config.DModel, config.MaxSeqLen);
        model.to(target);
        // The same B×T tokens as the engine; targets are the next tokens (the last position's wraps to the row's first).
        var inputs = tensor(tokens, [batch, seqLen], ScalarType.Int32).to(ScalarType.Int64, target);
        var targets = inputs.roll(-1, 1);
        var optimizer = optim.AdamW(model.parameters(), lr: 1e-4);
        var parameters = model.parameters().Sum(p => p.numel());
        return new Variant("reference", Precision.Fp32, config, parameters, parameters,
            () => model.TrainStep(inputs, targets, optimizer),
            () =>
            {
                using var scope = NewDisposeScope();
                _ = model.Score(inputs, targets).cpu();
            },
            new Owner(optimizer, inputs, targets, model));
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

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed class Owner(params IDisposable[] owned) : IDisposable
    {
        public void Dispose()
        {
            foreach (var o in owned)
            {
                o.Dispose();
            }
        }
    }
}

/// <summary>The machine's measured n³ GEMM rates, the peaks every share-of-peak is taken against.</summary>
internal sealed record MatmulPeaks(double Fp32, double Bf16)
{
    public static MatmulPeaks Measure(string device) =>
        new(EngineRuntime.MeasureMatmulGflops(precision: Precision.Fp32, device: device), EngineRuntime.MeasureMatmulGflops(precision: Precision.Bf16, device: device));
}
