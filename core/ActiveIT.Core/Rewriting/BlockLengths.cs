namespace ActiveIT.Core.Rewriting;

/// <summary>The block lengths k a constrained pattern may be built from. The paper trains on k ≥ 3 and tests on k &lt; 3.</summary>
public readonly record struct BlockLengths(int Min, int Max)
{
    public static BlockLengths Any => new(1, int.MaxValue);

    public static BlockLengths Train => new(3, int.MaxValue);

    public static BlockLengths Test => new(1, 2);
}
