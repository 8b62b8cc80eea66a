using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

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

    public static SiloStorage Postgres(string connectionString) => new("postgres", connectionString);

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

/// <summary>One silo's place in its cluster: cluster id and the loopback-or-given address and ports it listens on.</summary>
public sealed record SiloEndpoint(string ClusterId, int SiloPort, int GatewayPort, IPAddress? Address = null);

public static class SiloStorageExtensions
{
    /// <summary>
    /// Configures an ActiveIT silo: clustering, grain storage (Orleans' binary serializer, so state tolerates added
    /// fields) and reminders for <paramref name="storage"/>, and the services its grains need. Apply
    /// <see cref="OrleansSchema.EnsureAsync"/> to an ADO.NET database first.
    /// </summary>
    public static ISiloBuilder UseActiveIt(this ISiloBuilder silo, SiloStorage storage, SiloEndpoint endpoint)
    {
        silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (SiloStorage.ServiceId, endpoint.ClusterId));
        silo.Services.AddSingleton<Runs.SiloLiveness>();
        silo.Services.AddOptions<Runs.RunQueueOptions>();
        silo.Services.AddSingleton(new Runs.SiloLiveness.Membership(Shared: storage.SharesMembership));
        switch (storage.Kind)
        {
            case "sqlite":
                silo.UseLocalhostClustering(endpoint.SiloPort, endpoint.GatewayPort, null, SiloStorage.ServiceId, endpoint.ClusterId);
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new SqliteFileLock(storage.DatabasePath));
                AddAdoNetGrainStorage(silo, OrleansSchema.SqliteInvariant, storage.ConnectionString);
                silo.Services.AddKeyedSingleton<IGrainStorage>(SiloStorage.ProviderName,
                    (sp, _) => new SqliteWriteGate(AdoNetGrainStorageFactory.Create(sp, SiloStorage.ProviderName)));
                silo.UseInMemoryReminderService();
                break;
            case "postgres":
                silo.ConfigureEndpoints(endpoint.Address ?? IPAddress.Loopback, endpoint.SiloPort, endpoint.GatewayPort, listenOnAnyHostAddress: false);
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (OrleansSchema.PostgresInvariant, storage.ConnectionString));
                AddAdoNetGrainStorage(silo, OrleansSchema.PostgresInvariant, storage.ConnectionString);
                silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (OrleansSchema.PostgresInvariant, storage.ConnectionString));
                break;
            case "azure":
                silo.ConfigureEndpoints(endpoint.Address ?? IPAddress.Loopback, endpoint.SiloPort, endpoint.GatewayPort, listenOnAnyHostAddress: false);
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(storage.ConnectionString));
                silo.AddAzureBlobGrainStorage(SiloStorage.ProviderName, o => o.Configure<Serializer>((options, serializer) =>
                {
                    options.BlobServiceClient = new BlobServiceClient(storage.ConnectionString);
                    options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
                silo.UseAzureTableReminderService(o => o.TableServiceClient = new TableServiceClient(storage.ConnectionString));
                break;
            default:
                throw new ArgumentException($"storage '{storage.Kind}': use sqlite, postgres or azure");
        }
        return silo;
    }

    private static void AddAdoNetGrainStorage(ISiloBuilder silo, string invariant, string connectionString) =>
        silo.AddAdoNetGrainStorage(SiloStorage.ProviderName, o => o.Configure<Serializer>((options, serializer) =>
        {
            (options.Invariant, options.ConnectionString) = (invariant, connectionString);
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
