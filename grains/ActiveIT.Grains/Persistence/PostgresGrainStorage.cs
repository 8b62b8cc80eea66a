using Npgsql;

namespace ActiveIT.Grains.Persistence;

/// <summary>
/// Grain state in PostgreSQL (shared by several silos and researchers). One conditional INSERT/UPDATE per write:
/// silos that share the database coordinate through ETags alone.
/// </summary>
public sealed class PostgresGrainStorage : IGrainStorage, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresGrainStorage(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public static async Task<PostgresGrainStorage> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "CREATE TABLE IF NOT EXISTS grain_state (state_type TEXT NOT NULL, grain_key TEXT NOT NULL, etag TEXT NOT NULL, data TEXT NOT NULL, " +
            "PRIMARY KEY (state_type, grain_key))");
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Two silos creating the table at once: the other one won, the table exists.
        }
        return new PostgresGrainStorage(dataSource);
    }

    public async Task<StoredState?> ReadAsync(string stateType, string grainKey, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT data, etag FROM grain_state WHERE state_type = $1 AND grain_key = $2");
        command.Parameters.AddWithValue(stateType);
        command.Parameters.AddWithValue(grainKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredState(reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<string> WriteAsync(string stateType, string grainKey, string json, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        var etag = Guid.NewGuid().ToString("N");
        await using var command = _dataSource.CreateCommand(expectedEtag is null
            ? "INSERT INTO grain_state (state_type, grain_key, etag, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
            : "UPDATE grain_state SET data = $4, etag = $3 WHERE state_type = $1 AND grain_key = $2 AND etag = $5");
        command.Parameters.AddWithValue(stateType);
        command.Parameters.AddWithValue(grainKey);
        command.Parameters.AddWithValue(etag);
        command.Parameters.AddWithValue(json);
        if (expectedEtag is not null)
        {
            command.Parameters.AddWithValue(expectedEtag);
        }
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw await StorageConflicts.ConflictAsync(this, stateType, grainKey, expectedEtag, cancellationToken);
        }
        return etag;
    }

    public async Task ClearAsync(string stateType, string grainKey, string? expectedEtag, CancellationToken cancellationToken = default)
    {
        if (expectedEtag is null)
        {
            await StorageConflicts.EnsureAbsentAsync(this, stateType, grainKey, cancellationToken);
            return;
        }
        await using var command = _dataSource.CreateCommand("DELETE FROM grain_state WHERE state_type = $1 AND grain_key = $2 AND etag = $3");
        command.Parameters.AddWithValue(stateType);
        command.Parameters.AddWithValue(grainKey);
        command.Parameters.AddWithValue(expectedEtag);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw await StorageConflicts.ConflictAsync(this, stateType, grainKey, expectedEtag, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
