using System.CommandLine;
using ActiveIT.Client.Pools;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Client.Local;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// Where experiment commands run: on the data directory's local silo (<see cref="LocalCluster"/>; `start` runs the
/// experiment in this process) or, with --silo, against a silo whose worker runs it. Both give the same <see cref="IExperimentService"/>.
/// </summary>
internal sealed class ExperimentConnection
{
    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Without --silo: the data directory (pools, experiments and their checkpoints; default: $ACTIVEIT_DATA or ~/.activeit)",
    };

    public Option<string?> Silo { get; } = new("--silo")
    {
        Description = "Run against this silo (URL; default $ACTIVEIT_SILO) instead of the local one; the API key comes from $ACTIVEIT_API_KEY",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output" };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Silo);
        command.Options.Add(Json);
    }

    public bool IsEmbedded(ParseResult parse) => SiloHttp.Url(parse.GetValue(Silo)) is null;

    /// <summary>Where local experiments keep their checkpoints.</summary>
    public string ExperimentsDir(ParseResult parse) => Path.Combine(LocalCluster.DataDir(parse.GetValue(DataDir)), "experiments");

    /// <summary>Opens the service (and, locally, the connection to the local silo), runs the body, and turns bad input and conflicts into a message and exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IExperimentService, LocalCluster?, Task<int>> body)
    {
        var command = $"activeit experiment {parse.CommandResult.Command.Name}";
        try
        {
            if (SiloHttp.Url(parse.GetValue(Silo)) is { } url)
            {
                using var http = SiloHttp.CreateClient(url);
                return await body(new RemoteExperimentService(http), null);
            }
            await using var local = await LocalCluster.ConnectAsync(parse.GetValue(DataDir));
            return await body(new ExperimentService(local.Grains, ExperimentsDir(parse)), local);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"{command}: {e.Message}");
            return e is ArgumentException or KeyNotFoundException ? ExitCodes.InvalidInput : ExitCodes.Failure;
        }
    }
}
