using System.Net;
using System.Net.Sockets;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

namespace ActiveIT.Grains.Hosting;

/// <summary>
/// An Orleans silo inside this process — a cluster of one on loopback ports chosen free — for the CLI's local silo
/// and for tests: every grain the server hosts, over the given storage (SQLite by default). Logs nothing unless asked.
/// </summary>
public sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedSilo(IHost host, SiloEndpoint endpoint) => (_host, Endpoint) = (host, endpoint);

    /// <summary>Its cluster id and ports: clients reach it through the gateway port.</summary>
    public SiloEndpoint Endpoint { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a silo over <paramref name="storage"/>. With PostgreSQL or Azure storage, silos given the same
    /// <paramref name="clusterId"/> join one cluster; by default each silo is a cluster of its own.
    /// </summary>
    public static async Task<EmbeddedSilo> StartAsync(SiloStorage storage, Action<ISiloBuilder>? configure = null, string? clusterId = null,
        CancellationToken cancellationToken = default)
    {
        await OrleansSchema.EnsureAsync(storage, cancellationToken);
        var endpoint = new SiloEndpoint(clusterId ?? $"embedded-{Guid.NewGuid():N}", FreePort(), FreePort());
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.UseActiveIt(storage, endpoint);
                configure?.Invoke(silo);
            })
            .ConfigureLogging(logging => logging.ClearProviders())
            .Build();
        await host.StartAsync(cancellationToken);
        var silo = new EmbeddedSilo(host, endpoint);
        await LegacyStateImport.RunAsync(silo.Grains, storage, cancellationToken);
        return silo;
    }

    /// <summary>The embedded default: SQLite in <paramref name="dataDir"/>/activeit.db.</summary>
    public static Task<EmbeddedSilo> StartSqliteAsync(string dataDir, string? clusterId = null, CancellationToken cancellationToken = default) =>
        StartAsync(SiloStorage.Sqlite(DatabasePath(dataDir)), null, clusterId, cancellationToken);

    /// <summary>Where a data directory keeps its SQLite database.</summary>
    public static string DatabasePath(string dataDir) => Path.Combine(Directory.CreateDirectory(dataDir).FullName, "activeit.db");

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A loopback port nothing listens on now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
