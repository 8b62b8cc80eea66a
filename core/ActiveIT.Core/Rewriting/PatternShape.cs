namespace ActiveIT.Core.Rewriting;

/// <summary>
/// Constraints on rule patterns (methods.md §3), each built from a block length k: <see cref="Repeated"/> repeats each
/// letter k times (<c>aaabbbccc</c>), <see cref="Periodic"/> repeats one block of k letters (<c>abcabcabc</c>),
/// <see cref="Mirrored"/> alternates a block of k letters with its reverse (<c>abccbaabc</c>).
/// </summary>
public enum PatternShape { Random, Repeated, Periodic, Mirrored }

/// <summary>The block lengths k a constrained pattern may be built from. The paper trains on k ≥ 3 and tests on k &lt; 3.</summary>
public readonly record struct BlockLengths(int Min, int Max)
{
    public static BlockLengths Any => new(1, int.MaxValue);

    public static BlockLengths Train => new(3, int.MaxValue);

    public static BlockLengths Test => new(1, 2);
}
