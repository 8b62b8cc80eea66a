using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Serialization;

[RegisterConverter]
public sealed class TaskExampleConverter : IConverter<TaskExample, TaskExampleSurrogate>
{
    public TaskExample ConvertFromSurrogate(in TaskExampleSurrogate s) => new(s.Input, s.Output, s.Explanation);

    public TaskExampleSurrogate ConvertToSurrogate(in TaskExample e) => new() { Input = e.Input, Output = e.Output, Explanation = e.Explanation };
}
