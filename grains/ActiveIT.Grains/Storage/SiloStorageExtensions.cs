using Orleans.Runtime;
using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace ActiveIT.Grains.Storage;

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
