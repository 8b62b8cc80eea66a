using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

/// <summary>Issue #24: the strict split must change which strings test rules use, not how long they are.</summary>
public sealed class DiversitySplitTests
{
    // The demo preset's generator (a–f, |x| 1..3, |y| 0..3, no no-ops) and the strict run's 20 test rules.
    private static readonly RewriteGenerator Demo = new(RewriteGeneratorOptions.Demo with { NoOpShare = 0 });
    private const int TestRules = 20;
    private static readonly ulong[] Seeds = [.. Enumerable.Range(1, 10).Select(s => (ulong)s)];

    [Fact]
    public void Split_StringsAt1024Rules_TrainingKeepsDeletionsOneLetterPatternsAndTheDefaultSplitsLengths()
    {
        var strict = Seeds.Select(s => DiversitySplit.Build(Demo, 1024, 1024, TestRules, 10, InstructionFrequency.Uniform, 1, s, UnseenSplit.Strings)).ToArray();
        var loose = Seeds.Select(s => DiversitySplit.Build(Demo, 1024, 1024, TestRules, 10, InstructionFrequency.Uniform, 1, s)).ToArray();

        Assert.All(strict, split =>
        {
            Assert.Contains(split.TrainRules, r => r.Replacement.Length == 0);
            Assert.Contains(split.TrainRules, r => r.Pattern.Length == 1);
        });
        // Against the default split at the same seeds and count: 10,240 rules a side put the sampling sd of a share under
        // 0.005. What the tolerance allows for is the reserve itself: it takes 2 of the 6 one-letter strings, so the small
        // cells of the rule space (one-letter deletions: 4 rules instead of 6; one-letter same-length rules: 12 instead of
        // 30) fill up sooner and their draws move to other cells.
        var strictTrain = Shares(strict.SelectMany(s => s.TrainRules));
        var looseTrain = Shares(loose.SelectMany(s => s.TrainRules));
        Assert.All(Classes, c => Assert.True(Math.Abs(strictTrain[c] - looseTrain[c]) <= 0.04,
            $"{c}: strict training {strictTrain[c]:F3}, default training {looseTrain[c]:F3}"));
        // Test rules are drawn at the generator's lengths: each operation holds 1/4 of the rules, each |x| 1/3. Over 200
        // test rules the sd of a share is at most 0.035; ± 0.1 is about three of them.
        var test = Shares(strict.SelectMany(s => s.TestRules));
        Assert.All(Classes, c => Assert.True(Math.Abs(test[c] - Expected(c)) <= 0.1, $"{c}: test {test[c]:F3}, expected {Expected(c):F3}"));
    }

    [Fact]
    public void Split_StringsAt64Rules_TrainAndTestHaveTheSameLengthAndOperationShares()
    {
        // At 64 rules the rule space is far from used up, so training too keeps the generator's lengths. 640 training and
        // 200 test rules over ten seeds: the sd of a difference of shares is at most 0.035, and ± 0.1 is about three.
        var splits = Seeds.Select(s => DiversitySplit.Build(Demo, 64, 64, TestRules, 10, InstructionFrequency.Uniform, 1, s, UnseenSplit.Strings)).ToArray();
        var train = Shares(splits.SelectMany(s => s.TrainRules));
        var test = Shares(splits.SelectMany(s => s.TestRules));
        Assert.All(Classes, c => Assert.True(Math.Abs(train[c] - test[c]) <= 0.1, $"{c}: training {train[c]:F3}, test {test[c]:F3}"));
        Assert.All(splits, split => Assert.Equal(new UnseenOverlap(0, 0, 0), split.Overlap));
    }

    [Theory]
    [InlineData(UnseenSplit.Rules)]
    [InlineData(UnseenSplit.Strings)]
    public void Split_LargerCount_AddsRulesToTheSmallerCountsRules(UnseenSplit unseen)
    {
        var small = DiversitySplit.Build(Demo, 64, 256, TestRules, 50, InstructionFrequency.Uniform, 1, seed: 4, unseen);
        var large = DiversitySplit.Build(Demo, 128, 256, TestRules, 50, InstructionFrequency.Uniform, 1, seed: 4, unseen);

        // The step from 64 to 128 rules measures 64 more rules, not a fresh draw of 128.
        Assert.Equal(small.TrainRules, large.TrainRules.Take(64));
        Assert.Equal(small.TestRules, large.TestRules);
        Assert.Equal(small.UnseenTest, large.UnseenTest);
    }

    private static readonly string[] Classes = ["deletion", "shrinking", "same", "growing", "x1", "x2", "x3"];

    private static double Expected(string c) => c.StartsWith('x') ? 1 / 3.0 : 1 / 4.0;

    private static Dictionary<string, double> Shares(IEnumerable<RewriteRule> rules)
    {
        var all = rules.ToArray();
        double Share(Func<RewriteRule, bool> f) => all.Count(f) / (double)all.Length;
        return new()
        {
            ["deletion"] = Share(r => r.Replacement.Length == 0),
            ["shrinking"] = Share(r => r.Replacement.Length > 0 && r.Replacement.Length < r.Pattern.Length),
            ["same"] = Share(r => r.Replacement.Length == r.Pattern.Length),
            ["growing"] = Share(r => r.Replacement.Length > r.Pattern.Length),
            ["x1"] = Share(r => r.Pattern.Length == 1),
            ["x2"] = Share(r => r.Pattern.Length == 2),
            ["x3"] = Share(r => r.Pattern.Length == 3),
        };
    }
}
