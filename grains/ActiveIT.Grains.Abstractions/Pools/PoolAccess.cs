namespace ActiveIT.Grains.Pools;

/// <summary>
/// Who may write a pool: its owner (the researcher whose write created it) and its editors; admins write every pool,
/// readers none, and everyone with a key reads every pool. A pool without owner (made in-process, or before pools had
/// owners) is open to every researcher until an admin gives it one.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolAccess")]
public sealed record PoolAccess(string Pool, string? Owner, IReadOnlyList<string> Editors)
{
    public bool MayWrite(string user) => Owner is null || Owner == user || Editors.Contains(user, StringComparer.Ordinal);
}
