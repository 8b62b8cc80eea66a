using ActiveIT.Core.Transfer;

namespace ActiveIT.Runs.Transfer;

/// <summary>What a transfer run needs besides the pools: who writes candidates, who scores them, and the rules.</summary>
public sealed record TransferSettings(
    TransferConfig Config,
    IReadOnlyList<SeedPair> SeedPairs,
    DenoiseConfig Denoise,
    LabelMap Labels,
    TransferBudget Budget,
    PriceTable Prices);
