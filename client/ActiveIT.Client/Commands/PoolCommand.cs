using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool …`: the shared task pool.</summary>
internal sealed class PoolCommand : Command
{
    public PoolCommand() : base("pool", "Import, list, show, export and count the tasks of a pool")
    {
        Subcommands.Add(new PoolImportCommand());
        Subcommands.Add(new PoolGenerateCommand());
        Subcommands.Add(new PoolListCommand());
        Subcommands.Add(new PoolShowCommand());
        Subcommands.Add(new PoolExportCommand());
        Subcommands.Add(new PoolStatsCommand());
    }
}
