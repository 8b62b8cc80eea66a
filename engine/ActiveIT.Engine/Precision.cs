namespace ActiveIT.Engine;

/// <summary>What matrix products and attention compute in; weights, optimizer state and loss are float32 in both.</summary>
public enum Precision
{
    Fp32,
    Bf16,
}
