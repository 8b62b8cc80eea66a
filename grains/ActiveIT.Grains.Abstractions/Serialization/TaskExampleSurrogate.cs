namespace ActiveIT.Grains.Serialization;

// Ids are the contract: add new fields with new ids, never reuse one (see InstructionTaskSurrogate.cs).
[GenerateSerializer, Alias("activeit.TaskExample")]
public struct TaskExampleSurrogate
{
    [Id(0)] public string Input;
    [Id(1)] public string Output;
    [Id(2)] public string? Explanation;
}
