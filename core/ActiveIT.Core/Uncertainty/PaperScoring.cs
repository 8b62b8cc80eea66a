using System.Globalization;

namespace ActiveIT.Core.Uncertainty;

/// <summary>The original's prompt-uncertainty settings (methods.md §1) and how a scorer's settings differ from them.</summary>
public static class PaperScoring
{
    public const int Instances = 10;
    public const int Perturbations = 10;
    public const double DropProbability = 0.2;

    /// <summary>The original caps the greedy reference outputs at 128 tokens.</summary>
    public const int MaxNewTokens = 128;

    /// <summary>The settings that differ, each named <paramref name="prefix"/> + its config name.</summary>
    public static IReadOnlyList<ScaleDeviation> Deviations(int instances, int perturbations, double dropProbability, int maxNewTokens, string prefix = "")
    {
        var deviations = new List<ScaleDeviation>();
        void Differ(string field, double ours, double paper, string why)
        {
            if (ours != paper)
            {
                deviations.Add(new(prefix + field, ScaleDeviation.Format(ours), ScaleDeviation.Format(paper), why));
            }
        }
        Differ("instances", instances, Instances, "instances per task: a noisier estimate");
        Differ("perturbations", perturbations, Perturbations, "perturbed prompts: a noisier estimate");
        Differ("drop_probability", dropProbability, DropProbability, "another word-drop probability");
        if (maxNewTokens < MaxNewTokens)
        {
            deviations.Add(new(prefix + "max_new_tokens", maxNewTokens.ToString(CultureInfo.InvariantCulture), MaxNewTokens.ToString(CultureInfo.InvariantCulture),
                "reference outputs capped shorter: long answers are cut"));
        }
        return deviations;
    }
}
