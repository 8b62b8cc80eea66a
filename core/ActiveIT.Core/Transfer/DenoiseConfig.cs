using System.Globalization;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// How candidates are ranked (methods.md §2): token-weighted mean cross-entropy of <paramref name="Instances"/> (m)
/// reference outputs, drawn with <paramref name="Seed"/>, under the candidate's prompt with
/// <paramref name="Examples"/> positive examples. <paramref name="Enabled"/> false keeps the first parsed candidate
/// (a random one: candidates are independent samples) — the experiment's baseline. <paramref name="MaxScore"/>, when
/// set, is a threshold: a task whose best candidate scores above it fails instead of taking a poor transfer.
/// <paramref name="Aggregation"/> chooses between ActiveIT's token-weighted mean and the original code's mean of batch means.
/// </summary>
public sealed record DenoiseConfig(bool Enabled = true, int Instances = 32, ulong Seed = 0, int Examples = 2, double? MaxScore = null,
    DenoiseAggregation Aggregation = DenoiseAggregation.TokenWeighted)
{
    /// <summary>Instances per batch in the original code's aggregation (its 32 instances are scored as 4 batches of 8).</summary>
    public const int UitBatch = 8;

    /// <summary>The scores' cache key; the threshold is left out (it filters choices, it does not change scores).</summary>
    public override string ToString() => Enabled
        ? string.Create(CultureInfo.InvariantCulture, $"denoise-v1/m={Instances}/seed={Seed}/examples={Examples}")
          + (Aggregation == DenoiseAggregation.UitBatchMeans ? "/uit-batch-means" : "")  // the default's keys stay those of scores already cached
        : "first-parsed";

    /// <summary>"token" (token-weighted, the default) or "uit" (the original code's mean of batch means, no end-of-sequence marker).</summary>
    public static DenoiseAggregation ParseAggregation(string? text) => text switch
    {
        null or "" or "token" => DenoiseAggregation.TokenWeighted,
        "uit" => DenoiseAggregation.UitBatchMeans,
        _ => throw new ArgumentException($"denoise aggregation '{text}': token (token-weighted mean) or uit (the original code's mean of batch means)"),
    };
}
