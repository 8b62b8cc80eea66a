using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Storage;
using Orleans.Hosting;

namespace ActiveIT.Grains.Tests;

/// <summary>Real Orleans silos in this test process, over a SQLite file in a test's directory.</summary>
internal static class TestSilos
{
    public static Task<EmbeddedSilo> SqliteAsync(string dir, Action<ISiloBuilder>? configure = null) =>
        EmbeddedSilo.StartAsync(SiloStorage.Sqlite(Path.Combine(dir, "activeit.db")), configure);
}
