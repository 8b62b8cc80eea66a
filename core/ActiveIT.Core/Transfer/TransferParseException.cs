namespace ActiveIT.Core.Transfer;

/// <summary>A transfer model's answer that cannot be used as a task, and why (recorded with the candidate).</summary>
public sealed class TransferParseException(string message) : Exception(message);
