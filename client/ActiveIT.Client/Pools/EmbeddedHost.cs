using ActiveIT.Grains.Hosting;

namespace ActiveIT.Client.Pools;

/// <summary>Embedded mode: an Orleans silo in this process over SQLite in a data directory, with every grain the server hosts.</summary>
internal static class EmbeddedHost
{
    /// <summary>--data-dir, else $ACTIVEIT_DATA, else ~/.activeit.</summary>
    public static string DataDir(string? option) => option ?? Environment.GetEnvironmentVariable("ACTIVEIT_DATA")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".activeit");

    public static Task<EmbeddedSilo> StartAsync(string? dataDirOption, CancellationToken cancellationToken = default) =>
        EmbeddedSilo.StartSqliteAsync(DataDir(dataDirOption), cancellationToken);
}
