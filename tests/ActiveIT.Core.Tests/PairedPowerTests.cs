using ActiveIT.Core.Metrics;

namespace ActiveIT.Core.Tests;

public sealed class PairedPowerTests
{
    [Fact]
    public void WithNoTrueDifference_ThePowerIsTheTestsSize()
    {
        foreach (var pairs in new[] { 2, 3, 10, 200 })
        {
            Assert.Equal(0.05, PairedPower.Power(0, sd: 3, pairs), 6);
        }
    }

    [Fact]
    public void TheMinimumDetectableDifference_IsDetectedInEightyPercentOfSimulatedComparisons()
    {
        const int pairs = 5;
        const double sd = 2;
        var mdd = PairedPower.MinimumDetectableDifference(sd, pairs);
        var random = new Random(20261205);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        const int trials = 20_000;
        int Rejections(double mean) => Enumerable.Range(0, trials).Count(_ =>
        {
            var after = Enumerable.Range(0, pairs).Select(_ => mean + sd * Normal()).ToArray();
            return PairedTTest.Of(new double[pairs], after).P < 0.05;
        });
        Assert.InRange(Rejections(mdd) / (double)trials, 0.788, 0.812);  // binomial sd 0.003
        Assert.InRange(Rejections(mdd / 2) / (double)trials, PairedPower.Power(mdd / 2, sd, pairs) - 0.012, PairedPower.Power(mdd / 2, sd, pairs) + 0.012);
    }

    [Fact]
    public void ManyPairs_ApproachTheNormalFormula()
    {
        // (z₀.₉₇₅ + z₀.₈) · σ / √n
        Assert.Equal((1.959964 + 0.841621) / 100, PairedPower.MinimumDetectableDifference(1, 10_000), 5);
        // 3 pairs: t*₂ = 4.303 makes the detectable difference far larger than the normal formula's 1.62 σ.
        Assert.InRange(PairedPower.MinimumDetectableDifference(1, 3), 2.8, 3.6);
    }

    [Fact]
    public void PairsNeeded_IsTheFirstCountWithEnoughPower()
    {
        // Active-IT's +0.7 ROUGE-L at the 5.4-point paired spread of docs/curriculum.md: ((1.96 + 0.84) · 5.4 / 0.7)² ≈ 467.
        var n = PairedPower.PairsNeeded(0.7, 5.4)!.Value;
        Assert.InRange(n, 466, 472);
        Assert.True(PairedPower.Power(0.7, 5.4, n) >= 0.8);
        Assert.True(PairedPower.Power(0.7, 5.4, n - 1) < 0.8);
        Assert.Equal(2, PairedPower.PairsNeeded(10, 0.1));
        Assert.Null(PairedPower.PairsNeeded(0.001, 100, limit: 1000));
        Assert.Null(PairedPower.PairsNeeded(0, 1));
        Assert.True(double.IsNaN(PairedPower.MinimumDetectableDifference(double.NaN, 5)));
        Assert.True(double.IsNaN(PairedPower.MinimumDetectableDifference(1, 1)));
    }

    [Fact]
    public void TheSpreadsUpperBound_FollowsTheChiSquareInterval()
    {
        // 3 pairs: σ ≤ s · √(2 / χ²₂(0.05)) = s · √(2 / 0.102587).
        Assert.Equal(Math.Sqrt(2 / 0.102587), PairedPower.SdUpperBound(1, 3), 3);
        Assert.True(PairedPower.SdUpperBound(1, 100) < 1.2);
    }
}
