namespace ActiveIT.Engine;

/// <summary>The names runs and the CLI use: fp32, bf16.</summary>
public static class PrecisionNames
{
    public static string Name(this Precision precision) => precision == Precision.Bf16 ? "bf16" : "fp32";

    public static Precision Parse(string name) => name switch
    {
        "fp32" => Precision.Fp32,
        "bf16" => Precision.Bf16,
        _ => throw new ArgumentException($"unknown precision '{name}' (fp32, bf16)", nameof(name)),
    };
}
