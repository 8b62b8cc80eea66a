using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;
using ActiveIT.Grains.Diversity;

namespace ActiveIT.Runs.Diversity;

/// <summary>Trains one fresh model for a point of the grid and measures exact match on seen and unseen rules.</summary>
public sealed class DiversityRunner(DiversitySetup setup)
{
    private const int EvalBatch = 256;
    private readonly RewriteGenerator _generator = new(setup.Generator);

    public DiversityPointResult RunPoint(DiversityPoint point, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var (instructions, alpha, seed) = (point.Instructions, point.Alpha, point.Seed);
        var split = DiversitySplit.Build(_generator, instructions, setup.ExampleBudget, setup.TestRules, setup.TestExamples,
            setup.Frequency, alpha, seed, setup.Unseen);
        using var model = GptModel.Create(setup.Model, seed, setup.Device);
        var run = TrainingLoop.Train(model, split.Train.Select(ToPair).ToArray(), setup.Training, setup.BatchSize, setup.Epochs, seed, progress,
            cancellationToken);

        var evalStart = System.Diagnostics.Stopwatch.StartNew();
        var seen = Evaluate(model, split.SeenTest);
        var unseen = Evaluate(model, split.UnseenTest);
        return new DiversityPointResult(instructions, (double)setup.ExampleBudget / instructions, seed, alpha,
            split.EffectiveInstructions, split.PerplexityInstructions, split.Overlap,
            Count(unseen, _ => true), Count(unseen, e => e.HasOp), Count(unseen, e => !e.HasOp),
            Count(seen, _ => true), Count(seen, e => e.HasOp), Count(seen, e => !e.HasOp),
            run.FinalLoss, run.Steps, run.Seconds, evalStart.Elapsed.TotalSeconds, run.TokensPerSecond, ByLength(unseen, setup.Generator.MaxPatternLength));
    }

    public static TokenPair ToPair(RewriteExample e) =>
        new([ByteTokenizer.Bos, .. ByteTokenizer.Encode(e.Prompt)], [.. ByteTokenizer.Encode(e.Output), ByteTokenizer.Eos]);

    /// <summary>Greedy decoding; correct means the exact output followed by EOS.</summary>
    private (RewriteExample Example, bool Correct)[] Evaluate(GptModel model, IReadOnlyList<RewriteExample> examples)
    {
        var options = new GenerationOptions(DiversityConfig.MaxOutputTokens(setup.Generator), [ByteTokenizer.Eos]);
        var outputs = TrainingLoop.GenerateAll(model, examples.Select(e => ToPair(e).Prompt).ToArray(), options, EvalBatch);
        return examples.Zip(outputs, (e, o) => (e, o.Length > 0 && o[^1] == ByteTokenizer.Eos && ByteTokenizer.Decode(o) == e.Output)).ToArray();
    }

    private static UnseenByLength ByLength((RewriteExample Example, bool Correct)[] results, int maxPatternLength)
    {
        Accuracy Of(RewriteOperation operation) => Count(results, e => e.Rule.Operation == operation);
        return new UnseenByLength(Of(RewriteOperation.Deletion), Of(RewriteOperation.Shrinking), Of(RewriteOperation.SameLength), Of(RewriteOperation.Growing),
            [.. Enumerable.Range(1, maxPatternLength).Select(length => Count(results, e => e.Rule.Pattern.Length == length))]);
    }

    private static Accuracy Count((RewriteExample Example, bool Correct)[] results, Func<RewriteExample, bool> filter)
    {
        var selected = results.Where(r => filter(r.Example)).ToArray();
        return new Accuracy(selected.Count(r => r.Correct), selected.Length);
    }
}
