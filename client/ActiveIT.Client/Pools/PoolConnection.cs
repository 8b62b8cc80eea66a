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

    /// <summary>Added by the commands that change a pool (import, remove): apply only while the pool is at this version.</summary>
    public Option<long?> IfVersion { get; } = new("--if-version")
    {
        Description = "Change the pool only if it is still at this version (else exit 3, nothing applied): `pool stats` shows it",
    };

    public void AddWriteTo(Command command) => command.Options.Add(IfVersion);

    /// <summary>This command's write terms: the local user (a silo takes it from the key instead) and --if-version.</summary>
    public ActiveIT.Grains.Pools.PoolWrite Write(ParseResult parse) => new(Environment.UserName, IfVersion: parse.GetValue(IfVersion));

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
        catch (Exception e) when (e is ArgumentException or HttpRequestException or IOException or ExportCutException or SiloConflictException
            or PoolVersionConflictException or PoolPinnedException or PoolAccessException or IdempotencyKeyReusedException)
        {
            Console.Error.WriteLine($"activeit {parse.CommandResult.Command.Parents.OfType<Command>().FirstOrDefault()?.Name} {parse.CommandResult.Command.Name}: {e.Message}");
            return e switch
            {
                ArgumentException or IdempotencyKeyReusedException => ExitCodes.InvalidInput,
                SiloConflictException or PoolVersionConflictException or PoolPinnedException => ExitCodes.Conflict,
                _ => ExitCodes.Failure,
            };
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
