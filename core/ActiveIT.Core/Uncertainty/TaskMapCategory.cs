namespace ActiveIT.Core.Uncertainty;

/// <summary>Task-map regions (methods.md §1): ambiguous = high PU; easy = low PU, high PP; difficult = low PU, low PP.</summary>
public enum TaskMapCategory { Ambiguous, Easy, Difficult }
