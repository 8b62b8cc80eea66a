using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

namespace ActiveIT.Grains.Tests;

/// <summary>Real Orleans silos in this test process, over a SQLite file in a test's directory, and clients of them.</summary>
internal static class TestSilos
{
    public static Task<EmbeddedSilo> SqliteAsync(string dir, Action<ISiloBuilder>? configure = null) =>
        EmbeddedSilo.StartAsync(SiloStorage.Sqlite(Path.Combine(dir, "activeit.db")), configure);

    /// <summary>An Orleans client of <paramref name="silo"/> through its gateway, as another process (the CLI) connects.</summary>
    public static async Task<IHost> ClientAsync(EmbeddedSilo silo)
    {
        var client = new HostBuilder()
            .UseOrleansClient(c => c.UseLocalhostClustering(silo.Endpoint.GatewayPort, SiloStorage.ServiceId, silo.Endpoint.ClusterId))
            .ConfigureLogging(logging => logging.ClearProviders())
            .Build();
        await client.StartAsync();
        return client;
    }

    public static IGrainFactory Grains(this IHost client) => client.Services.GetRequiredService<IClusterClient>();
}
