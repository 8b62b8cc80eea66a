namespace ActiveIT.Grains.Diversity;

/// <summary>
/// An instruction-diversity run as its CLI published it: the run record (run.json: config, environment, every model's
/// result, the summary and the checks), kept as JSON text — the silo shows it and does not interpret it further.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.DiversityRun")]
public sealed record DiversityRun(string Name, string Owner, DateTimeOffset UpdatedAt, int Models, bool Finished, string Record);

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

    [Alias("PutAsync")]
    Task PutAsync(DiversityRun run);

    [Alias("DeleteAsync")]
    Task<bool> DeleteAsync();
}
