namespace ActiveIT.Grains.Diversity;

/// <summary>A run without its record: what a list shows.</summary>
[GenerateSerializer, Immutable, Alias("activeit.DiversityRunInfo")]
public sealed record DiversityRunInfo(string Name, string Owner, DateTimeOffset UpdatedAt, int Models, bool Finished, bool Cancelled);
