namespace ActiveIT.Engine.Tests;

/// <summary>Tests that flip process-wide engine switches run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(FusedKernelTests), DisableParallelization = true)]
public sealed class FusedKernelCollection;
