using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary>A task grain's stored state: the task's content (never changed under its key) and its cached scores.</summary>
[GenerateSerializer, Alias("activeit.TaskGrainState")]
public sealed class TaskGrainState
{
    [Id(0)]
    public InstructionTask? Task { get; set; }

    /// <summary>Scores by <see cref="ScoreKey"/>.ToString().</summary>
    [Id(1)]
    public Dictionary<string, TaskScore> Scores { get; set; } = [];
}
