using ActiveIT.Core;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Uncertainty;
using ActiveIT.Engine.Backends;

namespace ActiveIT.Engine.Scoring;

/// <summary>
/// Scores one task (methods.md §1): n seeded instances; k prompts perturbed once per task by word dropout on the
/// definition and the two example inputs (prompt 0 unperturbed); greedy outputs y_i under prompt 0; the likelihood of
/// y_i + EOS under every prompt — all n·(k+1) pairs in one scoring request.
/// </summary>
public sealed class PromptUncertaintyScorer(IModelBackend backend, ScorerConfig config)
{
    public async Task<UncertaintyScores> ScoreAsync(InstructionTask task, CancellationToken cancellationToken = default)
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
        // Tk-Instruct's rule: an example is included only while the prompt stays within the context (less room for
        // the output); what still does not fit is cut by the backend.
        async Task<string> RenderAsync(int j, TaskInstance instance)
        {
            var (definition, shown) = prompts[j];
            var prompt = Niv2Prompt.Render(definition, [], instance.Input);
            if (backend.ContextLength is not { } context)
            {
                return Niv2Prompt.Render(definition, shown, instance.Input);
            }
            for (var count = 1; count <= shown.Length; count++)
            {
                var longer = Niv2Prompt.Render(definition, shown[..count], instance.Input);
                if ((await backend.TokenizeAsync(longer, cancellationToken)).Count > context - config.MaxNewTokens)
                {
                    break;
                }
                prompt = longer;
            }
            return prompt;
        }

        var rendered = new string[instances.Count, prompts.Count];
        for (var i = 0; i < instances.Count; i++)
        {
            for (var j = 0; j < prompts.Count; j++)
            {
                rendered[i, j] = await RenderAsync(j, instances[i]);
            }
        }
        var outputs = await backend.GenerateAsync([.. Enumerable.Range(0, instances.Count).Select(i => rendered[i, 0])], config.MaxNewTokens,
            cancellationToken: cancellationToken);
        var pairs = new List<(string, string)>();
        for (var i = 0; i < instances.Count; i++)
        {
            for (var j = 0; j < prompts.Count; j++)
            {
                pairs.Add((rendered[i, j], outputs[i]));
            }
        }
        var scores = await backend.ScoreAsync(pairs, cancellationToken);
        var sums = new double[instances.Count, prompts.Count];
        var counts = new int[instances.Count, prompts.Count];
        for (var i = 0; i < instances.Count; i++)
        {
            for (var j = 0; j < prompts.Count; j++)
            {
                var s = scores[i * prompts.Count + j];
                (sums[i, j], counts[i, j]) = (s.LogProbSum, s.TokenCount);
            }
        }
        return UncertaintyScores.Compute(sums, counts);
    }
}
