namespace ActiveIT.Engine;

/// <summary>Decoding settings. Temperature 0 is greedy; <see cref="UseCache"/> false recomputes every step (for testing).</summary>
public sealed record GenerationOptions(
    int MaxNewTokens,
    IReadOnlyList<int> StopTokens,
    float Temperature = 0f,
    int TopK = 0,
    float TopP = 1f,
    ulong Seed = 0,
    bool UseCache = true);
