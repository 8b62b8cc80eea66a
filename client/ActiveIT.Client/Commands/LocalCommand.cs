using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using ActiveIT.Client.Local;
using ActiveIT.Client.Output;

namespace ActiveIT.Client.Commands;

/// <summary>
/// `activeit local`: the data directory's local silo, which every command without --silo starts when it needs it
/// (`status`, `stop`; `serve` is how the CLI starts it).
/// </summary>
internal sealed class LocalCommand : Command
{
    public LocalCommand() : base("local", "The local silo that serves a data directory to every command without --silo (started on first use, stopped when idle)")
    {
        Subcommands.Add(Serve());
        Subcommands.Add(Status());
        Subcommands.Add(Stop());
    }

    private static Option<string?> DataDirOption() => new("--data-dir") { Description = "The data directory (default: $ACTIVEIT_DATA or ~/.activeit)" };

    private static Command Serve()
    {
        var dataDir = DataDirOption();
        var command = new Command("serve", "Serve the data directory in this process (what the CLI starts in the background)") { Hidden = true };
        command.Options.Add(dataDir);
        command.SetAction((parse, ct) => LocalSiloHost.RunAsync(LocalCluster.DataDir(parse.GetValue(dataDir)), ct));
        return command;
    }

    private static Command Status()
    {
        var (dataDir, json) = (DataDirOption(), new Option<bool>("--json") { Description = "Machine-readable output" });
        var command = new Command("status", "Whether a local silo serves the data directory, and since when");
        command.Options.Add(dataDir);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var dir = LocalCluster.DataDir(parse.GetValue(dataDir));
            var silo = LocalSiloFile.Read(dir);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { DataDir = dir, Running = silo is not null, Silo = silo }, Json.Options));
            }
            else
            {
                Console.WriteLine(silo is null
                    ? $"no local silo serves {dir}"
                    : $"local silo for {dir}: process {silo.Pid}, gateway port {silo.GatewayPort}, version {silo.Version}, since {silo.StartedAt:u}; log {LocalSiloHost.LogPath(dir)}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Stop()
    {
        var dataDir = DataDirOption();
        var command = new Command("stop", "Stop the data directory's local silo now (a command still connected to it fails; experiments it runs pause)");
        command.Options.Add(dataDir);
        command.SetAction(async (parse, ct) =>
        {
            var dir = LocalCluster.DataDir(parse.GetValue(dataDir));
            if (LocalSiloFile.Read(dir) is not { } silo)
            {
                Console.Error.WriteLine($"no local silo serves {dir}");
                return ExitCodes.Success;
            }
            File.Delete(LocalSiloFile.PathIn(dir));  // the silo's signal to stop
            try
            {
                using var process = Process.GetProcessById(silo.Pid);
                await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
            }
            catch (ArgumentException)
            {
                // already gone
            }
            Console.Error.WriteLine($"local silo for {dir} (process {silo.Pid}) stopped");
            return ExitCodes.Success;
        });
        return command;
    }
}
