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
