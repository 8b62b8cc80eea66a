namespace ActiveIT.Grains.Pools;

/// <summary>A conditional write found the pool at another version than it expected: nothing was applied (HTTP 412).</summary>
[GenerateSerializer, Alias("activeit.PoolVersionConflictException")]
public sealed class PoolVersionConflictException(string pool, long expected, long current)
    : InvalidOperationException($"pool '{pool}' is at version {current}, not {expected}: nothing was applied; read it again and retry with If-Match: \"{current}\"")
{
    [Id(0)]
    public string Pool { get; } = pool;

    [Id(1)]
    public long Expected { get; } = expected;

    [Id(2)]
    public long Current { get; } = current;
}

/// <summary>The caller may not write this pool: it is neither its owner nor one of its editors (HTTP 403).</summary>
[GenerateSerializer, Alias("activeit.PoolAccessException")]
public sealed class PoolAccessException(string message) : InvalidOperationException(message);

/// <summary>An idempotency key came again with a different request: the first outcome belongs to other content (HTTP 422).</summary>
[GenerateSerializer, Alias("activeit.IdempotencyKeyReusedException")]
public sealed class IdempotencyKeyReusedException(string message) : InvalidOperationException(message);

/// <summary>A pool that runs pin cannot be deleted: their records name data it holds (HTTP 409).</summary>
[GenerateSerializer, Alias("activeit.PoolPinnedException")]
public sealed class PoolPinnedException(string pool, IReadOnlyList<string> runs)
    : InvalidOperationException($"pool '{pool}' is read by {runs.Count} run(s) that pin its versions: {string.Join(", ", runs)}; delete them first")
{
    [Id(0)]
    public IReadOnlyList<string> Runs { get; } = runs;
}
