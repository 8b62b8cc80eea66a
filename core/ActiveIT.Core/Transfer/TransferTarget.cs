namespace ActiveIT.Core.Transfer;

/// <summary>
/// The format a task is transferred into (methods.md §2): NIV2's task level (definition + examples with explanations),
/// or, for the reverse study, FLAN's instance-level templates.
/// </summary>
public enum TransferTarget { Niv2, Flan }
