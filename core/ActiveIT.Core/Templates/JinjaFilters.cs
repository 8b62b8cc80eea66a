namespace ActiveIT.Core.Templates;

/// <summary>The filters PromptSource templates use (and a few neighbours): length, int, string, join, choice, lower, …</summary>
internal static class JinjaFilters
{
    public static object? Apply(string name, object? value, object?[] args, JinjaScope scope) => name switch
    {
        "length" or "count" => (long)JinjaValues.Length(value),
        "int" => value is string s && !long.TryParse(s.Trim(), out _) ? 0L : JinjaValues.ToLong(value),
        "float" => JinjaValues.ToDouble(value),
        "string" => JinjaValues.Str(value),
        "join" => string.Join(args.Length > 0 ? JinjaValues.Str(args[0]) : "", JinjaValues.AsList(value).Select(JinjaValues.Str)),
        "choice" => Choice(JinjaValues.AsList(value), scope.Random),
        "lower" => JinjaValues.Str(value).ToLowerInvariant(),
        "upper" => JinjaValues.Str(value).ToUpperInvariant(),
        "trim" => JinjaValues.Str(value).Trim(),
        "first" => JinjaValues.AsList(value).FirstOrDefault(),
        "last" => JinjaValues.AsList(value).LastOrDefault(),
        "list" => JinjaValues.AsList(value),
        "replace" => JinjaValues.Str(value).Replace(JinjaValues.Str(args[0]), JinjaValues.Str(args[1]), StringComparison.Ordinal),
        "capitalize" => JinjaValues.CallMethod(JinjaValues.Str(value), "capitalize", []),
        "default" => value ?? (args.Length > 0 ? args[0] : ""),
        _ => throw new JinjaException($"unknown filter '{name}'"),
    };

    private static object? Choice(List<object?> items, SeededRandom random) =>
        items.Count == 0 ? throw new JinjaException("choice of an empty sequence") : items[random.NextInt(items.Count)];
}
