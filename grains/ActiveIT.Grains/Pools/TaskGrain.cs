using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Pools;

[GrainType("activeit.task")]
public sealed class TaskGrain([PersistentState("task", SiloStorage.ProviderName)] IPersistentState<TaskGrainState> state) : Grain, ITaskGrain
{
    private readonly IPersistentState<TaskGrainState> _state = state;

    public async Task StoreAsync(InstructionTask task)
    {
        if (task.ContentHash() != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"task '{task.Id}' has content hash {task.ContentHash()}, not this grain's key {this.GetPrimaryKeyString()}");
        }
        if (_state.State.Task is not null)
        {
            return;  // same key, same content: already stored
        }
        _state.State.Task = task;
        try
        {
            await _state.WriteOrDiscardAsync(this);  // a failed write discards this activation: the task is not "already stored"
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();  // another silo stored the same content first: nothing left to do
        }
    }

    public Task<InstructionTask?> GetAsync() => Task.FromResult(_state.State.Task);

    public Task<TaskScore?> GetScoreAsync(ScoreKey key) => Task.FromResult(_state.State.Scores.GetValueOrDefault(key.ToString()));

    public Task PutScoreAsync(ScoreKey key, TaskScore score) => _state.ChangeAsync(this, s => s.Scores[key.ToString()] = score);
}
