using System.CommandLine;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Persistence;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Client.Pools;

/// <summary>
/// Where pool commands run: embedded (the grain host in this process over SQLite in a data directory — the
/// default) or, with --silo, against a silo. Both give the same <see cref="IPoolService"/>.
/// </summary>
internal sealed class PoolConnection
{
    public Option<string> Pool { get; } = new("--pool") { Description = "Pool name", DefaultValueFactory = _ => "default" };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Embedded mode: where the pool database lives (default: $ACTIVEIT_DATA or ~/.activeit)",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output" };

    public void AddTo(Command command)
    {
        command.Options.Add(Pool);
        command.Options.Add(DataDir);
        command.Options.Add(Json);
    }

    public EmbeddedPools OpenEmbedded(ParseResult parse)
    {
        var dir = parse.GetValue(DataDir) ?? Environment.GetEnvironmentVariable("ACTIVEIT_DATA")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".activeit");
        Directory.CreateDirectory(dir);
        var host = new GrainHost(new SqliteGrainStorage(Path.Combine(dir, "activeit.db"))).AddPoolGrains();
        return new EmbeddedPools(host, new PoolService(host));
    }
}
