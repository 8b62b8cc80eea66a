using ActiveIT.Core;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Uncertainty;
using ActiveIT.Engine.Backends;

namespace ActiveIT.Engine.Scoring;

/// <summary>
/// Scores tasks (methods.md §1): per task, n seeded instances; k prompts perturbed once per task by word dropout on the
/// definition and the two example inputs (prompt 0 unperturbed); greedy outputs y_i under prompt 0; the likelihood of
/// y_i + EOS under every prompt. Several tasks share one generation request and one scoring request, so the engine's
/// per-step cost of greedy decoding is paid once for all of them (docs/scoring.md). A task's draws depend only on
/// its id and the seed, never on the tasks it is batched with.
/// </summary>
public sealed class PromptUncertaintyScorer(IModelBackend backend, ScorerConfig config)
{
    public async Task<UncertaintyScores> ScoreAsync(InstructionTask task, CancellationToken cancellationToken = default) =>
        (await ScoreManyAsync([task], cancellationToken))[0];

    /// <summary>Scores <paramref name="tasks"/> with one generation and one scoring request (split by the backend's memory budget).</summary>
    public async Task<IReadOnlyList<UncertaintyScores>> ScoreManyAsync(IReadOnlyList<InstructionTask> tasks, CancellationToken cancellationToken = default)
    {
        var plans = new List<string[,]>(tasks.Count);
        var labels = new List<string?[]>(tasks.Count);
        foreach (var task in tasks)
        {
            var (rendered, references) = await RenderAsync(task, cancellationToken);
            plans.Add(rendered);
            labels.Add(references);
        }
        var outputs = await backend.GenerateAsync([.. plans.SelectMany(r => Enumerable.Range(0, r.GetLength(0)).Select(i => r[i, 0]))], config.MaxNewTokens,
            cancellationToken: cancellationToken);
        var pairs = new List<(string, string)>();
        var output = 0;
        foreach (var rendered in plans)
        {
            for (var i = 0; i < rendered.GetLength(0); i++, output++)
            {
                for (var j = 0; j < rendered.GetLength(1); j++)
                {
                    pairs.Add((rendered[i, j], outputs[output]));
                }
            }
        }
        // Each labelled instance's reference after the unperturbed prompt, then after nothing (BOS only): label loss and IFD.
        for (var t = 0; t < plans.Count; t++)
        {
            for (var i = 0; i < labels[t].Length; i++)
            {
                if (labels[t][i] is { } label)
                {
                    pairs.Add((plans[t][i, 0], label));
                    pairs.Add(("", label));
                }
            }
        }
        var scores = await backend.ScoreAsync(pairs, cancellationToken);
        var results = new List<UncertaintyScores>(tasks.Count);
        var at = 0;
        foreach (var rendered in plans)
        {
            var (n, k) = (rendered.GetLength(0), rendered.GetLength(1));
            var sums = new double[n, k];
            var counts = new int[n, k];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < k; j++, at++)
                {
                    (sums[i, j], counts[i, j]) = (scores[at].LogProbSum, scores[at].TokenCount);
                }
            }
            results.Add(UncertaintyScores.Compute(sums, counts));
        }
        for (var t = 0; t < plans.Count; t++)
        {
            var labelled = labels[t].Count(l => l is not null);
            if (labelled == 0)
            {
                continue;
            }
            var withPrompt = new (double, int)[labelled];
            var alone = new (double, int)[labelled];
            for (var i = 0; i < labelled; i++, at += 2)
            {
                withPrompt[i] = (scores[at].LogProbSum, scores[at].TokenCount);
                alone[i] = (scores[at + 1].LogProbSum, scores[at + 1].TokenCount);
            }
            results[t] = results[t] with { Labels = LabelScores.Compute(withPrompt, alone) };
        }
        return results;
    }

    /// <summary>The task's prompts: [instance, prompt], prompt 0 unperturbed; and each instance's reference label (its first output, if any).</summary>
    private async Task<(string[,] Prompts, string?[] Labels)> RenderAsync(InstructionTask task, CancellationToken cancellationToken)
    {
        if (task.Instances.Count == 0)
        {
            throw new ArgumentException($"task '{task.Id}' has no instances to score");
        }
        var random = SeededRandom.For(config.Seed, $"pu/{task.Id}");
        var instances = task.Instances.ToList();
        random.Shuffle(instances);
        instances = instances.Take(config.Instances).ToList();

        var examples = task.PositiveExamples.Take(2).ToArray();
        var prompts = new List<(string Definition, TaskExample[] Examples)> { (task.Definition, examples) };
        for (var j = 0; j < config.Perturbations; j++)
        {
            prompts.Add((WordDropout.Apply(task.Definition, config.DropProbability, random),
                [.. examples.Select(e => e with { Input = WordDropout.Apply(e.Input, config.DropProbability, random) })]));
        }
        // One builder for generation and scoring: y_i is scored after exactly the prompt tokens it was generated from.
        async Task<string> RenderOneAsync(int j, TaskInstance instance)
        {
            var (definition, shown) = prompts[j];
            var fitted = await Niv2PromptBuilder.BuildAsync(definition, shown, instance.Input, backend.ContextLength, config.AnswerTokens,
                async (text, ct) => (await backend.TokenizeAsync(text, ct)).Count, cancellationToken);
            return fitted.Text;
        }

        var rendered = new string[instances.Count, prompts.Count];
        for (var i = 0; i < instances.Count; i++)
        {
            for (var j = 0; j < prompts.Count; j++)
            {
                rendered[i, j] = await RenderOneAsync(j, instances[i]);
            }
        }
        return (rendered, [.. instances.Select(x => x.Outputs.Count > 0 ? x.Outputs[0] : null)]);
    }
}
