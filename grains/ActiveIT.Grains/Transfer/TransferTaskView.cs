namespace ActiveIT.Grains.Transfer;

/// <summary>A task's transfer as `transfer show` and GET /v1/transfers/{out}/tasks/{task} give it: the run's outcome and the grain's candidates.</summary>
public sealed record TransferTaskView(string TaskId, string Target, string ConfigKey, string ChoiceKey, TransferTaskOutcome? Outcome, FormatTransfer State);
