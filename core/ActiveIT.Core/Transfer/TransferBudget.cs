using System.Globalization;

namespace ActiveIT.Core.Transfer;

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
