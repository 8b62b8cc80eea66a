using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActiveIT.Core;
using ActiveIT.Core.Families;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Grains.Pretraining;

namespace ActiveIT.Runs.Pretraining;

/// <summary>
/// Pretrains a base model once per (spec, seed) on <see cref="FamilyCorpus"/> documents — language modelling, loss on
/// every token, no instructions — and caches it as <c>base-{key}-seed-{seed}.safetensors</c> with the spec, seed,
/// code version and timings in its metadata. Experiments start every round from it (<see cref="ModelSpec.BaseCheckpoint"/>).
/// </summary>
public static class BasePretraining
{
    public static string PathFor(string dir, PretrainSpec spec, ulong seed) => Path.Combine(dir, $"base-{spec.Key}-seed-{seed}.safetensors");

    /// <summary>Every seed's base at once, for <see cref="ModelSpec.BaseCheckpoint"/>: "{seed}" stands for the seed.</summary>
    public static string PathPattern(string dir, PretrainSpec spec) => Path.Combine(dir, $"base-{spec.Key}-seed-{{seed}}.safetensors");

    public static PretrainResult Ensure(PretrainSpec spec, ulong seed, string dir, string device, string codeVersion,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = PathFor(dir, spec, seed);
        if (File.Exists(path))
        {
            using var cached = GptModel.Load(path, device);
            double Read(string key) => double.Parse(cached.GetMetadata(key) ?? "0", CultureInfo.InvariantCulture);
            return new PretrainResult(path, true, Read("pretrain.seconds"), (float)Read("pretrain.final_loss"), Read("pretrain.tokens_per_second"),
                (long)Read("pretrain.tokens"));
        }
        var families = spec.Families.Select(TaskFamilies.Named).ToArray();
        var strings = new FamilyStrings(spec.AlphabetSize, spec.MinLength, spec.MaxLength);
        var count = spec.Steps * spec.BatchSize;
        // Documents end where the next pair would not fit beside BOS and EOS.
        var pairs = Enumerable.Range(0, count)
            .Select(i => LocalEngineBackend.Encode("", FamilyCorpus.Document(families, strings, seed, i, Math.Min(spec.DocumentChars, spec.Context - 2)), spec.Context))
            .ToArray();
        using var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, spec.Layers, spec.Heads, spec.DModel, spec.Context), seed, device);
        var config = new TrainingConfig((float)spec.LearningRate, spec.Steps, Math.Min(spec.WarmupSteps, spec.Steps), LrSchedule.Cosine);
        var run = TrainingLoop.Train(model, pairs, config, spec.BatchSize, epochs: 1, SeededRandom.For(seed, "pretrain/batch-order").NextULong(),
            progress, cancellationToken);
        Directory.CreateDirectory(dir);
        var temporary = path + ".tmp";
        model.Save(temporary, new Dictionary<string, string>
        {
            ["pretrain.spec"] = JsonSerializer.Serialize(spec),
            ["pretrain.seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["pretrain.code_version"] = codeVersion,
            ["pretrain.seconds"] = run.Seconds.ToString("R", CultureInfo.InvariantCulture),
            ["pretrain.final_loss"] = run.FinalLoss.ToString("R", CultureInfo.InvariantCulture),
            ["pretrain.tokens_per_second"] = run.TokensPerSecond.ToString("R", CultureInfo.InvariantCulture),
            ["pretrain.tokens"] = run.Tokens.ToString(CultureInfo.InvariantCulture),
        });
        File.Move(temporary, path, overwrite: true);  // a killed pretraining never leaves a half-written base
        return new PretrainResult(path, false, run.Seconds, run.FinalLoss, run.TokensPerSecond, run.Tokens);
    }
}
