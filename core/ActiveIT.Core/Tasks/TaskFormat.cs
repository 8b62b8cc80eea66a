namespace ActiveIT.Core.Tasks;

/// <summary>The format a task was written in (methods.md §2): task level (NIV2), instance level (PromptSource, FLAN), keyword level (CrossFit).</summary>
public enum TaskFormat { Niv2, SelfInstruct, Alpaca, PromptSource, Flan, CrossFit, StringRewrite }
