using ActiveIT.Grains.Storage;
using Microsoft.Data.Sqlite;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Tests;

/// <summary>
/// The write gate after a failed write: a writer that fails inside a deferred transaction (as Orleans' SQLite script
/// can, on a lock upgrade against another process) must not leave its pooled connection holding the file's lock.
/// </summary>
public sealed class SqliteWriteGateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-gate-").FullName;

    /// <summary>Begins a transaction, writes a row, and fails before the commit, on a pooled connection of the silo's kind.</summary>
    private sealed class FailingMidTransaction(string connectionString) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new SqliteCommand("BEGIN TRANSACTION; INSERT INTO rows VALUES (1);", connection);
            await command.ExecuteNonQueryAsync();
            throw new SqliteException("database is locked", 5);  // SQLITE_BUSY, as the script's later statement would raise it
        }
    }

    [Fact]
    public async Task AFailedWrite_LeavesNoPooledConnectionInsideItsTransaction()
    {
        var file = Path.Combine(_dir, "silo.db");
        var pooled = $"Data Source={file};Default Timeout=1;Pooling=True";
        await using (var setup = new SqliteConnection(pooled))
        {
            await setup.OpenAsync();
            await using var create = new SqliteCommand("CREATE TABLE rows (x INTEGER)", setup);
            await create.ExecuteNonQueryAsync();
        }
        var gate = new SqliteWriteGate(new FailingMidTransaction(pooled), pooled);
        await Assert.ThrowsAsync<SqliteException>(() => gate.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<int>()));

        // Another process's writer (its own, unpooled connection) gets the lock at once, and the failed row is gone.
        await using var other = new SqliteConnection($"Data Source={file};Default Timeout=1;Pooling=False");
        await other.OpenAsync();
        await using var write = new SqliteCommand("BEGIN IMMEDIATE; INSERT INTO rows VALUES (2); COMMIT;", other);
        await write.ExecuteNonQueryAsync();
        await using var count = new SqliteCommand("SELECT group_concat(x) FROM rows", other);
        Assert.Equal("2", await count.ExecuteScalarAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
