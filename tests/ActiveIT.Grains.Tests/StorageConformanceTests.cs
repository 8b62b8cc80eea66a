using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Tests;

/// <summary>What every grain storage provider must do; each provider's test class derives from this one.</summary>
public abstract class StorageConformanceTests
{
    /// <summary>A provider over the test's store; calling it again must reopen the same store (as after a crash).</summary>
    protected abstract Task<IGrainStorage> OpenAsync();

    [Fact]
    public async Task Read_MissingState_ReturnsNull()
    {
        var storage = await OpenAsync();
        Assert.Null(await storage.ReadAsync("counter", "absent"));
    }

    [Fact]
    public async Task Write_ThenRead_ReturnsDataAndNewEtag()
    {
        var storage = await OpenAsync();
        var first = await storage.WriteAsync("counter", "a", "{\"n\":1}", null);
        var second = await storage.WriteAsync("counter", "a", "{\"n\":2}", first);
        Assert.NotEqual(first, second);
        Assert.Equal(new StoredState("{\"n\":2}", second), await storage.ReadAsync("counter", "a"));
        Assert.Null(await storage.ReadAsync("other-type", "a"));
    }

    [Fact]
    public async Task Write_WithStaleEtag_ThrowsAndChangesNothing()
    {
        var storage = await OpenAsync();
        var first = await storage.WriteAsync("counter", "b", "1", null);
        var second = await storage.WriteAsync("counter", "b", "2", first);
        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("counter", "b", "3", first));
        Assert.Equal(second, stale.StoredEtag);
        var exists = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("counter", "b", "4", null));
        Assert.Equal(second, exists.StoredEtag);
        Assert.Equal("2", (await storage.ReadAsync("counter", "b"))!.Json);
    }

    [Fact]
    public async Task Clear_RemovesState_StaleClearThrows()
    {
        var storage = await OpenAsync();
        var etag = await storage.WriteAsync("counter", "c", "1", null);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearAsync("counter", "c", "not-the-etag"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearAsync("counter", "c", null));
        await storage.ClearAsync("counter", "c", etag);
        Assert.Null(await storage.ReadAsync("counter", "c"));
        await storage.WriteAsync("counter", "c", "again", null);
    }

    [Fact]
    public async Task ParallelWriters_WithSameEtag_ExactlyOneWins()
    {
        var storage = await OpenAsync();
        var etag = await storage.WriteAsync("counter", "d", "0", null);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await storage.WriteAsync("counter", "d", $"{i}", etag);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));
        Assert.Equal(1, results.Count(won => won));
    }

    [Fact]
    public async Task ParallelIncrements_ReReadOnConflict_LoseNothing()
    {
        var storage = await OpenAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var done = 0; done < 10;)
            {
                var current = await storage.ReadAsync("counter", "e");
                var value = current is null ? 0 : int.Parse(current.Json, System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await storage.WriteAsync("counter", "e", $"{value + 1}", current?.Etag);
                    done++;
                }
                catch (InconsistentStateException)
                {
                    // another writer won this round: re-read and decide again
                }
            }
        }));
        Assert.Equal("80", (await storage.ReadAsync("counter", "e"))!.Json);
    }

    [Fact]
    public async Task Reopen_SeesEverythingWrittenBefore()
    {
        var storage = await OpenAsync();
        var etag = await storage.WriteAsync("counter", "f", "kept", null);
        var reopened = await OpenAsync();
        Assert.Equal(new StoredState("kept", etag), await reopened.ReadAsync("counter", "f"));
    }
}
