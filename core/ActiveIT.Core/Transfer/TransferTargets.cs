namespace ActiveIT.Core.Transfer;

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
