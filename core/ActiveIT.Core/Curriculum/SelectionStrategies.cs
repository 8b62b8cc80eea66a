namespace ActiveIT.Core.Curriculum;

public static class SelectionStrategies
{
    private static readonly Dictionary<string, SelectionStrategy> ByName = Enum.GetValues<SelectionStrategy>().ToDictionary(Name);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The kebab-case name users type: "prompt-uncertainty".</summary>
    public static string Name(this SelectionStrategy strategy) =>
        string.Concat(strategy.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    public static bool TryParse(string name, out SelectionStrategy strategy) => ByName.TryGetValue(name, out strategy);

    /// <summary>Whether the strategy needs the remaining pool scored by the current model before it can choose.</summary>
    public static bool NeedsScores(this SelectionStrategy strategy) =>
        strategy is not (SelectionStrategy.Random or SelectionStrategy.FullyTrained or SelectionStrategy.LongestResponse
            or SelectionStrategy.GradientSimilarity or SelectionStrategy.HiddenSimilarity);

    /// <summary>Whether the strategy needs the remaining pool's features (gradients, hidden states) under the current model.</summary>
    public static bool NeedsFeatures(this SelectionStrategy strategy) =>
        strategy is SelectionStrategy.GradientSimilarity or SelectionStrategy.HiddenSimilarity or SelectionStrategy.DiverseUncertainty;

    /// <summary>Whether the strategy selects toward a target set: the experiment's dev tasks.</summary>
    public static bool NeedsTarget(this SelectionStrategy strategy) =>
        strategy is SelectionStrategy.GradientSimilarity or SelectionStrategy.HiddenSimilarity;

    /// <summary>Whether the selection is decided by the previous round's model (scores or features).</summary>
    public static bool UsesModel(this SelectionStrategy strategy) => strategy.NeedsScores() || strategy.NeedsFeatures();
}
