namespace ActiveIT.Grains.Curriculum;

/// <summary>The decoder every round trains from scratch (or from <see cref="BaseCheckpoint"/>, a safetensors file).</summary>
[GenerateSerializer, Immutable, Alias("activeit.ModelSpec")]
public sealed record ModelSpec
{
    [Id(0)]
    public int Layers { get; init; } = 3;
    [Id(1)]
    public int Heads { get; init; } = 4;
    [Id(2)]
    public int DModel { get; init; } = 64;
    [Id(3)]
    public int Context { get; init; } = 256;
    [Id(4)]
    public string? BaseCheckpoint { get; init; }

    /// <summary>Every prompt (training, evaluation, scoring) as one user turn in the base checkpoint's chat template,
    /// the answer after the template's generation prompt; needs a base whose tokenizer_config.json has one.</summary>
    [Id(5)]
    public bool ChatTemplate { get; init; }

    /// <summary>One seed's base checkpoint: "{seed}" in <see cref="BaseCheckpoint"/> stands for the seed, for bases pretrained per seed.</summary>
    public string? BaseCheckpointFor(ulong seed) =>
        BaseCheckpoint?.Replace("{seed}", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public IEnumerable<string> Validate()
    {
        if (Layers is < 1 or > 64)
        {
            yield return "model.layers: must be 1-64";
        }
        if (Heads < 1 || DModel < 1 || DModel % Heads != 0 || (DModel / Heads) % 2 != 0)
        {
            yield return "model.d_model: must be a positive multiple of model.heads with an even head size";
        }
        if (Context is < 16 or > 8192)
        {
            yield return "model.context: must be 16-8192 tokens";
        }
    }
}
