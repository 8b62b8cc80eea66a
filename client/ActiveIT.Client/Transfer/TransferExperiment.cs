using System.Diagnostics;
using ActiveIT.Core;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;

namespace ActiveIT.Client.Transfer;

/// <summary>
/// The format-consistency study of methods.md §2 on string-rewrite tasks, where the right transfer is known.
/// Per seed: rules split into training rules, held-out rules and the judge's rules; tasks rendered in four formats
/// (NIV2, PromptSource, FLAN, CrossFit). (1) A local transfer model learns PromptSource/FLAN/CrossFit → NIV2
/// definition on a subset of the training rules and is sampled on the held-out rules: transfer accuracy (does the
/// definition state the rule's pattern and replacement?) of the greedy answer, of a random candidate, of the least
/// perplexing one (denoising), and of the best candidate (oracle). The denoising judge is a model of its own, trained
/// apart on rules no other model sees and never evaluated (the paper's judge is a pretrained GPT-J that never sees the
/// downstream evaluation); it scores held-out tasks on instances that are never evaluated, and training tasks on
/// their training instances.
/// (2) Testing time: the NIV2-trained task model on held-out rules phrased raw in each format vs transferred.
/// (3) Training time: the training rules spread over the four formats, trained raw, unified with the transfer
/// model's greedy definitions, or unified with denoised ones (the paper's released denoising data are training
/// tasks); each model tested on held-out rules the way it was trained.
/// Prompts are NIV2's (definition + instance input, no examples: the byte models' context is small); instance-level
/// formats' inputs embed the instruction, and a transferred task is evaluated on the raw string.
/// </summary>
internal sealed class TransferExperiment(TransferScale scale, string device, IProgress<string>? progress = null)
{
    private static readonly TaskFormat[] NonNiv2 = [TaskFormat.PromptSource, TaskFormat.Flan, TaskFormat.CrossFit];
    private const string Judge = "judge", Niv2Model = "niv2 task model", Mixed = "mixed raw", UnifiedGreedy = "unified greedy", UnifiedDenoised = "unified denoised";
    private const int TaskContext = 192, TransferContext = 384, DefinitionTokens = 96, OutputTokens = 24, GenerateBatch = 64;
    private const float Temperature = 0.8f;

    public TransferSeedResult Run(ulong seed, CancellationToken cancellationToken)
    {
        var seconds = new Dictionary<string, double>();
        var losses = new Dictionary<string, double>();
        // Every input holds its pattern (no no-ops, the paper's headline setting): a model that ignores the definition
        // cannot score by copying inputs through.
        var generator = new RewriteGenerator(RewriteGeneratorOptions.Demo with { NoOpShare = 0 });
        var rules = generator.Rules(scale.TaskRules + scale.HeldOutRules + scale.ScorerRules, SeededRandom.For(seed, "transfer-experiment/rules"));
        var train = RewriteTransferData.Tasks(generator, rules.Take(scale.TaskRules).ToArray(), scale.InstancesPerRule, seed, "train");
        var heldOut = RewriteTransferData.Tasks(generator, rules.Skip(scale.TaskRules).Take(scale.HeldOutRules).ToArray(), scale.HeldOutInstances, seed, "held");
        var judgeRules = RewriteTransferData.Tasks(generator, rules.Skip(scale.TaskRules + scale.HeldOutRules).ToArray(), scale.InstancesPerRule, seed, "judge");

        // The judge that ranks candidates: NIV2-format tasks of rules that no evaluated model trains or is tested on, so
        // its perplexities carry no trace of what the evaluation measures — the role GPT-J plays in the paper.
        using var judge = TrainTaskModel(Judge, judgeRules.SelectMany(set => Examples(set.Formats[TaskFormat.Niv2], set.Formats[TaskFormat.Niv2].Definition)),
            seed, seconds, losses, cancellationToken);
        var scorer = new LocalEngineBackend(judge, Judge, "experiment");

        // The transfer model, on seed pairs from a subset of the training rules (two instances shown per source task).
        var pairs = new List<SeedPair>();
        for (var draw = 0; draw < scale.DrawsPerRule; draw++)
        {
            var sets = RewriteTransferData.Tasks(generator, rules.Take(scale.TransferRules).ToArray(), 2, seed * 31 + (ulong)draw + 1, $"pairs{draw}");
            pairs.AddRange(sets.SelectMany(set => NonNiv2.Select(f => RewriteTransferData.Pair(set, f, TransferTarget.Niv2, definitionOnly: true))));
        }
        using var transferModel = GptModel.Create(Config(TransferContext), seed + 7, device);
        var watch = Stopwatch.StartNew();
        progress?.Report($"seed {seed}: transfer model on {pairs.Count} pairs");
        var transferRun = TransferModelTraining.Train(transferModel, pairs, scale.TransferEpochs, 16, 1e-3f, seed, null, cancellationToken);
        (seconds["transfer model"], losses["transfer model"]) = (watch.Elapsed.TotalSeconds, transferRun.FinalLoss);

        // (1) Transfer of held-out tasks, N sampled candidates each, ranked by the judge on instances never evaluated.
        watch.Restart();
        progress?.Report($"seed {seed}: transferring {heldOut.Count * NonNiv2.Length} held-out tasks × {scale.Candidates} candidates");
        var heldOutCases = heldOut.SelectMany(set => NonNiv2.Select(format => (Set: set, Format: format))).ToArray();
        var cases = Transfer(transferModel, scorer, heldOutCases, scale.Candidates, scale.DenoiseInstances, compareAggregations: true, seed, 0, cancellationToken);
        var chosen = heldOutCases.Select((c, i) => (c, cases[i].Chosen)).ToDictionary(p => (p.c.Set.Rule.ToString(), p.c.Format), p => p.Chosen);
        seconds["transfer + denoise (held-out)"] = watch.Elapsed.TotalSeconds;

        // (2) Testing time: the NIV2 model on held-out rules, raw in each format vs transferred (denoised), and NIV2 itself.
        var evals = new List<TransferEvalResult>();
        using (var niv2Model = TrainTaskModel(Niv2Model, train.SelectMany(set => Examples(set.Formats[TaskFormat.Niv2], set.Formats[TaskFormat.Niv2].Definition)),
                   seed, seconds, losses, cancellationToken))
        {
            watch.Restart();
            evals.Add(Evaluate(niv2Model, seed, "testing-time", "niv2 (reference definition)", heldOut.SelectMany(set => EvalItems(set, set.Formats[TaskFormat.Niv2].Definition, null))));
            foreach (var format in NonNiv2)
            {
                evals.Add(Evaluate(niv2Model, seed, "testing-time", $"{format} raw", heldOut.SelectMany(set => EvalItems(set, set.Formats[format].Definition, format))));
                evals.Add(Evaluate(niv2Model, seed, "testing-time", $"{format} transferred", heldOut.SelectMany(set =>
                    EvalItems(set, chosen[(set.Rule.ToString(), format)] ?? set.Formats[format].Definition, chosen[(set.Rule.ToString(), format)] is null ? format : null))));
            }
            seconds["testing-time eval"] = watch.Elapsed.TotalSeconds;
        }

        // (3) Training time: the training rules spread over the four formats; the non-NIV2 ones unified by the transfer
        // model greedily, or denoised by the judge among sampled candidates (scored on their training instances).
        watch.Restart();
        var assigned = train.Select((set, i) => (Set: set, Format: SpreadFormat(i))).ToArray();
        var toUnify = assigned.Where(a => a.Format != TaskFormat.Niv2).ToArray();
        progress?.Report($"seed {seed}: unifying {toUnify.Length} training tasks, greedy and × {scale.TrainCandidates} candidates");
        var trainingCases = Transfer(transferModel, scorer, toUnify, scale.TrainCandidates, Math.Min(scale.DenoiseInstances, scale.InstancesPerRule),
            compareAggregations: false, seed, 1, cancellationToken);
        seconds["transfer + denoise (training)"] = watch.Elapsed.TotalSeconds;
        var unified = toUnify.Select((a, i) => (a.Set.Rule.ToString(), trainingCases[i])).ToDictionary(p => p.Item1, p => p.Item2);

        IEnumerable<(string Prompt, string Output)> TrainingExamples(Func<TransferOutcome, string?> definition) => assigned.SelectMany(a =>
            a.Format != TaskFormat.Niv2 && definition(unified[a.Set.Rule.ToString()]) is { } d
                ? Examples(a.Set.Formats[TaskFormat.Niv2], d)
                : Examples(a.Set.Formats[a.Format], a.Set.Formats[a.Format].Definition));  // NIV2 as it is, or raw where nothing parsed
        // Held-out rules, spread over the four formats too, as each model was trained: raw, or unified with the denoised transfers.
        IEnumerable<(string Prompt, string Output)> HeldOutItems(bool unify) => heldOut.SelectMany((set, i) =>
        {
            var format = SpreadFormat(i);
            var definition = format == TaskFormat.Niv2 ? set.Formats[format].Definition : unify ? chosen[(set.Rule.ToString(), format)] : null;
            return definition is null ? EvalItems(set, set.Formats[format].Definition, format == TaskFormat.Niv2 ? null : format) : EvalItems(set, definition, null);
        });
        using (var mixed = TrainTaskModel(Mixed, assigned.SelectMany(a => Examples(a.Set.Formats[a.Format], a.Set.Formats[a.Format].Definition)), seed, seconds, losses, cancellationToken))
        {
            evals.Add(Evaluate(mixed, seed, "training-time", "mixed raw formats", HeldOutItems(unify: false)));
        }
        using (var greedy = TrainTaskModel(UnifiedGreedy, TrainingExamples(c => c.GreedyDefinition), seed, seconds, losses, cancellationToken))
        {
            evals.Add(Evaluate(greedy, seed, "training-time", "unified (greedy transfers)", HeldOutItems(unify: true)));
        }
        using (var denoised = TrainTaskModel(UnifiedDenoised, TrainingExamples(c => c.Chosen), seed, seconds, losses, cancellationToken))
        {
            evals.Add(Evaluate(denoised, seed, "training-time", "unified (denoised transfers)", HeldOutItems(unify: true)));
        }
        double Share(Func<TransferOutcome, bool> ok) => (double)(assigned.Length - toUnify.Length + trainingCases.Count(ok)) / assigned.Length;
        losses["share of training tasks unified (greedy parsed)"] = Share(c => c.GreedyDefinition is not null);
        losses["share of training tasks unified with the right rule (greedy)"] = Share(c => c.Result.GreedyCorrect == 1);
        losses["share of training tasks unified with the right rule (denoised)"] = Share(c => c.Result.DenoisedCorrect == 1);

        var scoring = new TransferScoringRecord(Judge, [Niv2Model, Mixed, UnifiedGreedy, UnifiedDenoised],
            [.. heldOut.SelectMany(set => set.Formats[TaskFormat.Niv2].Instances.Take(scale.DenoiseInstances).Select(i => i.Id))],
            [.. heldOut.SelectMany(set => set.Formats[TaskFormat.Niv2].Instances.Skip(scale.DenoiseInstances).Select(i => i.Id))]);
        return new TransferSeedResult(seed, [.. cases.Select(c => c.Result)], evals, seconds, losses, scoring,
            [.. trainingCases.Select(c => c.Result with { Chosen = null })]);  // 1,500 definitions a seed would swamp the record
    }

    /// <summary>The format a training or held-out rule is phrased in for the training-time study: round-robin over the four.</summary>
    private static TaskFormat SpreadFormat(int index) => RewriteFormats.Sources[index % RewriteFormats.Sources.Length];

    /// <summary>A case's outcome, with the greedy definition and the judge's choice (null: nothing parsed).</summary>
    private sealed record TransferOutcome(TransferCaseResult Result, string? GreedyDefinition, string? Chosen);

    /// <summary>
    /// Transfers each (rule, source format): one greedy definition and N sampled ones, all sampled candidates of all
    /// cases generated and scored in bulk (the engine batches them); the judge keeps the parsed candidate whose first
    /// <paramref name="instances"/> reference outputs, under its definition, it finds least perplexing.
    /// </summary>
    private TransferOutcome[] Transfer(GptModel transferModel, LocalEngineBackend scorer, IReadOnlyList<(RewriteTaskSet Set, TaskFormat Format)> items,
        int candidates, int instances, bool compareAggregations, ulong seed, ulong stream, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sources = items.Select(c => TaskText.Source(c.Set.Formats[c.Format], 2)).ToArray();
        var greedy = Definitions(transferModel, sources, 0, seed);
        var sampled = Definitions(transferModel, [.. sources.SelectMany(s => Enumerable.Repeat(s, candidates))], Temperature, seed * 1000 + stream);
        // (case, candidate) of every parsed candidate, and its scoring pairs: the same m instances for every candidate of a case.
        var parsed = Enumerable.Range(0, items.Count).SelectMany(c => Enumerable.Range(0, candidates).Where(k => sampled[c * candidates + k] is not null)
            .Select(k => (Case: c, Definition: sampled[c * candidates + k]!))).ToArray();
        var pairs = parsed.Select(p => ScoringPairs(items[p.Case].Set, p.Definition, instances)).ToArray();
        var token = Scores(scorer, pairs, DenoiseAggregation.TokenWeighted, cancellationToken);
        var uit = compareAggregations ? Scores(scorer, pairs, DenoiseAggregation.UitBatchMeans, cancellationToken) : token;
        var outcomes = new TransferOutcome[items.Count];
        for (var c = 0; c < items.Count; c++)
        {
            var rule = items[c].Set.Rule;
            var mine = Enumerable.Range(0, parsed.Length).Where(j => parsed[j].Case == c).ToArray();
            string? Best(double[] scores) => mine.Length == 0 ? null : parsed[mine.MinBy(j => scores[j])].Definition;  // ties: the earlier candidate
            double Correct(string? d) => d is not null && RewriteFormats.StatesRule(d, rule) ? 1 : 0;
            var all = sampled.Skip(c * candidates).Take(candidates).ToArray();
            var (best, bestUit) = (Best(token), Best(uit));
            outcomes[c] = new TransferOutcome(new TransferCaseResult(seed, rule.ToString(), items[c].Format.ToString(), candidates, mine.Length, Correct(greedy[c]),
                all.Average(Correct), Correct(best), all.Any(d => Correct(d) == 1) ? 1 : 0, best, Correct(bestUit), best == bestUit), greedy[c], best);
        }
        return outcomes;
    }

    /// <summary>A candidate definition's scoring pairs: a rule's first m instances (held-out rules evaluate only the others).</summary>
    private static (string Prompt, string Target)[] ScoringPairs(RewriteTaskSet set, string definition, int instances) =>
        [.. set.Formats[TaskFormat.Niv2].Instances.Take(instances).Select(i => (Niv2Prompt.Render(definition, [], i.Input), i.Outputs[0]))];

    /// <summary>Every candidate's score in one scoring call (token-weighted with EOS, or the original code's batch means without).</summary>
    private static double[] Scores(LocalEngineBackend scorer, (string Prompt, string Target)[][] pairs, DenoiseAggregation aggregation, CancellationToken cancellationToken)
    {
        var flat = pairs.SelectMany(p => p).ToArray();
        var scores = (aggregation == DenoiseAggregation.UitBatchMeans ? scorer.ScoreWithoutEndAsync(flat, cancellationToken) : scorer.ScoreAsync(flat, cancellationToken))
            .GetAwaiter().GetResult().ToArray();
        var result = new double[pairs.Length];
        for (int i = 0, at = 0; i < pairs.Length; at += pairs[i].Length, i++)
        {
            result[i] = CandidateScorer.Aggregate(scores[at..(at + pairs[i].Length)], aggregation);
        }
        return result;
    }

    private ModelConfig Config(int context) => new(ByteTokenizer.VocabSize, scale.Layers, scale.Heads, scale.DModel, context);

    /// <summary>(prompt, output) of a task's instances under a definition: NIV2's prompt without examples.</summary>
    private static IEnumerable<(string Prompt, string Output)> Examples(InstructionTask task, string definition) =>
        task.Instances.Select(i => (Niv2Prompt.Render(definition, [], i.Input), i.Outputs[0]));

    /// <summary>
    /// A held-out rule's evaluation instances (those after the denoising ones): with a source format, the instance as
    /// that format phrases it; without, the raw string under the given definition.
    /// </summary>
    private IEnumerable<(string Prompt, string Output)> EvalItems(RewriteTaskSet set, string definition, TaskFormat? rawFormat)
    {
        var phrased = set.Formats[rawFormat ?? TaskFormat.Niv2];
        return phrased.Instances.Skip(scale.DenoiseInstances).Select(i => (Niv2Prompt.Render(definition, [], i.Input), i.Outputs[0]));
    }

    private GptModel TrainTaskModel(string name, IEnumerable<(string Prompt, string Output)> examples, ulong seed, Dictionary<string, double> seconds,
        Dictionary<string, double> losses, CancellationToken cancellationToken)
    {
        var pairs = examples.Select(e => LocalEngineBackend.Encode(e.Prompt, e.Output, TaskContext)).ToArray();
        progress?.Report($"seed {seed}: {name} on {pairs.Length} examples");
        var model = GptModel.Create(Config(TaskContext), seed + (ulong)name.Length, device);
        var steps = TrainingLoop.StepCount(pairs.Length, 32, scale.TaskEpochs);
        var config = new TrainingConfig(LearningRate: 1e-3f, TotalSteps: steps, WarmupSteps: Math.Min(50, steps / 10), Schedule: LrSchedule.Linear);
        var run = TrainingLoop.Train(model, pairs, config, 32, scale.TaskEpochs, seed, null, cancellationToken);
        (seconds[name], losses[name]) = (run.Seconds, run.FinalLoss);
        return model;
    }

    /// <summary>Definitions the transfer model writes for source texts (null: unparsable); "" sources are skipped.</summary>
    private static string?[] Definitions(GptModel model, IReadOnlyList<string> sources, float temperature, ulong seed)
    {
        var result = new string?[sources.Count];
        var todo = Enumerable.Range(0, sources.Count).Where(i => sources[i].Length > 0).ToArray();
        var prompts = todo.Select(i => LocalEngineBackend.Encode(model.Tokenizer, TransferPrompt.LocalPrompt(sources[i]), "", TransferContext - DefinitionTokens + 1).Prompt).ToArray();
        var outputs = TrainingLoop.GenerateAll(model, prompts, new GenerationOptions(DefinitionTokens, [model.Tokenizer.Eos], temperature, Seed: seed), GenerateBatch);
        for (var k = 0; k < todo.Length; k++)
        {
            var output = outputs[k];
            var finished = output.Length > 0 && output[^1] == model.Tokenizer.Eos;
            try
            {
                result[todo[k]] = CandidateParser.ParseNiv2(model.Tokenizer.Decode(finished ? output[..^1] : output), truncated: !finished).Definition;
            }
            catch (TransferParseException)
            {
                result[todo[k]] = null;
            }
        }
        return result;
    }

    private static TransferEvalResult Evaluate(GptModel model, ulong seed, string setting, string condition, IEnumerable<(string Prompt, string Output)> items)
    {
        var list = items.ToArray();
        var prompts = list.Select(i => LocalEngineBackend.Encode(i.Prompt, "", TaskContext - OutputTokens + 1).Prompt).ToArray();
        var outputs = TrainingLoop.GenerateAll(model, prompts, new GenerationOptions(OutputTokens, [ByteTokenizer.Eos]), GenerateBatch);
        var correct = list.Zip(outputs).Count(p => p.Second.Length > 0 && p.Second[^1] == ByteTokenizer.Eos && ByteTokenizer.Decode(p.Second[..^1]) == p.First.Output);
        return new TransferEvalResult(seed, setting, condition, correct, list.Length);
    }
}
