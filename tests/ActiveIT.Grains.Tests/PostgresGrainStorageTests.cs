using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Tests;

[Collection(nameof(PostgresCollection))]
public sealed class PostgresGrainStorageTests(PostgresFixture postgres) : StorageConformanceTests, IAsyncLifetime
{
    private readonly List<PostgresGrainStorage> _opened = [];
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    protected override async Task<IGrainStorage> OpenAsync()
    {
        var storage = await PostgresGrainStorage.OpenAsync(_connectionString);
        _opened.Add(storage);
        return storage;
    }

    public async Task DisposeAsync()
    {
        foreach (var storage in _opened)
        {
            await storage.DisposeAsync();
        }
    }
}
