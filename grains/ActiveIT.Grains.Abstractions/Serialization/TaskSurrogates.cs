using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Serialization;

// ActiveIT.Core stays free of Orleans (it is the BCL-only domain library), so its task types cross the wire and sit in
// grain state through these surrogates. Ids are the contract: add new fields with new ids, never reuse one.

[GenerateSerializer, Alias("activeit.InstructionTask")]
public struct InstructionTaskSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public string Source;
    [Id(2)] public TaskFormat Format;
    [Id(3)] public string Definition;
    [Id(4)] public TaskExample[] PositiveExamples;
    [Id(5)] public TaskExample[] NegativeExamples;
    [Id(6)] public TaskInstance[] Instances;
    [Id(7)] public string[] Categories;
    [Id(8)] public string[] Domains;
    [Id(9)] public string[] Languages;
    [Id(10)] public string? License;
    [Id(11)] public Dictionary<string, string> Metadata;
}

[RegisterConverter]
public sealed class InstructionTaskConverter : IConverter<InstructionTask, InstructionTaskSurrogate>
{
    public InstructionTask ConvertFromSurrogate(in InstructionTaskSurrogate s) => new(s.Id, s.Source, s.Format, s.Definition, s.PositiveExamples,
        s.NegativeExamples, s.Instances, s.Categories, s.Domains, s.Languages, s.License, s.Metadata);

    public InstructionTaskSurrogate ConvertToSurrogate(in InstructionTask t) => new()
    {
        Id = t.Id, Source = t.Source, Format = t.Format, Definition = t.Definition,
        PositiveExamples = [.. t.PositiveExamples], NegativeExamples = [.. t.NegativeExamples], Instances = [.. t.Instances],
        Categories = [.. t.Categories], Domains = [.. t.Domains], Languages = [.. t.Languages], License = t.License,
        Metadata = t.Metadata.ToDictionary(),
    };
}

[GenerateSerializer, Alias("activeit.TaskExample")]
public struct TaskExampleSurrogate
{
    [Id(0)] public string Input;
    [Id(1)] public string Output;
    [Id(2)] public string? Explanation;
}

[RegisterConverter]
public sealed class TaskExampleConverter : IConverter<TaskExample, TaskExampleSurrogate>
{
    public TaskExample ConvertFromSurrogate(in TaskExampleSurrogate s) => new(s.Input, s.Output, s.Explanation);

    public TaskExampleSurrogate ConvertToSurrogate(in TaskExample e) => new() { Input = e.Input, Output = e.Output, Explanation = e.Explanation };
}

[GenerateSerializer, Alias("activeit.TaskInstance")]
public struct TaskInstanceSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public string Input;
    [Id(2)] public string[] Outputs;
}

[RegisterConverter]
public sealed class TaskInstanceConverter : IConverter<TaskInstance, TaskInstanceSurrogate>
{
    public TaskInstance ConvertFromSurrogate(in TaskInstanceSurrogate s) => new(s.Id, s.Input, s.Outputs);

    public TaskInstanceSurrogate ConvertToSurrogate(in TaskInstance i) => new() { Id = i.Id, Input = i.Input, Outputs = [.. i.Outputs] };
}
