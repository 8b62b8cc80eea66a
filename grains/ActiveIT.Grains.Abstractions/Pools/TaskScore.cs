namespace ActiveIT.Grains.Pools;

/// <summary>A task's scores under one model and scorer (prompt uncertainty, prediction probability, perplexity), when they were computed.</summary>
[GenerateSerializer, Immutable, Alias("activeit.TaskScore")]
public sealed record TaskScore(IReadOnlyDictionary<string, double> Values, DateTimeOffset ComputedAt);
