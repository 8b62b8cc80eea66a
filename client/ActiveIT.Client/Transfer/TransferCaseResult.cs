namespace ActiveIT.Client.Transfer;

/// <summary>
/// One (rule, source format) of the transfer study: transfer accuracy of the greedy answer, of a random candidate, of
/// the judge's choice (token-weighted, and the original code's aggregation beside it) and of the best candidate.
/// </summary>
internal sealed record TransferCaseResult(ulong Seed, string Rule, string Format, int Candidates, int Parsed, double GreedyCorrect, double RandomCorrect,
    double DenoisedCorrect, double OracleCorrect, string? Chosen, double UitDenoisedCorrect, bool AggregationsAgree);
