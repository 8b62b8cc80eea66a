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
    [InlineData(PatternShape.Repeated, "aaabbbccc")]
    [InlineData(PatternShape.Periodic, "abcabcabc")]
    [InlineData(PatternShape.Mirrored, "abccbaabc")]
    public void ConstrainedPatterns_AreBuiltFromBlocksOfK_TrainingKAtLeast3_TestingKBelow3(PatternShape shape, string paperExample)
    {
        Assert.Equal(3, BlockLength(shape, paperExample));  // the shapes as methods.md §3 writes them
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Paper with { Shape = shape, MinPatternLength = 2 });
        var train = generator.Rules(300, new SeededRandom(4), blocks: BlockLengths.Train);
        var test = generator.Rules(300, new SeededRandom(5), blocks: BlockLengths.Test);
        var trainK = train.Select(r => BlockLength(shape, r.Pattern)).ToArray();
        var testK = test.Select(r => BlockLength(shape, r.Pattern)).ToArray();
        Assert.All(trainK, k => Assert.InRange(k, 3, 10));
        Assert.All(testK, k => Assert.InRange(k, 1, 2));
        Assert.True(trainK.Distinct().Count() >= 4, "training draws several block lengths");
        Assert.Equal([1, 2], testK.Distinct().Order());
        Assert.All(train.Concat(test), r => Assert.InRange(r.Pattern.Length, 2, 20));
    }

    /// <summary>The smallest k with which the pattern has the shape; 0 where it has none.</summary>
    private static int BlockLength(PatternShape shape, string p) => Enumerable.Range(1, p.Length / 2).FirstOrDefault(k => shape switch
    {
        // Runs of exactly k equal letters (the last may be cut short), neighbouring runs of different letters.
        PatternShape.Repeated => Enumerable.Range(0, p.Length).All(i => p[i] == p[i - i % k]) &&
                                 Enumerable.Range(1, (p.Length - 1) / k).All(u => p[u * k] != p[u * k - 1]),
        PatternShape.Periodic => Enumerable.Range(k, p.Length - k).All(i => p[i] == p[i - k]),
        PatternShape.Mirrored => Enumerable.Range(0, p.Length).All(i => p[i] == (i / k % 2 == 0 ? p[i % k] : p[k - 1 - i % k])),
        _ => false,
    });

    [Fact]
    public void ConstrainedPatterns_TooShortForTrainingBlocks_NameTheField()
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { Shape = PatternShape.Periodic, MaxPatternLength = 4 });
        var e = Assert.Throws<ArgumentException>(() => generator.Rules(5, new SeededRandom(1), blocks: BlockLengths.Train));
        Assert.Contains("MaxPatternLength 4 is too short for Periodic patterns with block length 3", e.Message);
    }

    [Fact]
    public void Split_Strings_TestPatternsAndReplacementsNeverUsedInTraining()
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { NoOpShare = 0 });
        var loose = DiversitySplit.Build(generator, 2048, 4096, 200, 100, InstructionFrequency.Uniform, 1, seed: 3);
        var strict = DiversitySplit.Build(generator, 2048, 4096, 200, 100, InstructionFrequency.Uniform, 1, seed: 3, UnseenSplit.Strings);

        // The demo alphabet holds only 258 patterns: at 2,048 rules nearly every "unseen" pattern was trained.
        Assert.True(loose.Overlap.Pattern > 0.95, $"pattern overlap {loose.Overlap.Pattern}");
        Assert.True(loose.Overlap.Either >= loose.Overlap.Pattern);
        Assert.Equal(new UnseenOverlap(0, 0, 0), strict.Overlap);
        var trainStrings = strict.TrainRules.SelectMany(r => new[] { r.Pattern, r.Replacement }).ToHashSet();
        Assert.All(strict.TestRules, r => Assert.False(trainStrings.Contains(r.Pattern) || (r.Replacement.Length > 0 && trainStrings.Contains(r.Replacement)), r.ToString()));
        // Test strings come from the seed's reserve; the empty replacement (a deletion) is an operation both sides use.
        var reserve = new StringReserve(generator.Options.Alphabet, 3, seed: 3);
        Assert.All(strict.TestRules, r => Assert.True(reserve.Contains(r.Pattern) && (r.Replacement.Length == 0 || reserve.Contains(r.Replacement)), r.ToString()));
        Assert.Contains(strict.TrainRules, r => r.Replacement.Length == 0);
    }

    [Fact]
    public void Split_Shapes_TrainOnLongBlocksAndTestOnShortOnesWithUnseenStrings()
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { Shape = PatternShape.Repeated, AlphabetSize = 8, InputLength = 16, MaxPatternLength = 8, NoOpShare = 0 });
        var split = DiversitySplit.Build(generator, 64, 256, 20, 50, InstructionFrequency.Uniform, 1, seed: 2, UnseenSplit.Strings);
        Assert.All(split.TrainRules, r => Assert.InRange(BlockLength(PatternShape.Repeated, r.Pattern), 3, 4));
        Assert.All(split.TestRules, r => Assert.InRange(BlockLength(PatternShape.Repeated, r.Pattern), 1, 2));
        Assert.Equal(0, split.Overlap.Either);
        Assert.All(split.UnseenTest, e => Assert.True(e.HasOp));
    }

    [Fact]
    public void Split_PowerLaw_SeenTestsUseOnlyTrainedRulesAndCountThem()
    {
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { AlphabetSize = 12 });
        var split = DiversitySplit.Build(generator, 1000, 2000, 20, 500, InstructionFrequency.PowerLawIndex, 0.1, seed: 4);
        var trained = split.Train.Select(e => e.Rule).ToHashSet();
        Assert.Equal(trained.Count, split.EffectiveInstructions);
        Assert.True(split.EffectiveInstructions < 600, $"α 0.1 leaves most rules without examples ({split.EffectiveInstructions} of 1000 trained)");
        Assert.All(split.SeenTest, e => Assert.Contains(e.Rule, trained));
        Assert.InRange(split.PerplexityInstructions, 1, split.EffectiveInstructions);

        var uniform = DiversitySplit.Build(generator, 1000, 2000, 20, 500, InstructionFrequency.Uniform, 1, seed: 4);
        Assert.Equal(1000, uniform.EffectiveInstructions);
        Assert.Equal(1000, uniform.PerplexityInstructions, 6);
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
