namespace ActiveIT.Grains.Storage;

/// <summary>
/// Whether processes outside this cluster may write the same grain state: true on SQLite, where every CLI process is
/// a cluster of one on the shared file. Grains whose state such a process changes (an experiment run by one CLI,
/// watched or cancelled from another) re-read it before answering; in a cluster, the one activation is authoritative.
/// </summary>
public sealed record StorageScope(bool SharedWithOtherClusters);
