using System.Diagnostics;
using ActiveIT.Core;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;

namespace ActiveIT.Client.Transfer;

/// <summary>Sizes of the format-transfer experiment; every result records the one it ran at.</summary>
internal sealed record TransferScale(
    string Name,
    int TaskRules,
    int InstancesPerRule,
    int TransferRules,
    int DrawsPerRule,
    int HeldOutRules,
    int HeldOutInstances,
    int ScorerRules,
    int DenoiseInstances,
    int Candidates,
    int TaskEpochs,
    int TransferEpochs,
    int Layers,
    int Heads,
    int DModel)
{
    public static TransferScale Preset(string name) => name switch
    {
        "tiny" => new("tiny", 24, 2, 8, 1, 4, 6, 12, 2, 3, 1, 1, 2, 2, 64),
        "demo" => new("demo", 2000, 5, 400, 1, 16, 12, 1000, 4, 8, 5, 6, 4, 4, 128),
        "small" => new("small", 4000, 5, 800, 1, 32, 12, 2000, 4, 16, 6, 8, 4, 4, 128),
        _ => throw new ArgumentException($"unknown scale '{name}' (tiny, demo, small)"),
    };
}

/// <summary>One (held-out rule, source format) of the transfer study.</summary>
internal sealed record TransferCaseResult(ulong Seed, string Rule, string Format, int Candidates, int Parsed, double GreedyCorrect, double RandomCorrect,
    double DenoisedCorrect, double OracleCorrect, string? Chosen);

/// <summary>Exact match of one model under one prompt condition on the held-out rules' evaluation instances.</summary>
internal sealed record TransferEvalResult(ulong Seed, string Setting, string Condition, int Correct, int Total)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}

internal sealed record TransferSeedResult(ulong Seed, IReadOnlyList<TransferCaseResult> Cases, IReadOnlyList<TransferEvalResult> Evals,
    IReadOnlyDictionary<string, double> Seconds, IReadOnlyDictionary<string, double> FinalLoss, TransferScoringRecord Scoring);

/// <summary>
/// The format-consistency study of methods.md §2 on string-rewrite tasks, where the right transfer is known.
/// Per seed: rules split into training rules and held-out rules; tasks rendered in four formats (NIV2, PromptSource,
/// FLAN, CrossFit). (1) A local transfer model learns PromptSource/FLAN/CrossFit → NIV2 definition on a subset of the
/// training rules and is sampled on the held-out rules: transfer accuracy (does the definition state the rule's
/// pattern and replacement?) of the greedy answer, of a random candidate, of the least perplexing one (denoising), and
/// of the best candidate (oracle). The denoising judge is a model of its own, trained apart on rules no other model
/// sees and never evaluated (the paper's judge is a pretrained GPT-J that never sees the downstream evaluation); it
/// scores held-out tasks on instances that are never evaluated.
/// (2) Testing time: the NIV2-trained task model on held-out rules phrased raw in each format vs transferred.
/// (3) Training time: a model trained on the training rules in mixed raw formats vs one trained on them unified
/// (transferred greedily), each tested on held-out rules the same way it was trained.
/// Prompts are NIV2's (definition + instance input, no examples: the byte models' context is small); instance-level
/// formats' inputs embed the instruction, and a transferred task is evaluated on the raw string.
/// </summary>
internal sealed class TransferExperiment(TransferScale scale, string device, IProgress<string>? progress = null)
{
    private static readonly TaskFormat[] NonNiv2 = [TaskFormat.PromptSource, TaskFormat.Flan, TaskFormat.CrossFit];
    private const string Judge = "judge";
    private const int TaskContext = 192, TransferContext = 384, DefinitionTokens = 96, OutputTokens = 24, GenerateBatch = 64;

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

        // The NIV2-format task model: the testing-time model.
        using var niv2Model = TrainTaskModel("niv2 task model", train.SelectMany(set => Examples(set.Formats[TaskFormat.Niv2], set.Formats[TaskFormat.Niv2].Definition)),
            seed, seconds, losses, cancellationToken);

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

        // (1) Transfer of held-out tasks, N sampled candidates each, denoised by the task model's perplexity.
        watch.Restart();
        progress?.Report($"seed {seed}: transferring {heldOut.Count * NonNiv2.Length} held-out tasks × {scale.Candidates} candidates");
        var scorer = new LocalEngineBackend(judge, "judge", "experiment");
        var cases = new List<TransferCaseResult>();
        var chosen = new Dictionary<(string Rule, TaskFormat Format), string?>();
        foreach (var set in heldOut)
        {
            foreach (var format in NonNiv2)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var source = TaskText.Source(set.Formats[format], 2);
                var greedy = Definitions(transferModel, [source], 0, seed)[0];
                var candidates = Definitions(transferModel, Enumerable.Repeat(source, scale.Candidates).ToArray(), 0.8f, seed * 1000 + (ulong)cases.Count);
                var parsed = candidates.Where(d => d is not null).Cast<string>().ToArray();
                string? best = null;
                if (parsed.Length > 0)
                {
                    var scores = parsed.Select(d => DenoiseScore(scorer, set, d)).ToArray();
                    best = parsed[Array.IndexOf(scores, scores.Min())];
                }
                double Correct(string? d) => d is not null && RewriteFormats.StatesRule(d, set.Rule) ? 1 : 0;
                cases.Add(new TransferCaseResult(seed, set.Rule.ToString(), format.ToString(), candidates.Length, parsed.Length, Correct(greedy),
                    candidates.Average(Correct), Correct(best), candidates.Any(d => Correct(d) == 1) ? 1 : 0, best));
                chosen[(set.Rule.ToString(), format)] = best;
            }
        }
        seconds["transfer + denoise"] = watch.Elapsed.TotalSeconds;

        // (2) Testing time: the NIV2 model on held-out rules, raw in each format vs transferred (denoised), and NIV2 itself.
        var evals = new List<TransferEvalResult>();
        watch.Restart();
        evals.Add(Evaluate(niv2Model, seed, "testing-time", "niv2 (reference definition)", heldOut.SelectMany(set => EvalItems(set, set.Formats[TaskFormat.Niv2].Definition, null))));
        foreach (var format in NonNiv2)
        {
            evals.Add(Evaluate(niv2Model, seed, "testing-time", $"{format} raw", heldOut.SelectMany(set => EvalItems(set, set.Formats[format].Definition, format))));
            evals.Add(Evaluate(niv2Model, seed, "testing-time", $"{format} transferred", heldOut.SelectMany(set =>
                EvalItems(set, chosen[(set.Rule.ToString(), format)] ?? set.Formats[format].Definition, chosen[(set.Rule.ToString(), format)] is null ? format : null))));
        }
        seconds["testing-time eval"] = watch.Elapsed.TotalSeconds;

        // (3) Training time: the training rules spread over the four formats, raw vs unified by the transfer model.
        var assigned = train.Select((set, i) => (Set: set, Format: RewriteFormats.Sources[i % RewriteFormats.Sources.Length])).ToArray();
        var unifiedDefinitions = Definitions(transferModel, [.. assigned.Select(a => a.Format == TaskFormat.Niv2 ? "" : TaskText.Source(a.Set.Formats[a.Format], 2))], 0, seed);
        var unifiedOk = assigned.Select((a, i) => a.Format == TaskFormat.Niv2 || unifiedDefinitions[i] is not null).Count(ok => ok);
        using (var mixed = TrainTaskModel("mixed raw", assigned.SelectMany(a => Examples(a.Set.Formats[a.Format], a.Set.Formats[a.Format].Definition)), seed, seconds, losses, cancellationToken))
        {
            evals.Add(Evaluate(mixed, seed, "training-time", "mixed raw formats", heldOut.SelectMany((set, i) =>
            {
                var format = RewriteFormats.Sources[i % RewriteFormats.Sources.Length];
                return EvalItems(set, set.Formats[format].Definition, format == TaskFormat.Niv2 ? null : format);
            })));
        }
        using (var unified = TrainTaskModel("unified", assigned.SelectMany((a, i) => a.Format == TaskFormat.Niv2 || unifiedDefinitions[i] is null
                   ? Examples(a.Set.Formats[a.Format], a.Set.Formats[a.Format].Definition)
                   : Examples(a.Set.Formats[TaskFormat.Niv2], unifiedDefinitions[i]!)), seed, seconds, losses, cancellationToken))
        {
            evals.Add(Evaluate(unified, seed, "training-time", "unified (transferred)", heldOut.SelectMany((set, i) =>
            {
                var format = RewriteFormats.Sources[i % RewriteFormats.Sources.Length];
                var definition = format == TaskFormat.Niv2 ? set.Formats[format].Definition : chosen[(set.Rule.ToString(), format)];
                return definition is null ? EvalItems(set, set.Formats[format].Definition, format) : EvalItems(set, definition, null);
            })));
        }
        var unifiedRight = assigned.Select((a, i) => a.Format == TaskFormat.Niv2 || (unifiedDefinitions[i] is { } d && RewriteFormats.StatesRule(d, a.Set.Rule))).Count(ok => ok);
        losses["share of training tasks unified (parsed)"] = (double)unifiedOk / assigned.Length;
        losses["share of training tasks unified with the right rule"] = (double)unifiedRight / assigned.Length;
        var scoring = new TransferScoringRecord(Judge, ["niv2 task model", "mixed raw", "unified"],
            [.. heldOut.SelectMany(set => set.Formats[TaskFormat.Niv2].Instances.Take(scale.DenoiseInstances).Select(i => i.Id))],
            [.. heldOut.SelectMany(set => set.Formats[TaskFormat.Niv2].Instances.Skip(scale.DenoiseInstances).Select(i => i.Id))]);
        return new TransferSeedResult(seed, cases, evals, seconds, losses, scoring);
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

    private double DenoiseScore(IModelBackend scorer, RewriteTaskSet set, string definition)
    {
        var pairs = set.Formats[TaskFormat.Niv2].Instances.Take(scale.DenoiseInstances).Select(i => (Niv2Prompt.Render(definition, [], i.Input), i.Outputs[0])).ToArray();
        var scores = scorer.ScoreAsync(pairs).GetAwaiter().GetResult();
        return -scores.Sum(s => s.LogProbSum) / scores.Sum(s => s.TokenCount);
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
