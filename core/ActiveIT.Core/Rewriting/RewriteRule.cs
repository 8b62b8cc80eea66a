namespace ActiveIT.Core.Rewriting;

/// <summary>An instruction of the string-rewrite task: replace the leftmost occurrence of <see cref="Pattern"/> once.</summary>
public sealed record RewriteRule(string Pattern, string Replacement)
{
    /// <summary>The input with the leftmost (ordinal) occurrence of the pattern replaced once; unchanged if absent.</summary>
    public string Apply(string input)
    {
        var at = input.IndexOf(Pattern, StringComparison.Ordinal);
        return at < 0 ? input : string.Concat(input.AsSpan(0, at), Replacement, input.AsSpan(at + Pattern.Length));
    }

    public RewriteOperation Operation => Replacement.Length == 0 ? RewriteOperation.Deletion
        : Replacement.Length < Pattern.Length ? RewriteOperation.Shrinking
        : Replacement.Length == Pattern.Length ? RewriteOperation.SameLength
        : RewriteOperation.Growing;

    public bool Matches(string input) => input.Contains(Pattern, StringComparison.Ordinal);

    /// <summary>The rule as instruction text, e.g. <c>aa>bac</c>.</summary>
    public override string ToString() => $"{Pattern}>{Replacement}";
}
