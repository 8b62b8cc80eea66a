namespace ActiveIT.Core.Formats;

/// <summary>Limits enforced while reading, before anything is kept: a file larger than MaxBytes is never read whole.</summary>
public sealed record ImportLimits(long MaxBytes = 256L << 20, int MaxInstancesPerTask = 1_000_000, int MaxTextChars = 1 << 20, int MaxTasks = 1_000_000)
{
    public static ImportLimits Default { get; } = new();
}
