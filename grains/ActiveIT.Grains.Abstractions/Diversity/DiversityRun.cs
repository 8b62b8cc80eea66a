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
