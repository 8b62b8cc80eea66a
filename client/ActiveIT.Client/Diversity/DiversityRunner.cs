using ActiveIT.Core.Rewriting;
using ActiveIT.Engine;

namespace ActiveIT.Client.Diversity;

/// <summary>Trains one fresh model per (seed, instruction count) and measures exact match on seen and unseen rules.</summary>
internal sealed class DiversityRunner(DiversityConfig config)
{
    private const int EvalBatch = 256;

    public IEnumerable<DiversityPointResult> Run(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var generator = new RewriteGenerator(config.Generator);
        foreach (var seed in config.Seeds)
        {
            foreach (var alpha in config.Alphas)
            {
                foreach (var count in config.InstructionCounts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return RunPoint(generator, count, alpha, seed, progress, cancellationToken);
                }
            }
        }
    }

    public DiversityPointResult RunPoint(RewriteGenerator generator, int instructions, double alpha, ulong seed, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var split = DiversitySplit.Build(generator, instructions, config.ExampleBudget, config.TestRules, config.TestExamples,
            config.Frequency, alpha, seed, config.Unseen);
        using var model = GptModel.Create(config.Model, seed, config.Device);
        var run = TrainingLoop.Train(model, split.Train.Select(ToPair).ToArray(), config.Training, config.BatchSize, config.Epochs, seed, progress,
            cancellationToken);

        var evalStart = System.Diagnostics.Stopwatch.StartNew();
        var seen = Evaluate(model, split.SeenTest);
        var unseen = Evaluate(model, split.UnseenTest);
        return new DiversityPointResult(instructions, (double)config.ExampleBudget / instructions, seed, alpha,
            split.EffectiveInstructions, split.PerplexityInstructions, split.Overlap,
            Count(unseen, _ => true), Count(unseen, e => e.HasOp), Count(unseen, e => !e.HasOp),
            Count(seen, _ => true), Count(seen, e => e.HasOp), Count(seen, e => !e.HasOp),
            run.FinalLoss, run.Steps, run.Seconds, evalStart.Elapsed.TotalSeconds, run.TokensPerSecond);
    }

    public static TokenPair ToPair(RewriteExample e) =>
        new([ByteTokenizer.Bos, .. ByteTokenizer.Encode(e.Prompt)], [.. ByteTokenizer.Encode(e.Output), ByteTokenizer.Eos]);

    /// <summary>Greedy decoding; correct means the exact output followed by EOS.</summary>
    private (RewriteExample Example, bool Correct)[] Evaluate(GptModel model, IReadOnlyList<RewriteExample> examples)
    {
        var options = new GenerationOptions(DiversityConfig.MaxOutputTokens(config.Generator), [ByteTokenizer.Eos]);
        var outputs = TrainingLoop.GenerateAll(model, examples.Select(e => ToPair(e).Prompt).ToArray(), options, EvalBatch);
        return examples.Zip(outputs, (e, o) => (e, o.Length > 0 && o[^1] == ByteTokenizer.Eos && ByteTokenizer.Decode(o) == e.Output)).ToArray();
    }

    private static Accuracy Count((RewriteExample Example, bool Correct)[] results, Func<RewriteExample, bool> filter)
    {
        var selected = results.Where(r => filter(r.Example)).ToArray();
        return new Accuracy(selected.Count(r => r.Correct), selected.Length);
    }
}
