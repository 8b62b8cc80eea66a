using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit pool …`: the shared task pool.</summary>
internal sealed class PoolCommand : Command
{
    public PoolCommand() : base("pool", "Import, list, show, export, count and remove the tasks of a pool; its versions and their differences; who may write it")
    {
        Subcommands.Add(new PoolImportCommand());
        Subcommands.Add(new PoolGenerateCommand());
        Subcommands.Add(new PoolListCommand());
        Subcommands.Add(new PoolShowCommand());
        Subcommands.Add(new PoolExportCommand());
        Subcommands.Add(new PoolStatsCommand());
        Subcommands.Add(new PoolRemoveCommand());
        Subcommands.Add(new PoolHistoryCommand());
        Subcommands.Add(new PoolDiffCommand());
        Subcommands.Add(new PoolShareCommand());
        Subcommands.Add(new PoolDeleteCommand());
    }
}
