namespace ActiveIT.Testing;

/// <summary>A real PostgreSQL server on 127.0.0.1 and a free port, started by infra/postgres.sh for the test run.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private string? _dir;

    public string ConnectionString { get; private set; } = "";

    /// <summary>A fresh database per test class, so tests never see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString.Replace("Database=postgres", $"Database={name}");
    }

    public async Task InitializeAsync()
    {
        var output = await InfraScript.RunAsync("postgres.sh", "start", InfraScript.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var parts = output.Trim().Split('\t');
        (_dir, ConnectionString) = (parts[0], parts[1]);
    }

    public async Task DisposeAsync()
    {
        if (_dir is not null)
        {
            await InfraScript.RunAsync("postgres.sh", "stop", _dir);
        }
    }
}
