using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>The command tree: one list, for the program and for tests that run the CLI in process.</summary>
internal static class Cli
{
    public static RootCommand Root() => new("ActiveIT: choose, prepare and study instruction-tuning tasks.")
    {
        new DiversityCommand(),
        new DemoCommand(),
        new PretrainCommand(),
        new PoolCommand(),
        new EvalCommand(),
        new ScoreCommand(),
        new MapCommand(),
        new ExperimentCommand(),
        new TransferCommand(),
        new BenchCommand(),
        new ModelCommand(),
        new KeysCommand(),
        new LocalCommand(),
    };
}
