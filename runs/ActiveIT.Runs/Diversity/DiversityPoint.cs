using System.Globalization;

namespace ActiveIT.Runs.Diversity;

/// <summary>One model of the grid: an instruction count at one seed and power-law α. Its key names its stored result.</summary>
public sealed record DiversityPoint(ulong Seed, double Alpha, int Instructions)
{
    public string Key => string.Create(CultureInfo.InvariantCulture, $"seed {Seed}/alpha {Alpha:R}/instructions {Instructions}");
}
