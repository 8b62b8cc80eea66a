namespace ActiveIT.Core.Transfer;

/// <summary>
/// The format a task is transferred into (methods.md §2): NIV2's task level (definition + examples with explanations),
/// or, for the reverse study, FLAN's instance-level templates.
/// </summary>
public enum TransferTarget { Niv2, Flan }

public static class TransferTargets
{
    public static TransferTarget Parse(string name) => name.ToLowerInvariant() switch
    {
        "niv2" => TransferTarget.Niv2,
        "flan" => TransferTarget.Flan,
        _ => throw new ArgumentException($"unknown target format '{name}' (niv2 or flan)"),
    };

    public static string Name(this TransferTarget target) => target == TransferTarget.Niv2 ? "niv2" : "flan";
}
