namespace ActiveIT.Grains.Pools;

/// <summary>
/// A pool grain's stored state, small whatever the pool's size: the version every change bumps, the counts behind
/// its statistics, which pages hold members, the recent change log, and a change committed but not yet applied to
/// all its pages (<see cref="Pending"/>).
/// </summary>
[GenerateSerializer, Alias("activeit.TaskPoolState")]
public sealed class TaskPoolState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public int Tasks { get; set; }

    [Id(2)]
    public long Instances { get; set; }

    [Id(3)]
    public Dictionary<string, int> TasksByCategory { get; set; } = [];

    [Id(4)]
    public Dictionary<string, int> TasksBySource { get; set; } = [];

    [Id(5)]
    public Dictionary<string, int> TasksByFormat { get; set; } = [];

    /// <summary>Pages that have ever held a member (listing reads only these).</summary>
    [Id(6)]
    public SortedSet<int> Pages { get; set; } = [];

    [Id(7)]
    public List<PoolChange> Log { get; set; } = [];

    [Id(8)]
    public List<PageChange> Pending { get; set; } = [];

    /// <summary>Every change since <see cref="HistorySince"/>: the pool's readable versions.</summary>
    [Id(9)]
    public List<PoolVersion> History { get; set; } = [];

    /// <summary>The first readable version: 0 for pools made since versions were kept; for older pools, their version
    /// when this code first saw them (their pages hold no earlier entries).</summary>
    [Id(10)]
    public long HistorySince { get; set; }

    /// <summary>False in state written before versions were kept: <see cref="HistorySince"/> is then set on activation.</summary>
    [Id(11)]
    public bool Versioned { get; set; }
}
