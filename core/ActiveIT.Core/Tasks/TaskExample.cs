namespace ActiveIT.Core.Tasks;

/// <summary>A demonstration shown with the instruction: input, output and, in NIV2, why it is (in)correct.</summary>
public sealed record TaskExample(string Input, string Output, string? Explanation = null);
