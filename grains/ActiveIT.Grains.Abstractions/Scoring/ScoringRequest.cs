namespace ActiveIT.Grains.Scoring;

/// <summary>
/// A pool-scoring run (POST /v1/runs/scoring): prompt uncertainty, prediction probability and perplexity of every task
/// of <see cref="Pool"/> at <see cref="PoolVersion"/> (pinned at creation: the head then, where none is asked) under a
/// model the silo serves, with the scorer's settings (methods.md §1). Named by <see cref="Name"/>, by default
/// "{pool}.v{version}.{model}.{8 hex digits of the settings' hash}", so the same scoring of the same version asked
/// again names the same run, and a later version of the pool another.
/// </summary>
public sealed record ScoringRequest(string Pool, string Model, int Instances = 10, int Perturbations = 10, double Drop = 0.2, ulong Seed = 0,
    int MaxNewTokens = 128, string? Name = null, long? PoolVersion = null)
{
    /// <summary>The run's name.</summary>
    public string RunName => Name ?? $"{Pool}{(PoolVersion is { } v ? FormattableString.Invariant($".v{v}") : "")}.{Model}.{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant($"{Instances}/{Perturbations}/{Drop:R}/{Seed}/{MaxNewTokens}"))))[..8]}";

    /// <summary>Bounds, so one run cannot hold the engine for hours: a problem's detail per field.</summary>
    public string? Invalid(int maxNewTokens) =>
        Instances is < 1 or > 1000 ? $"instances {Instances}: between 1 and 1000"
        : Perturbations is < 1 or > 100 ? $"perturbations {Perturbations}: between 1 and 100"
        : Drop is < 0 or >= 1 || double.IsNaN(Drop) ? $"drop {Drop}: at least 0, below 1"
        : MaxNewTokens < 1 || MaxNewTokens > maxNewTokens ? $"max_new_tokens {MaxNewTokens}: between 1 and this silo's limit of {maxNewTokens} (ActiveIT:MaxGenerationTokens)"
        : !NameRule.IsValid(RunName) ? $"name '{RunName}': use 1–100 letters, digits, '-', '_' or '.'"
        : null;
}
