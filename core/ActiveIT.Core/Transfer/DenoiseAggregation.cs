namespace ActiveIT.Core.Transfer;

/// <summary>How a candidate's per-instance cross-entropies become one score (methods.md §2; docs/methods-differences.md).</summary>
public enum DenoiseAggregation
{
    /// <summary>Every reference-output token weighs the same, end-of-sequence marker included (ActiveIT's default).</summary>
    TokenWeighted,

    /// <summary>
    /// The original code's: instances in batches of <see cref="DenoiseConfig.UitBatch"/>, each batch's token-weighted mean,
    /// then the plain mean of the batch means; outputs scored without an end-of-sequence marker.
    /// </summary>
    UitBatchMeans,
}
