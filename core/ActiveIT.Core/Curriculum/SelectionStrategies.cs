namespace ActiveIT.Core.Curriculum;

/// <summary>Strategies by the names users type.</summary>
public static class SelectionStrategies
{
    private static readonly Dictionary<string, SelectionStrategy> ByName = SelectionStrategy.All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => [.. SelectionStrategy.All.Select(s => s.Name)];

    public static bool TryParse(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SelectionStrategy? strategy) =>
        ByName.TryGetValue(name, out strategy);
}
