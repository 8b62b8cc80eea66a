using System.CommandLine;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit bench …`: benchmarks that print tables (never assertions on time).</summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand() : base("bench", "Measure throughput; prints tables (or JSON lines with --json)")
    {
        Subcommands.Add(new BenchEngineCommand());
        Subcommands.Add(new BenchPoolCommand());
        Subcommands.Add(new BenchScoringCommand());
    }
}
