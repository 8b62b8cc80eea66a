namespace ActiveIT.Core.Rewriting;

/// <summary>
/// What "unseen" means for test rules. <see cref="Rules"/>: no test rule (x, y) is a training rule, but its x or y may
/// be. <see cref="Strings"/>: no test pattern or replacement is used, as pattern or replacement, by any training rule.
/// </summary>
public enum UnseenSplit { Rules, Strings }
