using ActiveIT.Grains.Runs;
using System.Data.Common;
using System.Text.Json;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Pools;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActiveIT.Grains.Storage;

/// <summary>
/// Brings state written before ActiveIT ran on Orleans — the <c>grain_state</c> table of its own SQLite and PostgreSQL
/// storage, JSON per grain — into the Orleans grains, once per database: task contents and cached scores, pool
/// memberships, experiment records (with every round) and the experiment list. Every step is idempotent, so a silo
/// killed midway, or several silos starting together, repeat it harmlessly; a marker table records completion.
/// The old table is left as it was.
/// </summary>
public static class LegacyStateImport
{
    private const string Marker = "activeit_legacy_import";
    private static readonly JsonSerializerOptions OldJson = new(JsonSerializerDefaults.Web);

    private sealed record OldTaskState(Core.Tasks.InstructionTask? Task, Dictionary<string, TaskScore>? Scores);
    private sealed record OldPoolState(Dictionary<string, PoolMember>? Members);
    private sealed record OldCurriculumState(Experiment? Experiment);
    private sealed record OldRegistryState(List<string>? Names);

    /// <summary>Imports what the database holds from before; returns how many old records were read (0 when none or done before).</summary>
    public static async Task<int> RunAsync(IGrainFactory grains, SiloStorage storage, CancellationToken cancellationToken = default)
    {
        await using var connection = Open(storage);
        if (connection is null)
        {
            return 0;
        }
        await connection.OpenAsync(cancellationToken);
        if (!await TableExistsAsync(connection, "grain_state", cancellationToken) || await TableExistsAsync(connection, Marker, cancellationToken))
        {
            return 0;
        }
        // One importer at a time, and the marker checked again under the lock: a silo starting later must not replay
        // old records over changes users made since.
        await using var importLock = await LockAsync(connection, storage, cancellationToken);
        if (await TableExistsAsync(connection, Marker, cancellationToken))
        {
            return 0;
        }
        var rows = new List<(string Type, string Key, string Json)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT state_type, grain_key, data FROM grain_state";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        // Task contents first: pools and experiments refer to them.
        foreach (var (_, key, json) in rows.Where(r => r.Type == "task"))
        {
            var old = Read<OldTaskState>(json, "task", key);
            var grain = grains.GetGrain<ITaskGrain>(key);
            if (old.Task is { } task)
            {
                await grain.StoreAsync(task);
            }
            foreach (var (scoreKey, score) in old.Scores ?? [])
            {
                await grain.PutScoreAsync(ParseScoreKey(scoreKey), score);
            }
        }
        foreach (var (_, key, json) in rows.Where(r => r.Type == "pool"))
        {
            var members = Read<OldPoolState>(json, "pool", key).Members?.Values.ToList() ?? [];
            if (members.Count > 0)
            {
                await grains.GetGrain<ITaskPoolGrain>(key).AddOrUpdateAsync(members, new ChangeNote("imported from the pre-Orleans store"));
            }
        }
        foreach (var (_, key, json) in rows.Where(r => r.Type == "curriculum"))
        {
            if (Read<OldCurriculumState>(json, "curriculum", key).Experiment is { } experiment)
            {
                await grains.GetGrain<ICurriculumGrain>(key).RestoreAsync(experiment);
                if (experiment.Status is RunStatus.Queued or RunStatus.Running)
                {
                    await grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key).EnqueueAsync(Runs.RunKinds.Id(Runs.RunKinds.Curriculum, key));  // the old worker resumed these at start
                }
            }
        }
        foreach (var (_, key, json) in rows.Where(r => r.Type == "experiments"))
        {
            foreach (var name in Read<OldRegistryState>(json, "experiments", key).Names ?? [])
            {
                await grains.GetGrain<IRunRegistryGrain>(key).AddAsync(name);
            }
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"CREATE TABLE IF NOT EXISTS {Marker} (imported_rows INTEGER NOT NULL, imported_at TEXT NOT NULL); " +
                                  $"INSERT INTO {Marker} VALUES ({rows.Count}, '{DateTimeOffset.UtcNow:O}')";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return rows.Count;
    }

    /// <summary>"model@version/config", as <see cref="ScoreKey.ToString"/> wrote it; the config holds no '/', the version no '@'.</summary>
    public static ScoreKey ParseScoreKey(string text)
    {
        var slash = text.IndexOf('/', Math.Max(0, text.LastIndexOf('@')));
        var at = text.LastIndexOf('@', slash < 0 ? text.Length - 1 : slash);
        if (at <= 0 || slash < 0)
        {
            throw new FormatException($"grain_state: score key '{text}' is not MODEL@VERSION/CONFIG");
        }
        return new ScoreKey(text[..at], text[(at + 1)..slash], text[(slash + 1)..]);
    }

    private static T Read<T>(string json, string type, string key)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, OldJson) ?? throw new JsonException("null state");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"grain_state ({type}, {key}): {e.Message}", e);
        }
    }

    /// <summary>PostgreSQL: a session advisory lock on this connection. SQLite: an exclusive lock on a file beside the database.</summary>
    private static async Task<IAsyncDisposable> LockAsync(DbConnection connection, SiloStorage storage, CancellationToken cancellationToken)
    {
        if (connection is NpgsqlConnection)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_lock(7236504117)";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new Unlock(async () =>
            {
                await using var unlock = connection.CreateCommand();
                unlock.CommandText = "SELECT pg_advisory_unlock(7236504117)";
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            });
        }
        var path = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource + ".import-lock";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new Unlock(() => file.DisposeAsync());
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(100, cancellationToken);  // another process is importing
            }
        }
    }

    private sealed class Unlock(Func<ValueTask> release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => release();
    }

    private static DbConnection? Open(SiloStorage storage) => storage.Kind switch
    {
        "sqlite" => new SqliteConnection(storage.ConnectionString),
        "postgres" => new NpgsqlConnection(storage.ConnectionString),
        _ => null,  // the old storage had no Azure provider
    };

    private static async Task<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = connection is SqliteConnection
            ? $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            : $"SELECT count(*) FROM pg_tables WHERE tablename = '{table}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
