namespace ActiveIT.Grains.Serialization;

// Ids are the contract: add new fields with new ids, never reuse one (see InstructionTaskSurrogate.cs).
[GenerateSerializer, Alias("activeit.TaskInstance")]
public struct TaskInstanceSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public string Input;
    [Id(2)] public string[] Outputs;
}
