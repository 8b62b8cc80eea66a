using ActiveIT.Core;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

public sealed class InstructionSamplerTests
{
    [Fact]
    public void Uniform_SplitsBudgetEvenly()
    {
        var counts = InstructionSampler.Counts(7, 100, InstructionFrequency.Uniform, 1, new SeededRandom(1));
        Assert.Equal(100, counts.Sum());
        Assert.True(counts.Max() - counts.Min() <= 1);
    }

    [Theory]
    [InlineData(InstructionFrequency.PowerLawIndex)]
    [InlineData(InstructionFrequency.PowerLawWeight)]
    public void PowerLaw_SmallerAlphaConcentratesExamples(InstructionFrequency frequency)
    {
        static double TopShare(int[] counts) => counts.OrderDescending().Take(counts.Length / 10).Sum() / (double)counts.Sum();
        var mild = InstructionSampler.Counts(1000, 100_000, frequency, 1.0, new SeededRandom(2));
        var skewed = InstructionSampler.Counts(1000, 100_000, frequency, 0.1, new SeededRandom(2));
        Assert.Equal(100_000, mild.Sum());
        Assert.Equal(100_000, skewed.Sum());
        Assert.True(TopShare(skewed) > TopShare(mild) + 0.2, $"top-10% share {TopShare(mild):F2} -> {TopShare(skewed):F2}");
        if (frequency == InstructionFrequency.PowerLawIndex)
        {
            Assert.InRange(TopShare(mild), 0.08, 0.13);  // alpha = 1 in the index reading is uniform
        }
    }

    [Fact]
    public void SeededRandom_SameSeedSameStream_PurposesIndependent()
    {
        Assert.Equal(new SeededRandom(5).NextULong(), new SeededRandom(5).NextULong());
        Assert.NotEqual(SeededRandom.For(5, "a").NextULong(), SeededRandom.For(5, "b").NextULong());
        var r = new SeededRandom(1);
        var histogram = new int[6];
        for (var i = 0; i < 60_000; i++)
        {
            histogram[r.NextInt(6)]++;
        }
        Assert.All(histogram, h => Assert.InRange(h, 9_500, 10_500));
    }
}
