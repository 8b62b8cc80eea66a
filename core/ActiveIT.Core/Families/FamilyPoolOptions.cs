namespace ActiveIT.Core.Families;

/// <summary>
/// Sizes of a generated families pool. <see cref="ClassificationShare"/> of the tasks are classification (the rest
/// generation); <see cref="AmbiguousShare"/> of the tasks show an underspecified instruction, and another
/// <see cref="NoisyShare"/> have <see cref="NoiseRate"/> of their labels corrupted — the ground truth a task map
/// should find. <see cref="Families"/> limits the catalogue (empty: all of it), e.g. to hold families out.
/// </summary>
public sealed record FamilyPoolOptions(
    int Tasks = 200,
    int InstancesPerTask = 20,
    double ClassificationShare = 0.356,
    double AmbiguousShare = 0.1,
    double NoisyShare = 0.1,
    double NoiseRate = 0.3,
    int AlphabetSize = 8,
    int MinLength = 4,
    int MaxLength = 8,
    IReadOnlyList<string>? Families = null)
{
    public void Validate()
    {
        Require(Tasks >= 1, "tasks", "must be at least 1");
        Require(InstancesPerTask >= 1, "instances", "must be at least 1");
        Require(ClassificationShare is >= 0 and <= 1, "classification-share", "must be within 0-1");
        Require(AmbiguousShare >= 0 && NoisyShare >= 0 && AmbiguousShare + NoisyShare <= 1, "ambiguous-share/noisy-share", "must be ≥ 0 and sum to at most 1");
        Require(NoiseRate is > 0 and <= 1, "noise-rate", "must be within (0, 1]");
        Require(AlphabetSize is >= 3 and <= 26, "alphabet", "must be 3-26");
        Require(MinLength >= 4 && MaxLength >= MinLength, "min-length/max-length", "need 4 ≤ min ≤ max");
    }

    private static void Require(bool ok, string option, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"--{option} {what}");
        }
    }
}
