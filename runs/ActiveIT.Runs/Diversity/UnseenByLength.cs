namespace ActiveIT.Runs.Diversity;

/// <summary>
/// Unseen-rule accuracy split by length class: by operation (deletion |y| = 0, shrinking 0 &lt; |y| &lt; |x|, same
/// length, growing |y| &gt; |x|) and by pattern length (<see cref="ByPatternLength"/>[i] is |x| = i + 1). A difference
/// between splits or counts that sits in one class is a length effect, not a novelty effect.
/// </summary>
public sealed record UnseenByLength(Accuracy Deletion, Accuracy Shrinking, Accuracy SameLength, Accuracy Growing, IReadOnlyList<Accuracy> ByPatternLength)
{
    /// <summary>The classes by name, in a fixed order: the four operations, then |x| = 1, 2, ….</summary>
    public IEnumerable<(string Name, Accuracy Accuracy)> Classes() =>
        new[] { ("deletion", Deletion), ("shrinking", Shrinking), ("same", SameLength), ("growing", Growing) }
            .Concat(ByPatternLength.Select((a, i) => ($"x{i + 1}", a)));
}
