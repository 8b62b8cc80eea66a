namespace ActiveIT.Core.Curriculum;

/// <summary>How a round picks its tasks from the not-yet-selected pool (methods.md §1).</summary>
public enum SelectionStrategy
{
    Random,
    PromptUncertainty,
    HighPerplexity,
    LowPerplexity,
    Ambiguous,
    Easy,
    Difficult,
    FullyTrained,

    /// <summary>Highest instruction-following difficulty first (Cherry-LLM's IFD, per task: <see cref="Uncertainty.LabelScores"/>);
    /// tasks whose IFD is 1 or more (the instruction does not help predict the labels) go last, as Cherry-LLM drops them.</summary>
    Ifd,

    /// <summary>Longest reference outputs first (mean over the task's training instances): the "longest responses" baseline.</summary>
    LongestResponse,

    /// <summary>In the manner of LESS: tasks whose loss gradient under the current model (randomly projected) points most
    /// nearly the way the dev tasks' mean gradient direction points, highest cosine first.</summary>
    GradientSimilarity,

    /// <summary>In the manner of RDS+: tasks whose mean-pooled last-layer hidden states lie nearest (cosine) the dev tasks' mean direction.</summary>
    HiddenSimilarity,

    /// <summary>Prompt uncertainty made diverse: of the 2 × count most uncertain tasks, a farthest-first traversal of their
    /// hidden-state features (greedy k-center) from the most uncertain one, so a round covers the shortlist's regions
    /// instead of piling into one kind of task; then the rest by prompt uncertainty.</summary>
    DiverseUncertainty,
}
