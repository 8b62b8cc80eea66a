using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Runs;

/// <summary>What the runs API needs to know of a run record, whatever its kind: for ownership, limits and when its event stream ends.</summary>
public sealed record RunHeader(string Name, string? Owner, RunStatus Status);

/// <summary>
/// One kind of run as the HTTP API serves it under /v1/runs/{kind}: the same verbs for every kind (create, list, get,
/// start, cancel, delete, events), with the kind's own config and record types. The API does access rules, limits and
/// the event stream once for all kinds; a kind only stores and reads its records.
/// </summary>
public abstract class RunKind<TConfig, TRecord> where TRecord : class
{
    public abstract string Kind { get; }

    public abstract RunHeader Header(TRecord record);

    /// <summary>The config as this silo stores it: paths the caller may give relative to a folder of the silo's, made whole (before <see cref="Refuse"/>).</summary>
    public virtual TConfig Resolve(TConfig config) => config;

    /// <summary>A config this silo refuses before anything is stored (a file outside the allowed folders, a backend not allowed): the problem, or null.</summary>
    public virtual IResult? Refuse(TConfig config) => null;

    public abstract Task<TRecord> CreateAsync(TConfig config, string owner, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<TRecord>> ListAsync(CancellationToken cancellationToken);

    public abstract Task<TRecord?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Marks it queued in its grain (the API then puts it in the cluster's run queue).</summary>
    public abstract Task<TRecord> StartAsync(string name, CancellationToken cancellationToken);

    public abstract Task<TRecord> CancelAsync(string name, CancellationToken cancellationToken);

    public abstract Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);

    /// <summary>The record now and after each change, until the caller stops or the record is gone.</summary>
    public abstract IAsyncEnumerable<TRecord> WatchAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// A watch by reading: the record every half second, sent when <paramref name="updated"/> moved (for kinds whose
    /// grain pushes nothing; their runners record a step at most a few times a second).
    /// </summary>
    protected async IAsyncEnumerable<TRecord> PollAsync(string name, Func<TRecord, DateTimeOffset> updated,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested && await GetAsync(name, cancellationToken) is { } run)
        {
            if (updated(run) != last)
            {
                last = updated(run);
                yield return run;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>Takes a cancelled or deleted run out of the cluster's queue (a claimed one stops through its grain).</summary>
    protected Task DequeueAsync(IGrainFactory grains, string name) =>
        grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key).RemoveAsync(RunKinds.Id(Kind, name));
}
