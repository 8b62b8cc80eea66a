using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Tests;

[GenerateSerializer, Alias("activeit.tests.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int N { get; set; }

    [Id(1)]
    public string Text { get; set; } = "";
}

/// <summary>
/// What the grain storage every ActiveIT grain uses must do, checked on Orleans' own provider for each storage choice
/// (ADO.NET on SQLite and PostgreSQL, Azure blobs on Azurite), through a running silo's keyed <see cref="IGrainStorage"/>.
/// </summary>
public abstract class StorageConformanceTests : IAsyncLifetime
{
    private readonly List<EmbeddedSilo> _silos = [];
    private readonly string _type = "t" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The store under test; called again it must name the same store (as a restarted silo would).</summary>
    protected abstract Task<SiloStorage> StorageAsync();

    private async Task<IGrainStorage> OpenAsync()
    {
        var silo = await EmbeddedSilo.StartAsync(await StorageAsync());
        _silos.Add(silo);
        return silo.Services.GetRequiredKeyedService<IGrainStorage>(SiloStorage.ProviderName);
    }

    private async Task CloseAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        _silos.Clear();
    }

    private GrainId Id(string key) => GrainId.Create(_type, key);

    private static GrainState<CounterState> State(int n, string? etag = null) => new(new CounterState { N = n, Text = $"n={n}" }) { ETag = etag };

    private static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, GrainId id)
    {
        var state = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync("counter", id, state);
        return state;
    }

    [Fact]
    public async Task Read_MissingState_IsEmptyWithoutEtag()
    {
        var state = await ReadAsync(await OpenAsync(), Id("absent"));
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.N);
    }

    [Fact]
    public async Task Write_ThenRead_ReturnsDataAndNewEtag()
    {
        var storage = await OpenAsync();
        var state = State(1);
        await storage.WriteStateAsync("counter", Id("a"), state);
        var first = state.ETag;
        state.State!.N = 2;
        await storage.WriteStateAsync("counter", Id("a"), state);
        Assert.NotNull(first);
        Assert.NotEqual(first, state.ETag);
        var read = await ReadAsync(storage, Id("a"));
        Assert.Equal((2, state.ETag, true), (read.State!.N, read.ETag, read.RecordExists));
        Assert.False((await ReadAsync(storage, Id("b"))).RecordExists);
    }

    [Fact]
    public async Task Write_WithStaleOrMissingEtag_ThrowsInconsistentState_AndChangesNothing()
    {
        var storage = await OpenAsync();
        var state = State(1);
        await storage.WriteStateAsync("counter", Id("c"), state);
        var stale = state.ETag;
        await storage.WriteStateAsync("counter", Id("c"), State(2, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", Id("c"), State(3, stale)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", Id("c"), State(4)));
        Assert.Equal(2, (await ReadAsync(storage, Id("c"))).State!.N);
    }

    [Fact]
    public async Task Clear_RemovesState_StaleClearThrows_WriteAfterClearWorks()
    {
        var storage = await OpenAsync();
        var state = State(1);
        await storage.WriteStateAsync("counter", Id("d"), state);
        var current = state.ETag;
        await storage.WriteStateAsync("counter", Id("d"), state);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", Id("d"), State(0, current)));
        await storage.ClearStateAsync("counter", Id("d"), state);
        Assert.False(state.RecordExists);
        Assert.False((await ReadAsync(storage, Id("d"))).RecordExists);
        state.State = new CounterState { N = 9 };
        await storage.WriteStateAsync("counter", Id("d"), state);
        Assert.Equal(9, (await ReadAsync(storage, Id("d"))).State!.N);
    }

    [Fact]
    public async Task ParallelWriters_WithSameEtag_ExactlyOneWins()
    {
        var storage = await OpenAsync();
        var start = State(0);
        await storage.WriteStateAsync("counter", Id("e"), start);
        var results = await Task.WhenAll(Enumerable.Range(1, 16).Select(async i =>
        {
            try
            {
                await storage.WriteStateAsync("counter", Id("e"), State(i, start.ETag));
                return i;
            }
            catch (InconsistentStateException)
            {
                return 0;
            }
        }));
        var winner = Assert.Single(results, r => r != 0);
        Assert.Equal(winner, (await ReadAsync(storage, Id("e"))).State!.N);
    }

    [Fact]
    public async Task ParallelFirstWrites_ExactlyOneWins_AndTheGrainStaysReadable()
    {
        // Orleans' PostgreSQL script alone lets two first writes both insert (CI saw it): the grain then never reads again.
        var storage = await OpenAsync();
        for (var grain = 0; grain < 12; grain++)
        {
            var id = Id($"first{grain}");
            var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(async i =>
            {
                try
                {
                    await storage.WriteStateAsync("counter", id, State(i));
                    return i;
                }
                catch (InconsistentStateException)
                {
                    return 0;
                }
            }));
            var winner = Assert.Single(results, r => r != 0);
            Assert.Equal(winner, (await ReadAsync(storage, id)).State!.N);
        }
    }

    [Fact]
    public async Task ParallelIncrements_ReReadOnConflict_LoseNothing()
    {
        var storage = await OpenAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var done = 0; done < 10;)
            {
                var current = await ReadAsync(storage, Id("f"));
                current.State!.N++;
                try
                {
                    await storage.WriteStateAsync("counter", Id("f"), current);
                    done++;
                }
                catch (InconsistentStateException)
                {
                    // another writer won this round: re-read and decide again
                }
            }
        }));
        Assert.Equal(80, (await ReadAsync(storage, Id("f"))).State!.N);
    }

    [Fact]
    public async Task Reopen_SeesEverythingWrittenBefore()
    {
        var state = State(7);
        await (await OpenAsync()).WriteStateAsync("counter", Id("g"), state);
        await CloseAsync();  // a restart: on SQLite, one silo at a time has the file
        var reopened = await ReadAsync(await OpenAsync(), Id("g"));
        Assert.Equal((7, state.ETag), (reopened.State!.N, reopened.ETag));
    }

    [Fact]
    public async Task LargeState_RoundTrips()
    {
        var storage = await OpenAsync();
        // ~4 MB: ten times the largest NIV2 task file in ../shared/data.
        var text = string.Concat(Enumerable.Range(0, 4_000_000).Select(i => (char)('a' + i % 26)).Chunk(80).Select(c => new string(c) + "\n"));
        var state = new GrainState<CounterState>(new CounterState { N = 1, Text = text });
        await storage.WriteStateAsync("counter", Id("h"), state);
        var read = await ReadAsync(storage, Id("h"));
        Assert.Equal(text, read.State!.Text);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await CloseAsync();
        await CleanUpAsync();
    }

    protected virtual Task CleanUpAsync() => Task.CompletedTask;
}

public sealed class SqliteStorageTests : StorageConformanceTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-sqlite-").FullName;

    protected override Task<SiloStorage> StorageAsync() => Task.FromResult(SiloStorage.Sqlite(Path.Combine(_dir, "grains.db")));

    protected override Task CleanUpAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(nameof(PostgresCollection))]
public sealed class PostgresStorageTests(PostgresFixture postgres) : StorageConformanceTests
{
    private string? _connection;

    protected override async Task<SiloStorage> StorageAsync() => SiloStorage.Postgres(_connection ??= await postgres.CreateDatabaseAsync());
}

[Collection(nameof(AzuriteCollection))]
public sealed class AzureStorageTests(AzuriteFixture azurite) : StorageConformanceTests
{
    protected override Task<SiloStorage> StorageAsync() => Task.FromResult(SiloStorage.Azure(azurite.ConnectionString));
}
