namespace ActiveIT.Grains.Pools;

/// <summary>A pool grain's stored state: membership by task id, the version every change bumps, and the recent change log.</summary>
[GenerateSerializer, Alias("activeit.TaskPoolState")]
public sealed class TaskPoolState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public Dictionary<string, PoolMember> Members { get; set; } = [];

    [Id(2)]
    public List<PoolChange> Log { get; set; } = [];
}
