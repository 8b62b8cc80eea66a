using ActiveIT.Core.Tasks;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Pools;

public sealed class TaskGrainState
{
    public InstructionTask? Task { get; set; }

    /// <summary>Scores by <see cref="ScoreKey"/>.ToString().</summary>
    public Dictionary<string, TaskScore> Scores { get; set; } = [];
}
