namespace ActiveIT.Core.Rewriting;

/// <summary>The data of one grid point: training examples over the training rules, and test examples on seen and on unseen rules.</summary>
public sealed record DiversitySplit(
    IReadOnlyList<RewriteRule> TrainRules,
    IReadOnlyList<RewriteRule> TestRules,
    IReadOnlyList<RewriteExample> Train,
    IReadOnlyList<RewriteExample> SeenTest,
    IReadOnlyList<RewriteExample> UnseenTest,
    IReadOnlyList<int> ExamplesPerRule)
{
    /// <summary>Training rules that got at least one example: under a power law, fewer than the instruction count.</summary>
    public int EffectiveInstructions => ExamplesPerRule.Count(c => c > 0);

    /// <summary>exp(entropy) of the examples' rule distribution: the number of equally used rules it is worth.</summary>
    public double PerplexityInstructions
    {
        get
        {
            var total = (double)ExamplesPerRule.Sum();
            return Math.Exp(-ExamplesPerRule.Where(c => c > 0).Sum(c => c / total * Math.Log(c / total)));
        }
    }

    /// <summary>The empty string is left out: as a replacement it is the deletion operation, which every split trains.</summary>
    public UnseenOverlap Overlap
    {
        get
        {
            var strings = TrainRules.SelectMany(r => new[] { r.Pattern, r.Replacement }).Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
            double Share(Func<RewriteRule, bool> f) => TestRules.Count(f) / (double)TestRules.Count;
            return new UnseenOverlap(Share(r => strings.Contains(r.Pattern)), Share(r => strings.Contains(r.Replacement)),
                Share(r => strings.Contains(r.Pattern) || strings.Contains(r.Replacement)));
        }
    }

    /// <summary>
    /// Draws the split for one (instruction count, seed). Test rules and unseen-rule test examples depend only on the
    /// seed, so every instruction count at that seed is measured on the same unseen examples. Training rules come from
    /// one stream per seed, so the rules of a smaller count are the first rules of a larger one: a step between counts
    /// adds rules rather than redrawing them. Under <see cref="UnseenSplit.Strings"/> test rules take their strings from
    /// a per-seed <see cref="StringReserve"/> and training rules from the rest, at the same lengths. Constrained shapes
    /// train on block lengths k ≥ 3 and test on k &lt; 3. Seen-rule tests use only rules that got training examples.
    /// </summary>
    public static DiversitySplit Build(RewriteGenerator generator, int instructions, int exampleBudget, int testRules, int testExamples,
        InstructionFrequency frequency, double alpha, ulong seed, UnseenSplit unseenSplit = UnseenSplit.Rules)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(instructions);
        ArgumentOutOfRangeException.ThrowIfLessThan(exampleBudget, instructions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testRules);
        var shaped = generator.Options.Shape != PatternShape.Random;
        IReadOnlyList<RewriteRule> unseen, train;
        if (unseenSplit == UnseenSplit.Strings)
        {
            var options = generator.Options;
            var reserve = new StringReserve(options.Alphabet, Math.Max(options.MaxPatternLength, options.MaxReplacementLength), seed);
            unseen = generator.Rules(testRules, SeededRandom.For(seed, "test-rules"), blocks: shaped ? BlockLengths.Test : null, strings: reserve.Held);
            // Shaped patterns are built by their shape, not drawn from the reserve: the filter keeps a test pattern out of
            // training and a training pattern out of the reserve. Random patterns satisfy it by construction.
            var testStrings = unseen.SelectMany(r => new[] { r.Pattern, r.Replacement }).Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
            train = generator.Rules(instructions, SeededRandom.For(seed, "train-rules"),
                r => !reserve.Contains(r.Pattern) && !testStrings.Contains(r.Pattern) && !testStrings.Contains(r.Replacement),
                shaped ? BlockLengths.Train : null, reserve.Free);
        }
        else
        {
            unseen = generator.Rules(testRules, SeededRandom.For(seed, "test-rules"), blocks: shaped ? BlockLengths.Test : null);
            var testSet = unseen.ToHashSet();
            train = generator.Rules(instructions, SeededRandom.For(seed, "train-rules"), r => !testSet.Contains(r), shaped ? BlockLengths.Train : null);
        }

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
        // so differences between grid points are not test-set noise. Seen-rule tests follow the count's trained rules.
        var trained = train.Where((_, i) => counts[i] > 0).ToArray();
        var seenRandom = SeededRandom.For(seed, $"test-examples/seen/{instructions}");
        var seenTest = Enumerable.Range(0, testExamples).Select(_ => generator.Example(trained[seenRandom.NextInt(trained.Length)], seenRandom)).ToList();
        var unseenRandom = SeededRandom.For(seed, "test-examples/unseen");
        var unseenTest = Enumerable.Range(0, testExamples).Select(_ => generator.Example(unseen[unseenRandom.NextInt(unseen.Count)], unseenRandom)).ToList();
        return new DiversitySplit(train, unseen, examples, seenTest, unseenTest, counts);
    }
}
