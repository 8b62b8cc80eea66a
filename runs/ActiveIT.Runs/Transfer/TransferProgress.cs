using ActiveIT.Core.Transfer;

namespace ActiveIT.Runs.Transfer;

/// <summary>Progress of a run: tasks handled, and what it has spent in all its sessions.</summary>
public readonly record struct TransferProgress(int Done, int Total, TransferSpend Spend);
