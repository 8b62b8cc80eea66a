using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary>
/// One version of one task, keyed by its content hash: the content never changes under a key, so pools share it and
/// a cached score is valid for exactly this content.
/// </summary>
[Alias("activeit.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Stores the task if this grain holds nothing yet; the task's content hash must equal the grain's key.</summary>
    [Alias("StoreAsync")]
    Task StoreAsync(InstructionTask task);

    /// <summary>The task, or null if nothing was stored under this hash.</summary>
    [Alias("GetAsync")]
    Task<InstructionTask?> GetAsync();

    /// <summary>A cached score for (model id + version, scorer config), or null.</summary>
    [Alias("GetScoreAsync")]
    Task<TaskScore?> GetScoreAsync(ScoreKey key);

    [Alias("PutScoreAsync")]
    Task PutScoreAsync(ScoreKey key, TaskScore score);
}
