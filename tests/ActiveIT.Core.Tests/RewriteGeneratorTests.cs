using ActiveIT.Core;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

public sealed class RewriteGeneratorTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Examples_HaveConfiguredNoOpShareAndCorrectTargets(double noOpShare)
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Paper with { NoOpShare = noOpShare });
        var random = new SeededRandom(3);
        var rules = generator.Rules(200, random);
        var examples = Enumerable.Range(0, 10_000).Select(i => generator.Example(rules[i % rules.Count], random)).ToList();

        Assert.All(examples, e =>
        {
            Assert.Equal(50, e.Input.Length);
            Assert.Equal(e.Rule.Apply(e.Input), e.Output);
            Assert.All(e.Input, c => Assert.InRange(c, 'a', 'z'));
        });
        var share = examples.Count(e => !e.HasOp) / (double)examples.Count;
        Assert.InRange(share, noOpShare - 0.02, noOpShare + 0.02);
    }

    [Fact]
    public void NoOpExamples_NeverContainPattern_EvenOnTinyAlphabets()
    {
        var generator = new RewriteGenerator(new RewriteGeneratorOptions(AlphabetSize: 2, InputLength: 30, MaxPatternLength: 2, MaxReplacementLength: 2));
        var random = new SeededRandom(5);
        foreach (var rule in generator.Rules(6, random))
        {
            for (var i = 0; i < 50; i++)
            {
                var e = generator.NoOpExample(rule, random);
                Assert.False(e.HasOp);
                Assert.Equal(e.Input, e.Output);
                Assert.Equal(30, e.Input.Length);
            }
        }
    }

    [Fact]
    public void HasOpExamples_TargetUsesRealLeftmostSearch()
    {
        // Over a 2-letter alphabet the filler often holds an earlier accidental match than the inserted one.
        var generator = new RewriteGenerator(new RewriteGeneratorOptions(AlphabetSize: 2, InputLength: 12, MaxPatternLength: 2));
        var random = new SeededRandom(8);
        var rule = new RewriteRule("ab", "X");
        for (var i = 0; i < 500; i++)
        {
            var e = generator.HasOpExample(rule, random);
            var at = e.Input.IndexOf("ab", StringComparison.Ordinal);
            Assert.True(at >= 0);
            Assert.Equal(e.Input[..at] + "X" + e.Input[(at + 2)..], e.Output);
        }
    }

    [Theory]
    [InlineData(PatternShape.Repeated)]
    [InlineData(PatternShape.Periodic)]
    [InlineData(PatternShape.Mirrored)]
    public void ConstrainedPatterns_HaveTheirShape(PatternShape shape)
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Paper with { Shape = shape, MinPatternLength = 2 });
        foreach (var rule in generator.Rules(300, new SeededRandom(4)))
        {
            var p = rule.Pattern;
            switch (shape)
            {
                case PatternShape.Repeated:
                    Assert.All(p, c => Assert.Equal(p[0], c));
                    break;
                case PatternShape.Mirrored:
                    Assert.Equal(p, new string([.. p.Reverse()]));
                    break;
                case PatternShape.Periodic:
                    var period = Enumerable.Range(1, 3).First(q => Enumerable.Range(q, p.Length - q).All(i => p[i] == p[i - q]));
                    Assert.True(p.Length >= 2 * period, $"{p} repeats its period at least twice");
                    break;
            }
        }
    }

    [Fact]
    public void Split_TestRulesAreDisjointFromTrainingAndSharedAcrossInstructionCounts()
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo);
        var small = DiversitySplit.Build(generator, 16, 800, 50, 200, InstructionFrequency.Uniform, 1, seed: 9);
        var large = DiversitySplit.Build(generator, 400, 800, 50, 200, InstructionFrequency.Uniform, 1, seed: 9);

        Assert.Equal(small.TestRules, large.TestRules);
        Assert.Equal(small.UnseenTest, large.UnseenTest);  // the same strings at every instruction count of a seed
        Assert.NotEqual(small.UnseenTest, DiversitySplit.Build(generator, 16, 800, 50, 200, InstructionFrequency.Uniform, 1, seed: 10).UnseenTest);
        foreach (var split in new[] { small, large })
        {
            Assert.Empty(split.TrainRules.Intersect(split.TestRules));
            Assert.Equal(800, split.Train.Count);
            Assert.All(split.Train, e => Assert.Contains(e.Rule, split.TrainRules));
            Assert.All(split.UnseenTest, e => Assert.Contains(e.Rule, split.TestRules));
            Assert.All(split.SeenTest, e => Assert.Contains(e.Rule, split.TrainRules));
            Assert.Equal(split.TrainRules.Count, split.Train.Select(e => e.Rule).Distinct().Count());
        }
        Assert.Equal(50, small.Train.Count(e => e.Rule == small.TrainRules[0]));
        var again = DiversitySplit.Build(generator, 16, 800, 50, 200, InstructionFrequency.Uniform, 1, seed: 9);
        Assert.Equal(small.Train, again.Train);
    }

    [Fact]
    public void Rules_ThrowWhenRuleSpaceTooSmall()
    {
        var generator = new RewriteGenerator(new RewriteGeneratorOptions(AlphabetSize: 2, InputLength: 4, MaxPatternLength: 1, MinReplacementLength: 1, MaxReplacementLength: 1));
        var e = Assert.Throws<ArgumentException>(() => generator.Rules(10, new SeededRandom(1)));
        Assert.Contains("cannot draw 10 distinct rules", e.Message);
    }

    [Fact]
    public void Options_InvalidFieldIsNamed() =>
        Assert.Contains("InputLength", Assert.Throws<ArgumentException>(() => new RewriteGenerator(new RewriteGeneratorOptions(InputLength: 5))).Message);
}
