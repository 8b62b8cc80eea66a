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

    /// <summary>The pool's owner: the first API writer; null for pools made in-process or before owners were kept.</summary>
    [Id(12)]
    public string? Owner { get; set; }

    [Id(13)]
    public List<string> Editors { get; set; } = [];

    /// <summary>Outcomes of recent writes that carried an idempotency key, committed with the write itself, so a retry
    /// after a lost reply (or a silo that died after the commit) learns what happened.</summary>
    [Id(14)]
    public List<WriteOutcome> Outcomes { get; set; } = [];

    /// <summary>A delete began: its pages are being cleared (finished on activation if the silo died meanwhile).</summary>
    [Id(15)]
    public bool Deleting { get; set; }
}

/// <summary>
/// What a keyed write did: its key (per caller), a fingerprint of the request it was for, and its result (an import's
/// summary, or a removal's version; neither when a removal found none of its tasks).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.WriteOutcome")]
public sealed record WriteOutcome(string Key, string? Who, string Fingerprint, ImportSummary? Import, PoolVersion? Removal, DateTimeOffset At);
