using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Serialization;

[RegisterConverter]
public sealed class TaskInstanceConverter : IConverter<TaskInstance, TaskInstanceSurrogate>
{
    public TaskInstance ConvertFromSurrogate(in TaskInstanceSurrogate s) => new(s.Id, s.Input, s.Outputs);

    public TaskInstanceSurrogate ConvertToSurrogate(in TaskInstance i) => new() { Id = i.Id, Input = i.Input, Outputs = [.. i.Outputs] };
}
