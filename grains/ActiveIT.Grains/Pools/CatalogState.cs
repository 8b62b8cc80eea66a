namespace ActiveIT.Grains.Pools;

[GenerateSerializer, Alias("activeit.CatalogState")]
public sealed class CatalogState
{
    [Id(0)]
    public Dictionary<string, PoolEntry> Pools { get; set; } = [];

    /// <summary>Output pools of format transfer runs (a run that transferred nothing has an empty pool, never imported into).</summary>
    [Id(1)]
    public List<string> Transfers { get; set; } = [];

    /// <summary>Names of the instruction-diversity runs published to the cluster (<c>activeit diversity --silo</c>).</summary>
    [Id(2)]
    public List<string> DiversityRuns { get; set; } = [];
}
