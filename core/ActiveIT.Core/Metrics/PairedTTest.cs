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

    /// <summary>The t with two-sided tail probability <paramref name="alpha"/> (t* = 4.303 for 0.05 and 2 df), by bisection.</summary>
    public static double CriticalT(double alpha, int df)
    {
        double low = 0, high = 1;
        while (TwoSidedP(high, df) > alpha)
        {
            high *= 2;
        }
        for (var i = 0; i < 100; i++)
        {
            var mid = (low + high) / 2;
            (low, high) = TwoSidedP(mid, df) > alpha ? (mid, high) : (low, mid);
        }
        return (low + high) / 2;
    }

    /// <summary>P(|T| ≥ |t|) for Student's t with <paramref name="df"/> degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).</summary>
    public static double TwoSidedP(double t, int df) => RegularizedBeta(df / (df + t * t), df / 2.0, 0.5);

    /// <summary>I_x(a, b) by its continued fraction (modified Lentz), using the symmetry where it converges faster.</summary>
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }
        if (x >= 1)
        {
            return 1;
        }
        if (x > (a + 1) / (a + b + 2))
        {
            return 1 - RegularizedBeta(1 - x, b, a);
        }
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x)) / a;
        const double tiny = 1e-300;
        double c = 1, f = 1, dd = 0;
        for (var i = 0; i <= 400; i++)
        {
            var m = i / 2;
            double numerator = i == 0 ? 1
                : i % 2 == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            dd = 1 + numerator * dd;
            dd = Math.Abs(dd) < tiny ? 1 / tiny : 1 / dd;
            c = 1 + numerator / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            var step = c * dd;
            f *= step;
            if (Math.Abs(1 - step) < 1e-12)
            {
                break;
            }
        }
        return front * (f - 1);
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine coefficients).</summary>
    private static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        var sum = g[0];
        for (var i = 1; i < g.Length; i++)
        {
            sum += g[i] / (x + i);
        }
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
