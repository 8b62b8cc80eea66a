namespace ActiveIT.Grains.Pretraining;

/// <summary>
/// A pretraining run (POST /v1/runs/pretrain): one base per seed, written to the silo's model folder as
/// base-{spec key}-seed-{seed}.safetensors, where experiments (model.base_checkpoint) and the served models find it.
/// Named by <see cref="Name"/>, by default "base-{spec key}".
/// </summary>
public sealed record PretrainRequest(PretrainSpec Spec, IReadOnlyList<ulong> Seeds, string? Name = null)
{
    public string RunName => Name ?? $"base-{Spec.Key}";

    /// <summary>Bounds, so one run cannot hold the engine for days: a problem's detail per field.</summary>
    public string? Invalid() =>
        Seeds is not { Count: > 0 and <= 20 } ? "seeds: between 1 and 20 seeds"
        : Seeds.Distinct().Count() != Seeds.Count ? "seeds: each seed once"
        : Spec.Families is not { Count: > 0 } ? "spec.families: at least one family"
        : Spec.Steps is < 1 or > 1_000_000 ? $"spec.steps {Spec.Steps}: between 1 and 1000000"
        : Spec.BatchSize is < 1 or > 4096 ? $"spec.batch_size {Spec.BatchSize}: between 1 and 4096"
        : Spec.Layers is < 1 or > 64 || Spec.Heads < 1 || Spec.DModel < 1 || Spec.DModel % Spec.Heads != 0 ? "spec: layers 1–64, heads ≥ 1, d_model a multiple of heads"
        : Spec.Context is < 8 or > 8192 ? $"spec.context {Spec.Context}: between 8 and 8192"
        : Spec.DocumentChars < 1 || Spec.LearningRate is not (> 0 and < 1) || Spec.WarmupSteps < 0 ? "spec: document_chars ≥ 1, learning_rate in (0, 1), warmup_steps ≥ 0"
        : !NameRule.IsValid(RunName) ? $"name '{RunName}': use 1–100 letters, digits, '-', '_' or '.'"
        : null;
}
