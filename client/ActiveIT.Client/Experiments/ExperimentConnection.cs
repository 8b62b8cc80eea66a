using System.CommandLine;
using ActiveIT.Client.Pools;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Hosting;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// Where experiment commands run: embedded (grains over SQLite in the data directory; `start` runs the experiment in
/// this process) or, with --silo, against a silo whose worker runs it. Both give the same <see cref="IExperimentService"/>.
/// </summary>
internal sealed class ExperimentConnection
{
    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Embedded mode: where the pool database and experiment checkpoints live (default: $ACTIVEIT_DATA or ~/.activeit)",
    };

    public Option<string?> Silo { get; } = new("--silo")
    {
        Description = "Run against this silo (URL; default $ACTIVEIT_SILO) instead of embedded; the API key comes from $ACTIVEIT_API_KEY",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output" };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Silo);
        command.Options.Add(Json);
    }

    public bool IsEmbedded(ParseResult parse) => SiloHttp.Url(parse.GetValue(Silo)) is null;

    /// <summary>Where embedded experiments keep their checkpoints.</summary>
    public string ExperimentsDir(ParseResult parse) => Path.Combine(EmbeddedHost.DataDir(parse.GetValue(DataDir)), "experiments");

    /// <summary>Opens the service (and, embedded, the silo), runs the body, and turns bad input and conflicts into a message and exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IExperimentService, EmbeddedSilo?, Task<int>> body)
    {
        var command = $"activeit experiment {parse.CommandResult.Command.Name}";
        try
        {
            if (SiloHttp.Url(parse.GetValue(Silo)) is { } url)
            {
                using var http = SiloHttp.CreateClient(url);
                return await body(new RemoteExperimentService(http), null);
            }
            await using var silo = await EmbeddedHost.StartAsync(parse.GetValue(DataDir));
            return await body(new ExperimentService(silo.Grains, ExperimentsDir(parse)), silo);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"{command}: {e.Message}");
            return e is ArgumentException or KeyNotFoundException ? ExitCodes.InvalidInput : ExitCodes.Failure;
        }
    }
}
