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
}
