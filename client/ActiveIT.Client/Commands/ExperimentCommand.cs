using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit experiment …`: active instruction-tuning experiments (methods.md §1), on the local silo or a silo.</summary>
internal sealed class ExperimentCommand : Command
{
    public ExperimentCommand() : base("experiment", "Create, run, follow and compare active instruction-tuning experiments")
    {
        Subcommands.Add(new ExperimentCreateCommand());
        Subcommands.Add(new ExperimentStartCommand());
        Subcommands.Add(new ExperimentStatusCommand());
        Subcommands.Add(new ExperimentWatchCommand());
        Subcommands.Add(new ExperimentResultsCommand());
        Subcommands.Add(new ExperimentCompareCommand());
        Subcommands.Add(new ExperimentPlanCommand());
        Subcommands.Add(new ExperimentCancelCommand());
        Subcommands.Add(new ExperimentDeleteCommand());
    }
}
