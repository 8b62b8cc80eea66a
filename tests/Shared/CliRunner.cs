using System.CommandLine;
using ActiveIT.Client.Commands;

namespace ActiveIT.Testing;

/// <summary>Runs the real command tree in-process, capturing stdout and stderr.</summary>
internal static class CliRunner
{
    private static readonly Lock ConsoleGate = new();

    public static (int ExitCode, string Stdout, string Stderr) Run(string commandLine)
    {
        var root = new RootCommand { new DiversityCommand(), new DemoCommand(), new PoolCommand(), new EvalCommand(), new ScoreCommand(), new MapCommand(), new BenchCommand(), new ExperimentCommand(), new TransferCommand() };
        lock (ConsoleGate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                var code = root.Parse(commandLine).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }).GetAwaiter().GetResult();
                return (code, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
