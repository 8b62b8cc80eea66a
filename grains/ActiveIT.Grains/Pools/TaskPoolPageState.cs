namespace ActiveIT.Grains.Pools;

[GenerateSerializer, Alias("activeit.TaskPoolPageState")]
public sealed class TaskPoolPageState
{
    /// <summary>Each id's latest entry.</summary>
    [Id(0)]
    public Dictionary<string, PageChange> Entries { get; set; } = [];

    /// <summary>Each id's entries that later ones replaced, oldest first: what earlier versions read.</summary>
    [Id(1)]
    public Dictionary<string, List<PageChange>> Replaced { get; set; } = [];
}
