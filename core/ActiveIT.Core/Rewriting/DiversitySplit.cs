namespace ActiveIT.Core.Rewriting;

/// <summary>The data of one grid point: training examples over the training rules, and test examples on seen and on unseen rules.</summary>
public sealed record DiversitySplit(
    IReadOnlyList<RewriteRule> TrainRules,
    IReadOnlyList<RewriteRule> TestRules,
    IReadOnlyList<RewriteExample> Train,
    IReadOnlyList<RewriteExample> SeenTest,
    IReadOnlyList<RewriteExample> UnseenTest)
{
    /// <summary>
    /// Draws the split for one (instruction count, seed). Test rules and unseen-rule test examples depend only on the
    /// seed, so every instruction count at that seed is measured on the same unseen examples; training rules never
    /// include the test rules.
    /// </summary>
    public static DiversitySplit Build(RewriteGenerator generator, int instructions, int exampleBudget, int testRules, int testExamples,
        InstructionFrequency frequency, double alpha, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(instructions);
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleBudget, instructions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testRules);
        var unseen = generator.Rules(testRules, SeededRandom.For(seed, "test-rules"));
        var train = generator.Rules(instructions, SeededRandom.For(seed, $"train-rules/{instructions}"), unseen.ToHashSet());

        var random = SeededRandom.For(seed, $"examples/{instructions}");
        var counts = InstructionSampler.Counts(instructions, exampleBudget, frequency, alpha, random);
        var examples = new List<RewriteExample>(exampleBudget);
        for (var i = 0; i < instructions; i++)
        {
            for (var e = 0; e < counts[i]; e++)
            {
                examples.Add(generator.Example(train[i], random));
            }
        }
        random.Shuffle(examples);

        // Unseen-rule test examples depend on the seed alone: every instruction count is measured on the same strings,
        // so differences between grid points are not test-set noise. Seen-rule tests follow the count's own rules.
        var seenRandom = SeededRandom.For(seed, $"test-examples/seen/{instructions}");
        var seenTest = Enumerable.Range(0, testExamples).Select(_ => generator.Example(train[seenRandom.NextInt(train.Count)], seenRandom)).ToList();
        var unseenRandom = SeededRandom.For(seed, "test-examples/unseen");
        var unseenTest = Enumerable.Range(0, testExamples).Select(_ => generator.Example(unseen[unseenRandom.NextInt(unseen.Count)], unseenRandom)).ToList();
        return new DiversitySplit(train, unseen, examples, seenTest, unseenTest);
    }
}
