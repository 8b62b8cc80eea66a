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
