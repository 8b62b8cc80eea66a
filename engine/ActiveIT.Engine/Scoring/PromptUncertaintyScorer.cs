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
        string Render(int j, TaskInstance instance) => Niv2Prompt.Render(prompts[j].Definition, prompts[j].Examples, instance.Input);

        var outputs = await backend.GenerateAsync([.. instances.Select(i => Render(0, i))], config.MaxNewTokens, cancellationToken: cancellationToken);
        var pairs = new List<(string, string)>();
        for (var i = 0; i < instances.Count; i++)
        {
            for (var j = 0; j < prompts.Count; j++)
            {
                pairs.Add((Render(j, instances[i]), outputs[i]));
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
