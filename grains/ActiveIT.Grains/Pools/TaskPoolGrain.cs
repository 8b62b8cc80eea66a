using System.Security.Cryptography;
using System.Text;
using ActiveIT.Grains.Access;
using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.pool")]
public sealed class TaskPoolGrain([PersistentState("pool", SiloStorage.ProviderName)] IPersistentState<TaskPoolState> state) : Grain, ITaskPoolGrain
{
    /// <summary>The change log keeps this many recent entries; older ones are dropped (their effect is in the membership).</summary>
    public const int LogCapacity = 1_000;

    /// <summary>Pages a pool's membership is spread over: ~100 members a page at 100,000 tasks.</summary>
    public const int PageCount = 1024;

    private readonly IPersistentState<TaskPoolState> _state = state;
    private (long Version, PoolMember[] Members)? _sorted;  // the membership by id, kept while the version stays
    private (long Version, PoolMember[] Members)? _earlier;  // the last earlier version read, by id

    private string Name => this.GetPrimaryKeyString();

    /// <summary>Keyed outcomes are kept this long, and at most <see cref="OutcomeCapacity"/> of them.</summary>
    public static readonly TimeSpan OutcomeLifetime = TimeSpan.FromHours(24);

    public const int OutcomeCapacity = 256;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_state.State.Deleting)
        {
            await FinishDeleteAsync();  // the silo died during a delete: finish it before anything reads the pool
        }
        await ApplyPendingAsync();
        if (!_state.State.Versioned)
        {
            // State from before versions were kept: its pages hold the present only, so history starts here.
            _state.State.HistorySince = _state.State.Version;
            _state.State.Versioned = true;
            if (_state.State.Version > 0)
            {
                await _state.WriteOrDiscardAsync(this);
            }
        }
    }

    public async Task<ImportSummary> AddOrUpdateAsync(IReadOnlyList<PoolMember> members, ChangeNote note)
    {
        var duplicate = members.GroupBy(m => m.TaskId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"task id '{duplicate.Key}' appears {duplicate.Count()} times in one change");
        }
        var fingerprint = Fingerprint("import", note, members.Select(m => $"{m.TaskId} {m.ContentHash}"));
        while (true)
        {
            if (await BeginWriteAsync(note, fingerprint) is { } first)
            {
                return first.Import!;  // the fingerprint names the kind: a removal's key cannot match here
            }
            var existing = await CurrentAsync(members.Select(m => m.TaskId).ToList());
            var changes = new List<(PoolMember? Old, PoolMember New)>();
            var unchanged = 0;
            foreach (var member in members)
            {
                var old = existing[member.TaskId];
                if (old?.ContentHash == member.ContentHash)
                {
                    unchanged++;
                    continue;
                }
                changes.Add((old, member));
            }
            var added = changes.Count(c => c.Old is null);
            ImportSummary Summary(TaskPoolState s) => new(added, changes.Count - added, unchanged, s.Version, s.Tasks);
            if (changes.Count == 0)
            {
                if (await TryKeepAsync(note, fingerprint, Summary(_state.State), null))
                {
                    return Summary(_state.State);
                }
                continue;
            }
            if (await TryCommitAsync(changes.Select(c => (c.Old, (PoolMember?)c.New)).ToList(), note, s => Outcome(note, fingerprint, Summary(s), null)))
            {
                return Summary(_state.State);
            }
        }
    }

    public async Task<PoolVersion?> RemoveAsync(IReadOnlyList<string> taskIds, ChangeNote note)
    {
        var ids = taskIds.Distinct().ToList();
        var fingerprint = Fingerprint("remove " + note.Reason, note, ids);
        while (true)
        {
            if (await BeginWriteAsync(note, fingerprint) is { } first)
            {
                return first.Removal;
            }
            var existing = await CurrentAsync(ids);
            var removals = existing.Values.Where(m => m is not null).Select(m => (m, (PoolMember?)null)).ToList();
            if (removals.Count == 0)
            {
                if (await TryKeepAsync(note, fingerprint, null, null))
                {
                    return null;
                }
                continue;
            }
            if (await TryCommitAsync(removals!, note, s => Outcome(note, fingerprint, null, s.History[^1])))
            {
                return _state.State.History[^1];
            }
        }
    }

    public Task<PoolAccess> GetAccessAsync() => Task.FromResult(Access());

    public async Task<PoolAccess> SetAccessAsync(string? owner, IReadOnlyList<string> editors, ChangeNote note)
    {
        var s = _state.State;
        if (note.Role is { } role && role != Role.Admin && (s.Owner is null || s.Owner != note.Who))
        {
            throw new PoolAccessException(s.Owner is null
                ? $"{note.Who} may not change who writes pool '{Name}': it has no owner, so only an admin may give it one"
                : $"{note.Who} may not change who writes pool '{Name}': only its owner ({s.Owner}) or an admin may");
        }
        if (owner is not null && string.IsNullOrWhiteSpace(owner) || editors.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("owner, editors: a user name must not be empty");
        }
        s.Owner = owner ?? s.Owner;
        s.Editors = [.. editors.Distinct(StringComparer.Ordinal).Where(e => e != s.Owner).Order(StringComparer.Ordinal)];
        await _state.WriteOrDiscardAsync(this);
        return Access();
    }

    public async Task DeleteAsync()
    {
        _state.State.Deleting = true;
        await _state.WriteOrDiscardAsync(this);
        await FinishDeleteAsync();
    }

    private async Task FinishDeleteAsync()
    {
        await Task.WhenAll(_state.State.Pages.Select(p => Page(p).ClearAsync()));
        await _state.ClearStateAsync();
        _state.State = new TaskPoolState { Versioned = true };
        (_sorted, _earlier) = (null, null);
    }

    private PoolAccess Access() => new(Name, _state.State.Owner, [.. _state.State.Editors]);

    /// <summary>
    /// What every write checks first, in this order: a keyed retry gets its first outcome (whatever happened since);
    /// the caller must be allowed to write; the pool must be at the version the write expects.
    /// </summary>
    private async Task<WriteOutcome?> BeginWriteAsync(ChangeNote note, string fingerprint)
    {
        await ApplyPendingAsync();
        var s = _state.State;
        if (note.IdempotencyKey is { } key && s.Outcomes.FirstOrDefault(o => o.Key == key && o.Who == note.Who) is { } first)
        {
            return first.Fingerprint == fingerprint ? first
                : throw new IdempotencyKeyReusedException($"idempotency key '{key}' was already used for another request to pool '{Name}'; use a new key for a new write");
        }
        if (note.Role is { } role && role != Role.Admin && (role == Role.Reader || !Access().MayWrite(note.Who ?? "")))
        {
            throw new PoolAccessException($"{note.Who} may not write pool '{Name}': it belongs to {s.Owner}" +
                (s.Editors.Count > 0 ? $" (editors: {string.Join(", ", s.Editors)})" : "") + "; its owner can share it (activeit pool share)");
        }
        if (note.IfVersion is { } expected && expected != s.Version)
        {
            throw new PoolVersionConflictException(Name, expected, s.Version);
        }
        return null;
    }

    /// <summary>The outcome to keep with a keyed write (none without a key).</summary>
    private static WriteOutcome? Outcome(ChangeNote note, string fingerprint, ImportSummary? import, PoolVersion? removal) =>
        note.IdempotencyKey is { } key ? new WriteOutcome(key, note.Who, fingerprint, import, removal, DateTimeOffset.UtcNow) : null;

    /// <summary>Keeps a keyed write's outcome when the write changed nothing; false on a storage conflict (decide again).</summary>
    private async Task<bool> TryKeepAsync(ChangeNote note, string fingerprint, ImportSummary? import, PoolVersion? removal)
    {
        if (Outcome(note, fingerprint, import, removal) is not { } outcome)
        {
            return true;
        }
        Keep(_state.State, outcome);
        try
        {
            await _state.WriteOrDiscardAsync(this);
            return true;
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();
            return false;
        }
    }

    private static void Keep(TaskPoolState s, WriteOutcome outcome)
    {
        s.Outcomes.RemoveAll(o => o.At < outcome.At - OutcomeLifetime);
        s.Outcomes.Add(outcome);
        if (s.Outcomes.Count > OutcomeCapacity)
        {
            s.Outcomes.RemoveRange(0, s.Outcomes.Count - OutcomeCapacity);
        }
    }

    /// <summary>What a keyed request was: its kind, its condition and its items, hashed (the order of items does not matter).</summary>
    private static string Fingerprint(string kind, ChangeNote note, IEnumerable<string> items) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{note.IfVersion}\n{string.Join('\n', items.Order(StringComparer.Ordinal))}")))[..32];

    public async Task<IReadOnlyList<PoolMember>> ListAsync(int offset, int limit) => [.. (await SortedAsync()).Skip(offset).Take(limit)];

    public async Task<long> ResolveAsync(long? version)
    {
        await ApplyPendingAsync();
        var s = _state.State;
        if (version is not { } v || v == s.Version)
        {
            return s.Version;
        }
        if (v > s.Version || v < 0)
        {
            throw new ArgumentException($"pool '{Name}' has no version {v} (its head is {s.Version})");
        }
        if (v < s.HistorySince)
        {
            throw new ArgumentException($"pool '{Name}': version {v} predates the pool's kept history, which begins at version {s.HistorySince}");
        }
        if (v != s.HistorySince && !s.History.Any(h => h.Version == v))
        {
            var inside = s.History.FirstOrDefault(h => h.FromVersion < v && v < h.Version);
            throw new ArgumentException(inside is null
                ? $"pool '{Name}': version {v} is not a version of this pool"
                : $"pool '{Name}': version {v} lies inside the change from {inside.FromVersion} to {inside.Version}; read {inside.FromVersion} or {inside.Version}");
        }
        return v;
    }

    public async Task<IReadOnlyList<PoolMember>> ListAtAsync(long version, int offset, int limit) =>
        [.. (await MembersAtAsync(await ResolveAsync(version))).Skip(offset).Take(limit)];

    public async Task<PoolMember?> GetMemberAtAsync(string taskId, long version)
    {
        version = await ResolveAsync(version);
        if (version == _state.State.Version)
        {
            return (await CurrentAsync([taskId]))[taskId];
        }
        return _state.State.Pages.Contains(PageOf(taskId)) ? (await Page(PageOf(taskId)).GetAtAsync([taskId], version))[0] : null;
    }

    public async Task<PoolStats> GetStatsAtAsync(long version)
    {
        version = await ResolveAsync(version);
        if (version == _state.State.Version)
        {
            return await GetStatsAsync();
        }
        var counts = new TaskPoolState();
        foreach (var member in await MembersAtAsync(version))
        {
            Count(counts, member, +1);
        }
        return new PoolStats(Name, version, counts.Tasks, counts.Instances, counts.Tasks == 0 ? 0 : (double)counts.Instances / counts.Tasks,
            Ordered(counts.TasksByCategory), Ordered(counts.TasksBySource), Ordered(counts.TasksByFormat));
    }

    public Task<IReadOnlyList<PoolVersion>> GetHistoryAsync() => Task.FromResult<IReadOnlyList<PoolVersion>>([.. _state.State.History]);

    public async Task<PoolDiff> DiffAsync(long from, long to)
    {
        (from, to) = (await ResolveAsync(from), await ResolveAsync(to));
        var before = (await MembersAtAsync(from)).ToDictionary(m => m.TaskId, m => m.ContentHash, StringComparer.Ordinal);
        var after = (await MembersAtAsync(to)).ToDictionary(m => m.TaskId, m => m.ContentHash, StringComparer.Ordinal);
        var changes = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(id => (Id: id, From: before.GetValueOrDefault(id), To: after.GetValueOrDefault(id)))
            .Where(c => c.From != c.To)
            .Select(c => new PoolDiffEntry(c.Id, c.From is null ? PoolChangeKind.Added : c.To is null ? PoolChangeKind.Removed : PoolChangeKind.Updated, c.From, c.To))
            .ToList();
        return new PoolDiff(Name, from, to, changes);
    }

    public async Task<PoolMember?> GetMemberAsync(string taskId)
    {
        await ApplyPendingAsync();
        return (await CurrentAsync([taskId]))[taskId];
    }

    public Task<PoolStats> GetStatsAsync()
    {
        var s = _state.State;
        return Task.FromResult(new PoolStats(Name, s.Version, s.Tasks, s.Instances, s.Tasks == 0 ? 0 : (double)s.Instances / s.Tasks,
            Ordered(s.TasksByCategory), Ordered(s.TasksBySource), Ordered(s.TasksByFormat)));
    }

    public Task<IReadOnlyList<PoolChange>> GetChangesAsync(long sinceVersion) =>
        Task.FromResult<IReadOnlyList<PoolChange>>(_state.State.Log.Where(c => c.Version > sinceVersion).ToArray());

    /// <summary>The page a task id lives on: FNV-1a over its UTF-16 code units (stable across processes, unlike string.GetHashCode).</summary>
    public static int PageOf(string taskId)
    {
        var hash = 2166136261u;
        foreach (var c in taskId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % PageCount);
    }

    private ITaskPoolPageGrain Page(int page) => GrainFactory.GetGrain<ITaskPoolPageGrain>($"{Name}/{page}");

    /// <summary>The current member (or null) for each id, read from the pages that hold them.</summary>
    private async Task<Dictionary<string, PoolMember?>> CurrentAsync(IReadOnlyList<string> taskIds)
    {
        var result = new Dictionary<string, PoolMember?>(StringComparer.Ordinal);
        var byPage = taskIds.GroupBy(PageOf).Where(g => _state.State.Pages.Contains(g.Key)).ToList();
        var pages = await Task.WhenAll(byPage.Select(async g => (Ids: g.ToList(), Members: await Page(g.Key).GetAsync(g.ToList()))));
        foreach (var (ids, members) in pages)
        {
            for (var i = 0; i < ids.Count; i++)
            {
                result[ids[i]] = members[i];
            }
        }
        foreach (var id in taskIds)
        {
            result.TryAdd(id, null);
        }
        return result;
    }

    /// <summary>
    /// The commit point: counts, version, log and the pending page changes in one write of the pool's state. On an
    /// ETag conflict (another cluster on the same database changed the pool) re-reads and returns false so the caller
    /// decides again; once written, the pages are brought up to date.
    /// </summary>
    private async Task<bool> TryCommitAsync(IReadOnlyList<(PoolMember? Old, PoolMember? New)> changes, ChangeNote note, Func<TaskPoolState, WriteOutcome?> outcome)
    {
        var s = _state.State;
        if (s.Owner is null && s.Version == 0 && note.Role is not null)
        {
            s.Owner = note.Who;  // the API writer who makes a pool owns it
        }
        var now = DateTimeOffset.UtcNow;
        var from = s.Version;
        foreach (var (old, next) in changes)
        {
            var member = next ?? old!;
            s.Version++;
            if (old is not null)
            {
                Count(s, old, -1);
            }
            if (next is not null)
            {
                Count(s, next, +1);
                s.Pages.Add(PageOf(next.TaskId));
            }
            var kind = next is null ? PoolChangeKind.Removed : old is null ? PoolChangeKind.Added : PoolChangeKind.Updated;
            s.Log.Add(new PoolChange(s.Version, kind, member.TaskId, member.ContentHash, note.Origin, now));
            s.Pending.Add(new PageChange(member.TaskId, next, s.Version));
        }
        s.History.Add(new PoolVersion(s.Version, from, changes.Count(c => c.Old is null), changes.Count(c => c.Old is not null && c.New is not null),
            changes.Count(c => c.New is null), s.Tasks, note.Origin, note.Who, note.Reason, now));
        if (s.Log.Count > LogCapacity)
        {
            s.Log.RemoveRange(0, s.Log.Count - LogCapacity);
        }
        if (outcome(s) is { } kept)
        {
            Keep(s, kept);  // in the same write as the change: a reply lost after it still has its outcome
        }
        try
        {
            await _state.WriteOrDiscardAsync(this);
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();
            await ApplyPendingAsync();
            return false;
        }
        await ApplyPendingAsync();
        return true;
    }

    /// <summary>
    /// Brings the pages up to date with the committed change, then clears it. Runs before every read and change, so a
    /// change committed but not yet on its pages (a page write failed, or the silo died: then on activation) is
    /// finished before anything reads the pool.
    /// </summary>
    private async Task ApplyPendingAsync()
    {
        var pending = _state.State.Pending;
        if (pending.Count == 0)
        {
            return;
        }
        await Task.WhenAll(pending.GroupBy(c => PageOf(c.TaskId)).Select(g => Page(g.Key).ApplyAsync(g.ToList())));
        _state.State.Pending = [];
        _sorted = null;
        try
        {
            await _state.WriteOrDiscardAsync(this);
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();  // someone else moved on; their state already accounts for these pages
        }
    }

    /// <summary>The members of a resolved version, by id: the head's cached, one earlier version's kept.</summary>
    private async Task<PoolMember[]> MembersAtAsync(long version)
    {
        if (version == _state.State.Version)
        {
            return await SortedAsync();
        }
        if (_earlier is { } kept && kept.Version == version)
        {
            return kept.Members;
        }
        var pages = await Task.WhenAll(_state.State.Pages.Select(p => Page(p).ListAtAsync(version)));
        var members = pages.SelectMany(p => p).OrderBy(m => m.TaskId, StringComparer.Ordinal).ToArray();
        _earlier = (version, members);
        return members;
    }

    private async Task<PoolMember[]> SortedAsync()
    {
        await ApplyPendingAsync();
        if (_sorted is { } sorted && sorted.Version == _state.State.Version)
        {
            return sorted.Members;
        }
        var pages = await Task.WhenAll(_state.State.Pages.Select(p => Page(p).ListAsync()));
        var members = pages.SelectMany(p => p).OrderBy(m => m.TaskId, StringComparer.Ordinal).ToArray();
        _sorted = (_state.State.Version, members);
        return members;
    }

    private static void Count(TaskPoolState s, PoolMember m, int sign)
    {
        s.Tasks += sign;
        s.Instances += sign * m.Instances;
        foreach (var category in m.Categories.DefaultIfEmpty("(none)"))
        {
            Add(s.TasksByCategory, category, sign);
        }
        Add(s.TasksBySource, m.Source, sign);
        Add(s.TasksByFormat, m.Format.ToString(), sign);
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var n = counts.GetValueOrDefault(key) + delta;
        if (n == 0)
        {
            counts.Remove(key);
        }
        else
        {
            counts[key] = n;
        }
    }

    private static IReadOnlyDictionary<string, int> Ordered(Dictionary<string, int> counts) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value);
}
