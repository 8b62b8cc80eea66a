using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Serialization;

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
