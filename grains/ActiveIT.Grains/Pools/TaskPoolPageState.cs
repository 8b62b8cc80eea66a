namespace ActiveIT.Grains.Pools;

[GenerateSerializer, Alias("activeit.TaskPoolPageState")]
public sealed class TaskPoolPageState
{
    [Id(0)]
    public Dictionary<string, PageChange> Entries { get; set; } = [];
}
