namespace ActiveIT.Engine.Tests;

/// <summary>Tests that flip or count process-wide engine state run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
