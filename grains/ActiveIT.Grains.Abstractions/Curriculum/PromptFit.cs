using ActiveIT.Core.Tasks;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// How a step's prompts fitted the model's context: of <see cref="Prompts"/> built, how many hold fewer than the first
/// two positive examples their task has (Active-IT's 1,024-token source nearly always holds both), and how many had
/// even the bare prompt cut to its head. Measured per run, beside the configured deviation it explains.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.PromptFit")]
public sealed record PromptFit(int Prompts, int FewerExamples, int Cut)
{
    public static readonly PromptFit None = new(0, 0, 0);

    /// <param name="available">Examples the prompt would hold with room to spare: min(2, the task's positive examples).</param>
    public PromptFit Add(FittedPrompt prompt, int available) =>
        new(Prompts + 1, FewerExamples + (prompt.Examples < available ? 1 : 0), Cut + (prompt.Cut ? 1 : 0));
}
