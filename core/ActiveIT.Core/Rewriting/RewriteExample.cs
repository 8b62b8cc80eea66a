namespace ActiveIT.Core.Rewriting;

/// <summary>One instance: the rule, the input string and the expected output; HasOp is false when the pattern does not occur.</summary>
public sealed record RewriteExample(RewriteRule Rule, string Input, string Output)
{
    public bool HasOp => Rule.Matches(Input);

    /// <summary>The model's prompt: rule then input, with separators outside the a–z alphabet.</summary>
    public string Prompt => $"{Rule.Pattern}>{Rule.Replacement};{Input}=";
}
