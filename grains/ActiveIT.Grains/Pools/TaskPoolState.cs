using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Pools;

public sealed class TaskPoolState
{
    public long Version { get; set; }
    public Dictionary<string, PoolMember> Members { get; set; } = new(StringComparer.Ordinal);
    public List<PoolChange> Log { get; set; } = [];
}
