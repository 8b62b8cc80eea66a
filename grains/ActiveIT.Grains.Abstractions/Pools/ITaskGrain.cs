using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary>
/// One version of one task, keyed by its content hash: the content never changes under a key, so pools share it and
/// a cached score is valid for exactly this content.
/// </summary>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Stores the task if this grain holds nothing yet; the task's content hash must equal the grain's key.</summary>
    Task StoreAsync(InstructionTask task);

    /// <summary>The task, or null if nothing was stored under this hash.</summary>
    Task<InstructionTask?> GetAsync();

    /// <summary>A cached score for (model id + version, scorer config), or null.</summary>
    Task<TaskScore?> GetScoreAsync(ScoreKey key);

    Task PutScoreAsync(ScoreKey key, TaskScore score);
}
