namespace ActiveIT.Grains.Runs;

/// <summary>A run registry's stored state: the names of one kind's runs, in ordinal order.</summary>
// The alias is the name stored states were written under when the registry listed experiments only.
[GenerateSerializer, Alias("activeit.ExperimentRegistryState")]
public sealed class RunRegistryState
{
    [Id(0)]
    public List<string> Names { get; set; } = [];
}
