namespace ActiveIT.Core.Templates;

/// <summary>Variables visible while rendering: a chain of frames (row → template sets → loop bodies) and the seeded random source.</summary>
internal sealed class JinjaScope(IReadOnlyDictionary<string, object?> variables, JinjaScope? parent, SeededRandom random)
{
    private readonly Dictionary<string, object?> _locals = new(StringComparer.Ordinal);

    public SeededRandom Random { get; } = random;

    public JinjaScope Child() => new(new Dictionary<string, object?>(), this, Random);

    public void Set(string name, object? value) => _locals[name] = value;

    public object? Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._locals.TryGetValue(name, out var local))
            {
                return local;
            }
            if (scope.Variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }
        return JinjaValues.LookupBuiltin(name) ?? JinjaValues.Missing(name);
    }

    private IReadOnlyDictionary<string, object?> Variables { get; } = variables;
    private JinjaScope? Parent { get; } = parent;
}
