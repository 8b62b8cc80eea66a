namespace ActiveIT.Grains.Storage;

/// <summary>
/// Where a cluster keeps grain state, membership and reminders. <c>sqlite</c>: grain state in a SQLite file through
/// Orleans' ADO.NET provider, a one-silo cluster (localhost clustering, in-memory reminders) — the embedded default.
/// <c>postgres</c>: ADO.NET clustering, grain storage and reminders on PostgreSQL. <c>azure</c>: blob grain storage,
/// table clustering and table reminders on Azure Storage (Azurite in tests).
/// </summary>
public sealed record SiloStorage(string Kind, string ConnectionString)
{
    /// <summary>The grain storage provider every ActiveIT grain's state names.</summary>
    public const string ProviderName = "activeit";

    /// <summary>Orleans' service id: stored state is keyed by it, so it never changes between deployments.</summary>
    public const string ServiceId = "activeit";

    public static SiloStorage Sqlite(string databasePath) =>
        new("sqlite", $"Data Source={Path.GetFullPath(databasePath)};Default Timeout=60;Pooling=True");

    /// <summary>
    /// Connections one silo process opens to PostgreSQL at most, when the connection string does not say: Npgsql's own
    /// default (100 per process) lets two or three silos importing at once exhaust a server's <c>max_connections</c>
    /// (100 by default), and then requests fail with "too many clients" instead of waiting for a free connection.
    /// </summary>
    public const int DefaultPostgresPoolSize = 30;

    public static SiloStorage Postgres(string connectionString) => new("postgres", WithPoolLimit(connectionString));

    private static string WithPoolLimit(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var named = builder.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() is "maxpoolsize" or "maximumpoolsize");
        return named ? connectionString : $"{connectionString.TrimEnd(';')};Maximum Pool Size={DefaultPostgresPoolSize}";
    }

    public static SiloStorage Azure(string connectionString) => new("azure", connectionString);

    /// <summary>Builds a storage choice from configuration words; the error names the setting.</summary>
    public static SiloStorage FromSettings(string kind, string? connectionString, string dataDir) => kind switch
    {
        "sqlite" => Sqlite(Path.Combine(Directory.CreateDirectory(dataDir).FullName, "activeit.db")),
        "postgres" => Postgres(connectionString ?? throw new ArgumentException("ActiveIT:ConnectionString is required for postgres storage")),
        "azure" => Azure(connectionString ?? throw new ArgumentException("ActiveIT:ConnectionString is required for azure storage")),
        _ => throw new ArgumentException($"ActiveIT:Storage '{kind}': use sqlite, postgres or azure"),
    };

    /// <summary>The SQLite file (sqlite storage only).</summary>
    public string DatabasePath => Kind == "sqlite"
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource
        : throw new InvalidOperationException($"{Kind} storage has no database file");

    /// <summary>SQLite holds grain state only: a SQLite silo is a cluster of one.</summary>
    public bool SharesMembership => Kind != "sqlite";
}
