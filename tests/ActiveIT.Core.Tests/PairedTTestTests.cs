using ActiveIT.Core.Metrics;

namespace ActiveIT.Core.Tests;

public sealed class PairedTTestTests
{
    [Fact]
    public void PairedDifferences_GiveTheTextbookStatisticAndP()
    {
        // Differences 0.20, 0.15, 0.25: mean 0.2, std 0.05, t = 0.2 / (0.05 / √3); 2 df: p = 1 − t / √(t² + 2).
        var test = PairedTTest.Of([0.10, 0.20, 0.15], [0.30, 0.35, 0.40]);
        Assert.Equal(3, test.Pairs);
        Assert.Equal(0.2, test.MeanDifference, 10);
        Assert.Equal(0.05, test.StdDifference, 10);
        Assert.Equal(6.9282, test.T, 3);
        Assert.Equal(0.020204, test.P, 5);
    }

    [Theory]
    [InlineData(2.0, 2, 0.183503)]    // closed form for 2 df: 1 − |t| / sqrt(t² + 2)
    [InlineData(2.0, 10, 0.073388)]
    [InlineData(1.0, 1, 0.5)]          // Cauchy: 1 − 2·atan(1)/π
    [InlineData(0.0, 5, 1.0)]
    [InlineData(12.0, 30, 5.58e-13)]
    public void TwoSidedP_MatchesStudentsT(double t, int df, double expected) =>
        Assert.Equal(expected, PairedTTest.TwoSidedP(t, df), expected < 1e-6 ? 14 : 5);

    [Fact]
    public void DegenerateInputs_AreReportedNotThrown()
    {
        Assert.True(double.IsNaN(PairedTTest.Of([0.5], [0.6]).P));
        var flat = PairedTTest.Of([0.1, 0.2], [0.2, 0.3]);
        Assert.Equal(0, flat.P);
        Assert.True(double.IsPositiveInfinity(flat.T));
        Assert.Equal(1, PairedTTest.Of([0.1, 0.2], [0.1, 0.2]).P);
    }

    [Theory]
    [InlineData(2, 4.302653)]    // Student's t table, two-sided 95 %
    [InlineData(4, 2.776445)]
    [InlineData(30, 2.042272)]
    public void CriticalT_MatchesTheTable(int df, double expected) => Assert.Equal(expected, PairedTTest.CriticalT(0.05, df), 1e-5);

    [Fact]
    public void Interval_IsMeanPlusMinusCriticalTimesStandardError()
    {
        var test = PairedTTest.Of([0.10, 0.20, 0.15], [0.30, 0.35, 0.40]);
        var (low, high) = test.Interval();
        Assert.Equal(0.2 - 4.302653 * 0.05 / Math.Sqrt(3), low, 5);
        Assert.Equal(0.2 + 4.302653 * 0.05 / Math.Sqrt(3), high, 5);
        Assert.True(double.IsNaN(PairedTTest.Of([0.1], [0.2]).Interval().Low));
    }
}
