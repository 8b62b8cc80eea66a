using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Hosting;

namespace ActiveIT.Grains.Pools;

public sealed class TaskGrain(GrainContext context) : ITaskGrain
{
    private readonly IPersistentState<TaskGrainState> _state = context.State<TaskGrainState>("task");

    public async Task StoreAsync(InstructionTask task)
    {
        if (task.ContentHash() != context.Key)
        {
            throw new ArgumentException($"task '{task.Id}' has content hash {task.ContentHash()}, not this grain's key {context.Key}");
        }
        if (_state.State.Task is not null)
        {
            return;  // same key, same content: already stored
        }
        _state.State.Task = task;
        try
        {
            await _state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            await _state.ReadStateAsync();  // another silo stored the same content first: nothing left to do
        }
    }

    public Task<InstructionTask?> GetAsync() => Task.FromResult(_state.State.Task);

    public Task<TaskScore?> GetScoreAsync(ScoreKey key) => Task.FromResult(_state.State.Scores.GetValueOrDefault(key.ToString()));

    public async Task PutScoreAsync(ScoreKey key, TaskScore score)
    {
        while (true)
        {
            _state.State.Scores[key.ToString()] = score;
            try
            {
                await _state.WriteStateAsync();
                return;
            }
            catch (InconsistentStateException)
            {
                await _state.ReadStateAsync();
            }
        }
    }
}
