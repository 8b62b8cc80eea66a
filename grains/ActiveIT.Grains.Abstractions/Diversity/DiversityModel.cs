namespace ActiveIT.Grains.Diversity;

/// <summary>The GPT-J-style model each point trains from scratch; its context follows from the generator's string lengths.</summary>
public sealed record DiversityModel
{
    public int Layers { get; init; } = 3;
    public int Heads { get; init; } = 4;
    public int DModel { get; init; } = 64;
}
