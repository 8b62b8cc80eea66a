namespace ActiveIT.Core.Rewriting;

/// <summary>How much of the unseen test rules training has already seen: shares of test rules whose pattern, whose
/// replacement, or either, is also a training rule's pattern or replacement.</summary>
public sealed record UnseenOverlap(double Pattern, double Replacement, double Either);
