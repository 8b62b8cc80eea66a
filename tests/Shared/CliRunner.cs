using System.CommandLine;
using System.Diagnostics;
using ActiveIT.Client.Commands;

namespace ActiveIT.Testing;

/// <summary>
/// Runs the real command tree in-process, capturing stdout and stderr. Runs are serialised; <paramref name="environment"/>
/// variables hold for one run only (restored after it), so a test that needs, say, a wrong API key cannot leak it into
/// another test class's run. The engine's default precision is process-wide and `--precision` sets it, so it is
/// restored too: a `--precision bf16` run must not turn another test's in-process model loads into bf16 ones (a LoRA
/// merge test once compared bf16 logits that way, one rounding step apart, with a float32 tolerance).
/// </summary>
internal static class CliRunner
{
    private static readonly Lock ConsoleGate = new();

    public static (int ExitCode, string Stdout, string Stderr) Run(string commandLine, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var root = Cli.Root();
        lock (ConsoleGate)
        {
            var saved = (environment ?? new Dictionary<string, string?>()).Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
            foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            {
                Environment.SetEnvironmentVariable(name, value);
            }
            var (oldOut, oldErr, precision) = (Console.Out, Console.Error, ActiveIT.Engine.EngineRuntime.DefaultPrecision);
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
                ActiveIT.Engine.EngineRuntime.DefaultPrecision = precision;
                foreach (var (name, value) in saved)
                {
                    Environment.SetEnvironmentVariable(name, value);
                }
            }
        }
    }

    /// <summary>The CLI as its own process (activeit.dll from the build output), so it can run beside others or be killed outright.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "activeit.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }
        var child = Process.Start(info)!;
        child.OutputDataReceived += (_, _) => { };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    public static Process Start(params string[] args) => Start(null, args);
}
