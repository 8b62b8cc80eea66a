using MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace ActiveIT.Core.Metrics;

/// <summary>
/// The power of <see cref="PairedTTest"/> (two-sided, one difference per pair) and what follows from it: the smallest
/// true difference a comparison of n pairs detects with the wanted power, and the pairs a difference needs.
/// </summary>
/// <remarks>
/// Exact under normal differences: with λ = δ·√n/σ and ν = n − 1, the statistic is noncentral t, and
/// power = P(|T'| ≥ t*) = E_V[Φ(−t*·√(V/ν) + λ) + Φ(−t*·√(V/ν) − λ)] over V ~ χ²_ν, integrated numerically in log V
/// (Cohen, <i>Statistical Power Analysis</i>, 1988, §2; the same quantity G*Power reports for a matched-pairs t-test).
/// Here σ is the standard deviation of the per-pair differences, as <see cref="PairedTTest.StdDifference"/> estimates it.
/// </remarks>
public static class PairedPower
{
    public const double Alpha = 0.05;
    public const double WantedPower = 0.8;

    /// <summary>P(the test rejects at <paramref name="alpha"/>) when the true mean difference is <paramref name="difference"/>.</summary>
    public static double Power(double difference, double sd, int pairs, double alpha = Alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sd);
        var df = pairs - 1;
        var lambda = Math.Abs(difference) * Math.Sqrt(pairs) / sd;
        var critical = PairedTTest.CriticalT(alpha, df);
        // ∫ g(x) [Φ(λ − t*·s) + Φ(−λ − t*·s)] dx, s = √(e^x/ν), g the density of x = ln V (smooth, no pole at V = 0).
        var half = df / 2.0;
        var logNorm = half * Math.Log(2) + SpecialFunctions.GammaLn(half);
        double Integrand(double x)
        {
            var v = Math.Exp(x);
            var density = Math.Exp(half * x - v / 2 - logNorm);
            var s = critical * Math.Sqrt(v / df);
            return density * (Normal.CDF(0, 1, lambda - s) + Normal.CDF(0, 1, -lambda - s));
        }
        // Between the 10⁻¹² and 1 − 10⁻¹² quantiles: ln V is wide for few pairs and narrow (sd √(2/ν)) for many.
        var low = Math.Log(ChiSquared.InvCDF(df, 1e-12));
        var high = Math.Log(ChiSquared.InvCDF(df, 1 - 1e-12));
        return Math.Clamp(Simpson(Integrand, low, high, 2000), 0, 1);
    }

    /// <summary>
    /// The smallest true difference detected with <paramref name="power"/> by a comparison of <paramref name="pairs"/>
    /// pairs whose differences spread by <paramref name="sd"/>: NaN below two pairs or without a spread estimate, and
    /// NaN for a spread of 0 (identical runs, such as round 0 shared by every strategy: there is nothing to test).
    /// </summary>
    public static double MinimumDetectableDifference(double sd, int pairs, double alpha = Alpha, double power = WantedPower)
    {
        if (pairs < 2 || double.IsNaN(sd) || sd <= 0)
        {
            return double.NaN;
        }
        var (low, high) = (0.0, sd);
        while (Power(high, sd, pairs, alpha) < power)
        {
            high *= 2;
        }
        for (var i = 0; i < 60 && high - low > 1e-9 * sd; i++)
        {
            var mid = (low + high) / 2;
            (low, high) = Power(mid, sd, pairs, alpha) < power ? (mid, high) : (low, mid);
        }
        return high;
    }

    /// <summary>The fewest pairs (at least 2) that detect <paramref name="difference"/> with <paramref name="power"/>; null when
    /// more than <paramref name="limit"/> would be needed; NaN inputs and a spread of 0 give null too.</summary>
    public static int? PairsNeeded(double difference, double sd, double alpha = Alpha, double power = WantedPower, int limit = 1_000_000)
    {
        if (double.IsNaN(sd) || double.IsNaN(difference) || difference == 0 || sd <= 0)
        {
            return null;
        }
        bool Enough(int n) => Power(difference, sd, n, alpha) >= power;
        if (Enough(2))
        {
            return 2;
        }
        var (low, high) = (2, 4);  // Enough(low) is false throughout
        while (!Enough(high))
        {
            if (high >= limit)
            {
                return null;
            }
            (low, high) = (high, Math.Min(limit, high * 2));
        }
        while (high - low > 1)
        {
            var mid = low + (high - low) / 2;
            (low, high) = Enough(mid) ? (low, mid) : (mid, high);
        }
        return high;
    }

    /// <summary>The upper bound of the one-sided <paramref name="confidence"/> interval of a standard deviation estimated
    /// from <paramref name="pairs"/> values: σ ≤ s·√(ν / χ²_ν(1 − confidence)).</summary>
    public static double SdUpperBound(double sd, int pairs, double confidence = 0.95) =>
        pairs < 2 || double.IsNaN(sd) ? double.NaN : sd * Math.Sqrt((pairs - 1) / ChiSquared.InvCDF(pairs - 1, 1 - confidence));

    private static double Simpson(Func<double, double> f, double a, double b, int intervals)
    {
        var h = (b - a) / intervals;
        var sum = f(a) + f(b);
        for (var i = 1; i < intervals; i++)
        {
            sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }
}
