using MathNet.Numerics.Distributions;

namespace ActiveIT.Core.Metrics;

/// <summary>Two-sided paired t-test of after − before over matched pairs (for example, one pair per seed).</summary>
public sealed record PairedTTest(int Pairs, double MeanDifference, double StdDifference, double T, double P)
{
    /// <summary>NaN statistics where fewer than two pairs exist; a zero spread gives t = ±∞ (p = 0) unless the mean is 0 too.</summary>
    public static PairedTTest Of(IReadOnlyList<double> before, IReadOnlyList<double> after)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(after.Count, before.Count, nameof(after));
        var d = before.Select((b, i) => after[i] - b).ToArray();
        if (d.Length < 2)
        {
            return new PairedTTest(d.Length, d.Length == 1 ? d[0] : double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var mean = d.Average();
        var std = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1));
        if (std <= 1e-12 * Math.Max(1, Math.Abs(mean)))  // equal differences, up to rounding
        {
            return new PairedTTest(d.Length, mean, 0, Math.Abs(mean) < 1e-12 ? 0 : Math.Sign(mean) * double.PositiveInfinity, Math.Abs(mean) < 1e-12 ? 1 : 0);
        }
        var t = mean / (std / Math.Sqrt(d.Length));
        return new PairedTTest(d.Length, mean, std, t, TwoSidedP(t, d.Length - 1));
    }

    /// <summary>The confidence interval of the mean difference, mean ± t* · std / √pairs (NaN bounds with fewer than two pairs).</summary>
    public (double Low, double High) Interval(double confidence = 0.95)
    {
        if (Pairs < 2)
        {
            return (double.NaN, double.NaN);
        }
        var half = CriticalT(1 - confidence, Pairs - 1) * StdDifference / Math.Sqrt(Pairs);
        return (MeanDifference - half, MeanDifference + half);
    }

    /// <summary>The t with two-sided tail probability <paramref name="alpha"/> (t* = 4.303 for 0.05 and 2 df).</summary>
    // The lower quantile, negated: 1 − α/2 would round away the digits of a small α.
    public static double CriticalT(double alpha, int df) => -StudentT.InvCDF(0, 1, df, alpha / 2);

    /// <summary>P(|T| ≥ |t|) for Student's t with <paramref name="df"/> degrees of freedom.</summary>
    // Twice the lower tail rather than 1 − CDF(|t|), which would lose a small p to cancellation.
    public static double TwoSidedP(double t, int df) => 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
}
