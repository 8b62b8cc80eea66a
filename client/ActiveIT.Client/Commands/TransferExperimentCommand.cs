using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit transfer experiment`: placeholder replaced below.</summary>
internal sealed class TransferExperimentCommand : Command
{
    public TransferExperimentCommand() : base("experiment", "x")
    {
    }
}
