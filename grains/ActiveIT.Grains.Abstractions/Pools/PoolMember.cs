using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Pools;

/// <summary>A task's entry in a pool: enough to list and count it without activating its grain.</summary>
[GenerateSerializer, Immutable, Alias("activeit.PoolMember")]
public sealed record PoolMember(string TaskId, string ContentHash, string Source, TaskFormat Format, IReadOnlyList<string> Categories,
    int Instances, int PositiveExamples, int DefinitionChars)
{
    public static PoolMember Of(InstructionTask task) => new(task.Id, task.ContentHash(), task.Source, task.Format, task.Categories,
        task.Instances.Count, task.PositiveExamples.Count, task.Definition.Length);
}
