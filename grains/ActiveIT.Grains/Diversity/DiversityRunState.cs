namespace ActiveIT.Grains.Diversity;

[GenerateSerializer, Alias("activeit.DiversityRunState")]
public sealed class DiversityRunState
{
    [Id(0)]
    public DiversityRun? Run { get; set; }
}
