using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActiveIT.Grains.Storage;

/// <summary>
/// Orleans' ADO.NET providers read their SQL from tables that Orleans' own scripts create (vendored unchanged in
/// Storage/Sql). This applies each script a database lacks, once: a script counts as applied when a query key it
/// inserts is present. Silos starting together serialise on a lock (PostgreSQL advisory lock, SQLite write lock).
/// On PostgreSQL it adds ActiveIT's own guard against two first writes of one grain (PostgresFirstWrite.sql).
/// </summary>
public static class OrleansSchema
{
    /// <summary>The invariant names Orleans maps to Npgsql and to Microsoft.Data.Sqlite.</summary>
    public const string PostgresInvariant = "Npgsql", SqliteInvariant = "System.Data.SQLite";

    // (script, query key that marks it applied); the Main script creates OrleansQuery itself.
    private static readonly (string Script, string Marker)[] Postgres =
    [
        ("PostgreSQL-Persistence.sql", "WriteToStorageKey"),
        ("PostgreSQL-Clustering.sql", "UpdateIAmAlivetimeKey"),
        ("PostgreSQL-Reminders.sql", "UpsertReminderRowKey"),
    ];

    private static readonly (string Script, string Marker)[] Sqlite = [("Sqlite-Persistence.sql", "WriteToStorageKey")];

    public static Task EnsureAsync(SiloStorage storage, CancellationToken cancellationToken = default) => storage.Kind switch
    {
        "sqlite" => EnsureSqliteAsync(storage.ConnectionString, cancellationToken),
        "postgres" => EnsurePostgresAsync(storage.ConnectionString, cancellationToken),
        _ => Task.CompletedTask,  // Azure providers create their tables and containers themselves
    };

    private static async Task EnsureSqliteAsync(string connectionString, CancellationToken cancellationToken)
    {
        SQLitePCL.Batteries_V2.Init();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL lets readers go on while a silo writes; a killed process leaves the database intact.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await ApplyAsync(connection, transaction, "Sqlite-Main.sql", Sqlite,
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'OrleansQuery'", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task EnsurePostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(7236504116)", cancellationToken);
        await ApplyAsync(connection, transaction, "PostgreSQL-Main.sql", Postgres, "SELECT count(*) FROM pg_tables WHERE tablename = 'orleansquery'", cancellationToken);
        var firstWriteGuard = await ScalarAsync(connection, transaction,
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'activeit_orleansstorage_first_write'", cancellationToken);
        if (Convert.ToInt64(firstWriteGuard, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await ExecuteAsync(connection, transaction, Script("PostgresFirstWrite.sql", "activeit-sql"), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, string main, (string Script, string Marker)[] scripts,
        string hasQueryTable, CancellationToken cancellationToken)
    {
        if (Convert.ToInt64(await ScalarAsync(connection, transaction, hasQueryTable, cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await ExecuteAsync(connection, transaction, Script(main), cancellationToken);
        }
        foreach (var (script, marker) in scripts)
        {
            var present = await ScalarAsync(connection, transaction, $"SELECT count(*) FROM OrleansQuery WHERE QueryKey = '{marker}'", cancellationToken);
            if (Convert.ToInt64(present, System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                await ExecuteAsync(connection, transaction, Script(script), cancellationToken);
            }
        }
    }

    /// <summary>A script's text as embedded in this assembly: Orleans' vendored ones, or ActiveIT's own ("activeit-sql").</summary>
    public static string Script(string name, string folder = "orleans-sql")
    {
        using var stream = typeof(OrleansSchema).Assembly.GetManifestResourceStream($"{folder}/{name}")
            ?? throw new InvalidOperationException($"Orleans SQL script '{name}' is not embedded in {typeof(OrleansSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        (command.CommandText, command.Transaction) = (sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        (command.CommandText, command.Transaction) = (sql, transaction);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
