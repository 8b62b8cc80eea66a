using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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
        var output = await RunAsync("start", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var parts = output.Trim().Split('\t');
        (_dir, ConnectionString) = (parts[0], parts[1]);
    }

    public async Task DisposeAsync()
    {
        if (_dir is not null)
        {
            await RunAsync("stop", _dir);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(params string[] args)
    {
        var script = Path.Combine(RepositoryRoot(), "infra", "postgres.sh");
        var info = new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"infra/postgres.sh {string.Join(' ', args)} failed: {stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActiveIT.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("ActiveIT.sln not found above the test binaries");
    }
}
