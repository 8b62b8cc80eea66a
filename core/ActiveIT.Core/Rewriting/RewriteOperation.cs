namespace ActiveIT.Core.Rewriting;

/// <summary>What a rule does to the length of its match: removes it (|y| = 0), shortens it, keeps it, or lengthens it.</summary>
public enum RewriteOperation { Deletion, Shrinking, SameLength, Growing }
