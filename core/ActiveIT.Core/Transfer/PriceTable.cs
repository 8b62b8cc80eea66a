using System.Globalization;

namespace ActiveIT.Core.Transfer;

/// <summary>Prices in dollars per million prompt and completion tokens.</summary>
public sealed record PriceTable(decimal PromptPerMillion, decimal CompletionPerMillion)
{
    public static PriceTable Free { get; } = new(0, 0);

    /// <summary>"0.15,0.60": dollars per million prompt tokens, then per million completion tokens.</summary>
    public static PriceTable Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Free;
        }
        var parts = text.Split(',');
        if (parts.Length != 2 || !decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var prompt)
            || !decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var completion) || prompt < 0 || completion < 0)
        {
            throw new ArgumentException($"--price '{text}': write PROMPT,COMPLETION in dollars per million tokens, e.g. 0.15,0.60");
        }
        return new PriceTable(prompt, completion);
    }

    public decimal Cost(long promptTokens, long completionTokens) => (promptTokens * PromptPerMillion + completionTokens * CompletionPerMillion) / 1_000_000m;
}
