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
        strategy is not (SelectionStrategy.Random or SelectionStrategy.FullyTrained or SelectionStrategy.LongestResponse);
}
