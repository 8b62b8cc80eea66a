using System.CommandLine;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Pools;

/// <summary>
/// Where pool commands run: embedded (an Orleans silo in this process over SQLite in a data directory — the
/// default) or, with --silo, against a silo. Both give the same <see cref="IPoolService"/>.
/// </summary>
internal sealed class PoolConnection
{
    public Option<string> Pool { get; } = new("--pool") { Description = "Pool name", DefaultValueFactory = _ => "default" };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Embedded mode: where the pool database lives (default: $ACTIVEIT_DATA or ~/.activeit)",
    };

    public Option<string?> Silo { get; } = new("--silo")
    {
        Description = "Run against this silo (URL; default $ACTIVEIT_SILO) instead of embedded; the API key comes from $ACTIVEIT_API_KEY",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output" };

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
        catch (Exception e) when (e is ArgumentException or HttpRequestException or IOException)
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
            var embedded = await StartSiloAsync(parse);
            return new PoolSession(new PoolService(embedded.Grains), embedded);
        }
        var http = SiloHttp.CreateClient(silo);
        return new PoolSession(new RemotePoolService(http), http);
    }

    /// <summary>The embedded silo itself, for work that runs next to the grains (scoring).</summary>
    public Task<EmbeddedSilo> StartSiloAsync(ParseResult parse) => EmbeddedHost.StartAsync(parse.GetValue(DataDir));
}
