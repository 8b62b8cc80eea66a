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
}
