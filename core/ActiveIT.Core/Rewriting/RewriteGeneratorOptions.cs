namespace ActiveIT.Core.Rewriting;

/// <summary>
/// Sizes of generated rewrite tasks. The paper's scale is alphabet 26, |z| = 50, |x| ≤ 20, |y| 1..20 (|y| unpublished);
/// <see cref="Demo"/> shrinks it to something two CPU cores can learn in minutes.
/// </summary>
public sealed record RewriteGeneratorOptions(
    int AlphabetSize = 26,
    int InputLength = 50,
    int MinPatternLength = 1,
    int MaxPatternLength = 20,
    int MinReplacementLength = 1,
    int MaxReplacementLength = 20,
    double NoOpShare = 0.1,
    PatternShape Shape = PatternShape.Random)
{
    public static RewriteGeneratorOptions Paper { get; } = new();

    public static RewriteGeneratorOptions Demo { get; } = new(AlphabetSize: 6, InputLength: 10, MinPatternLength: 1, MaxPatternLength: 3,
        MinReplacementLength: 0, MaxReplacementLength: 3, NoOpShare: 0.1);

    /// <summary>How pattern lengths were read (methods.md §3): "fixed 20" or "range 1..20".</summary>
    public string PatternLengthReading => MinPatternLength == MaxPatternLength ? $"fixed {MaxPatternLength}" : $"range {MinPatternLength}..{MaxPatternLength}";

    public string Alphabet => new([.. Enumerable.Range(0, AlphabetSize).Select(i => (char)('a' + i))]);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Require(AlphabetSize is >= 2 and <= 26, nameof(AlphabetSize), "must be in 2..26");
        Require(MinPatternLength >= 1, nameof(MinPatternLength), "must be at least 1");
        Require(MaxPatternLength >= MinPatternLength, nameof(MaxPatternLength), "must be >= MinPatternLength");
        Require(InputLength >= MaxPatternLength, nameof(InputLength), "must be >= MaxPatternLength (a has-op input contains the pattern)");
        Require(MinReplacementLength >= 0, nameof(MinReplacementLength), "must be >= 0");
        Require(MaxReplacementLength >= MinReplacementLength, nameof(MaxReplacementLength), "must be >= MinReplacementLength");
        Require(NoOpShare is >= 0 and <= 1, nameof(NoOpShare), "must be in [0, 1]");
        Require(Shape == PatternShape.Random || MaxPatternLength >= 2, nameof(MaxPatternLength), "must be >= 2 for constrained patterns (two blocks)");
    }

    private static void Require(bool ok, string field, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"rewrite generator: {field} {what}", field);
        }
    }
}
