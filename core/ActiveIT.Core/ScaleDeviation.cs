using System.Globalization;

namespace ActiveIT.Core;

/// <summary>
/// One way a run differs from the published setting: the setting (as the config names it), our value, the paper's, and
/// why. Recorded with every result so a number is never read as a reproduction when it is a scaled-down run.
/// </summary>
public sealed record ScaleDeviation(string Field, string Ours, string Paper, string Why = "")
{
    public override string ToString() => $"{Field} {Ours} (paper: {Paper}){(Why.Length > 0 ? $": {Why}" : "")}";

    /// <summary>Numbers as the docs write them: 5e-05 as "5e-5", 0.2 as "0.2".</summary>
    public static string Format(double value) => value != 0 && Math.Abs(value) < 1e-2
        ? value.ToString("0.###e+0", CultureInfo.InvariantCulture).Replace("e+", "e", StringComparison.Ordinal)
        : value.ToString("0.####", CultureInfo.InvariantCulture);
}
