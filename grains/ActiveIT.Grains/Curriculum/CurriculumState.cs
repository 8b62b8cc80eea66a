namespace ActiveIT.Grains.Curriculum;

/// <summary>A curriculum grain's stored state: the experiment record, or null when none exists under its name.</summary>
[GenerateSerializer, Alias("activeit.CurriculumState")]
public sealed class CurriculumState
{
    [Id(0)]
    public Experiment? Experiment { get; set; }
}
