using System.Globalization;

namespace ActiveIT.Core.Transfer;

/// <summary>What a transfer has spent so far against a paid API (kept across resumed runs).</summary>
public sealed record TransferSpend(long Requests, long PromptTokens, long CompletionTokens, decimal Cost)
{
    public static TransferSpend None { get; } = new(0, 0, 0, 0);

    public long Tokens => PromptTokens + CompletionTokens;

    public TransferSpend Add(long promptTokens, long completionTokens, PriceTable prices) =>
        new(Requests + 1, PromptTokens + promptTokens, CompletionTokens + completionTokens, Cost + prices.Cost(promptTokens, completionTokens));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Requests} requests, {PromptTokens:N0} prompt + {CompletionTokens:N0} completion tokens, ${Cost:0.####}");
}

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

/// <summary>
/// Limits on requests, tokens and cost. A request is sent only while every limit is still above what was spent, so a
/// run stops at most one request past a limit (a request's size is known only after it returns).
/// </summary>
public sealed record TransferBudget(long? MaxRequests = null, long? MaxTokens = null, decimal? MaxCost = null)
{
    public static TransferBudget Unlimited { get; } = new();

    /// <summary>Why no further request may be sent, or null while the budget lasts.</summary>
    public string? Exhausted(TransferSpend spent) =>
        spent.Requests >= MaxRequests ? $"request budget reached ({spent.Requests} of {MaxRequests})"
        : spent.Tokens >= MaxTokens ? string.Create(CultureInfo.InvariantCulture, $"token budget reached ({spent.Tokens:N0} of {MaxTokens:N0})")
        : spent.Cost >= MaxCost ? string.Create(CultureInfo.InvariantCulture, $"cost budget reached (${spent.Cost:0.####} of ${MaxCost})")
        : null;

    public override string ToString() => this == Unlimited ? "unlimited"
        : string.Join(", ", new[] { MaxRequests is { } r ? $"{r} requests" : null, MaxTokens is { } t ? $"{t} tokens" : null,
            MaxCost is { } c ? string.Create(CultureInfo.InvariantCulture, $"${c}") : null }.Where(s => s is not null));
}
