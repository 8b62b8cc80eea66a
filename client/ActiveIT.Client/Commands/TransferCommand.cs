using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit transfer …`: unified instruction tuning — tasks rewritten into one format (methods.md §2).</summary>
internal sealed class TransferCommand : Command
{
    public TransferCommand() : base("transfer", "Transfer tasks into one format (NIV2, or FLAN templates) through an LLM or a local model, denoised by perplexity")
    {
        Subcommands.Add(new TransferRunCommand());
        Subcommands.Add(new TransferReadCommand("status", "A transfer run's state: tasks transferred or failed, spend, config"));
        Subcommands.Add(new TransferReadCommand("show", "One task's candidates with their scores, and which one won"));
        Subcommands.Add(new TransferReadCommand("export", "Every task's candidates, scores and choice as JSON lines"));
        Subcommands.Add(new TransferTrainCommand());
        Subcommands.Add(new TransferExperimentCommand());
    }
}
