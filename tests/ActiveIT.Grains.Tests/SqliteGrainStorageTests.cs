using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Tests;

public sealed class SqliteGrainStorageTests : StorageConformanceTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-sqlite-").FullName;

    protected override Task<IGrainStorage> OpenAsync() => Task.FromResult<IGrainStorage>(new SqliteGrainStorage(Path.Combine(_dir, "pool.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
