using System.CommandLine;
using ActiveIT.Client.Local;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Pools;

/// <summary>
/// Where pool commands run: the data directory's local silo (the default; <see cref="LocalCluster"/>) or, with --silo,
/// a silo over HTTP. Both give the same <see cref="IPoolService"/>.
/// </summary>
internal sealed class PoolConnection
{
    public Option<string> Pool { get; } = new("--pool") { Description = "Pool name", DefaultValueFactory = _ => "default" };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Without --silo: the data directory its local silo serves (default: $ACTIVEIT_DATA or ~/.activeit)",
    };

    public Option<string?> Silo { get; } = new("--silo")
    {
        Description = "Run against this silo (URL; default $ACTIVEIT_SILO) instead of the local one; the API key comes from $ACTIVEIT_API_KEY",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output" };

    /// <summary>Added by the commands that read (list, show, stats, export): which version of the pool they read.</summary>
    public Option<long?> Version { get; } = new("--version") { Description = "Read this version of the pool (default: the latest; `pool history` lists them)" };

    public void AddVersionTo(Command command) => command.Options.Add(Version);

    public void AddTo(Command command)
    {
        command.Options.Add(Pool);
        command.Options.Add(DataDir);
        command.Options.Add(Silo);
        command.Options.Add(Json);
    }

    /// <summary>Opens the session, runs the command body, and turns bad input and silo errors into a message and exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<ActiveIT.Grains.Pools.IPoolService, Task<int>> body)
    {
        try
        {
            await using var session = await OpenAsync(parse);
            return await body(session.Service);
        }
        catch (Exception e) when (e is ArgumentException or HttpRequestException or IOException or ExportCutException)
        {
            Console.Error.WriteLine($"activeit {parse.CommandResult.Command.Parents.OfType<Command>().FirstOrDefault()?.Name} {parse.CommandResult.Command.Name}: {e.Message}");
            return e is ArgumentException ? ExitCodes.InvalidInput : ExitCodes.Failure;
        }
    }

    public async Task<PoolSession> OpenAsync(ParseResult parse)
    {
        var silo = SiloHttp.Url(parse.GetValue(Silo));
        if (silo is null)
        {
            var local = await ConnectAsync(parse);
            return new PoolSession(new PoolService(local.Grains), local);
        }
        var http = SiloHttp.CreateClient(silo);
        return new PoolSession(new RemotePoolService(http), http);
    }

    /// <summary>The local silo's grains, for work this process does on them (scoring, transfers).</summary>
    public Task<LocalCluster> ConnectAsync(ParseResult parse) => LocalCluster.ConnectAsync(parse.GetValue(DataDir));
}
