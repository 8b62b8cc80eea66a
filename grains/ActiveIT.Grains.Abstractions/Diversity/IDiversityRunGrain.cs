namespace ActiveIT.Grains.Diversity;

/// <summary>
/// An instruction-diversity run as its CLI published it: the run record (run.json: config, environment, every model's
/// result, the summary and the checks), kept as JSON text — the silo shows it and does not interpret it further.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.DiversityRun")]
public sealed record DiversityRun(string Name, string Owner, DateTimeOffset UpdatedAt, int Models, bool Finished, string Record, bool Cancelled = false)
{
    public DiversityRunInfo Info => new(Name, Owner, UpdatedAt, Models, Finished, Cancelled);
}

/// <summary>A run without its record: what a list shows.</summary>
[GenerateSerializer, Immutable, Alias("activeit.DiversityRunInfo")]
public sealed record DiversityRunInfo(string Name, string Owner, DateTimeOffset UpdatedAt, int Models, bool Finished, bool Cancelled);

[GenerateSerializer, Alias("activeit.DiversityRunState")]
public sealed class DiversityRunState
{
    [Id(0)]
    public DiversityRun? Run { get; set; }
}

/// <summary>One published diversity run, keyed by its name; the CLI replaces it after every model it trains.</summary>
[Alias("activeit.IDiversityRunGrain")]
public interface IDiversityRunGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<DiversityRun?> GetAsync();

    [Alias("InfoAsync")]
    Task<DiversityRunInfo?> InfoAsync();

    /// <summary>
    /// Stores the run unless it exists with another owner and <paramref name="mayReplaceOthers"/> is false; null when
    /// stored (a replaced run keeps its first owner), else that owner. Checked and written in one grain turn.
    /// </summary>
    [Alias("PutAsync")]
    Task<string?> PutAsync(DiversityRun run, bool mayReplaceOthers);

    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync();
}
