namespace ActiveIT.Core.Rewriting;

/// <summary>Constraints on rule patterns (methods.md §3): free, one repeated letter, a repeated short period, or a palindrome.</summary>
public enum PatternShape { Random, Repeated, Periodic, Mirrored }
