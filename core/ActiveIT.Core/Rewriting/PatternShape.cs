namespace ActiveIT.Core.Rewriting;

/// <summary>
/// Constraints on rule patterns (methods.md §3), each built from a block length k: <see cref="Repeated"/> repeats each
/// letter k times (<c>aaabbbccc</c>), <see cref="Periodic"/> repeats one block of k letters (<c>abcabcabc</c>),
/// <see cref="Mirrored"/> alternates a block of k letters with its reverse (<c>abccbaabc</c>).
/// </summary>
public enum PatternShape { Random, Repeated, Periodic, Mirrored }
