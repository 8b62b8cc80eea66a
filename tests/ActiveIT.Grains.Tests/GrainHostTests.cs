using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Persistence;

namespace ActiveIT.Grains.Tests;

public sealed class GrainHostTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-host-").FullName;
    private readonly CounterLog _log = new();

    private GrainHost NewHost(GrainHostOptions? options = null) =>
        new GrainHost(new SqliteGrainStorage(Path.Combine(_dir, "grains.db")), options)
            .Register<ICounterGrain, CounterGrain>(context => new CounterGrain(context, _log));

    [Fact]
    public async Task Grain_ActivatesOnFirstCallOnly_AndPersistsState()
    {
        await using (var host = NewHost())
        {
            var counter = host.GetGrain<ICounterGrain>("a");
            Assert.Empty(_log.Activations);
            Assert.Equal(1, await counter.IncrementAsync());
            Assert.Equal(2, await host.GetGrain<ICounterGrain>("a").IncrementAsync());
            Assert.Equal(["a"], _log.Activations);
            Assert.Equal(1, host.ActivationCount);
        }
        Assert.Equal(["a"], _log.Deactivations);
        await using var restarted = NewHost();
        Assert.Equal(2, await restarted.GetGrain<ICounterGrain>("a").GetAsync());
    }

    [Fact]
    public async Task Activation_RunsOneCallAtATime_DifferentGrainsInParallel()
    {
        await using var host = NewHost();
        var same = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.GetGrain<ICounterGrain>("x").ObserveConcurrencyAsync()));
        Assert.All(same, inside => Assert.Equal(1, inside));
        Assert.Equal(1, _log.MaxConcurrentCalls);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => host.GetGrain<ICounterGrain>($"g{i}").ObserveConcurrencyAsync()));
        Assert.Equal(11, host.ActivationCount);
        Assert.True(_log.MaxConcurrentCalls > 1, "calls to different grains overlapped");
    }

    [Fact]
    public async Task IdleActivations_AreCollectedAndReactivateWithState()
    {
        await using var host = NewHost(new GrainHostOptions(TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1)));
        await host.GetGrain<ICounterGrain>("idle").IncrementAsync();
        await host.CollectIdleAsync();
        Assert.Equal(1, host.ActivationCount);  // used just now: not idle yet
        await Task.Delay(120);
        await host.CollectIdleAsync();
        Assert.Equal(0, host.ActivationCount);
        Assert.Equal(["idle"], _log.Deactivations);
        Assert.Equal(2, await host.GetGrain<ICounterGrain>("idle").IncrementAsync());
        Assert.Equal(2, _log.Activations.Count);
    }

    [Fact]
    public async Task TwoHostsOnOneDatabase_ConflictIsDetectedAndNoIncrementIsLost()
    {
        await using var first = NewHost();
        await using var second = NewHost();
        // Both activate the same grain (no cross-silo directory); each increment that loses the ETag race re-reads.
        await first.GetGrain<ICounterGrain>("shared").IncrementAsync();
        await second.GetGrain<ICounterGrain>("shared").IncrementAsync();
        Assert.Equal(2, await second.GetGrain<ICounterGrain>("shared").GetAsync());
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? first : second).GetGrain<ICounterGrain>("shared").IncrementAsync()));
        Assert.NotEmpty(_log.Conflicts);
        await using var third = NewHost();
        Assert.Equal(42, await third.GetGrain<ICounterGrain>("shared").GetAsync());
    }

    [Fact]
    public async Task GrainException_ReachesCallerUnwrapped_AndActivationSurvives()
    {
        await using var host = NewHost();
        var counter = host.GetGrain<ICounterGrain>("f");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => counter.FailAsync());
        Assert.Equal("grain says no", e.Message);
        Assert.Equal(1, await counter.IncrementAsync());
    }

    [Fact]
    public async Task UnregisteredInterface_IsRejected()
    {
        await using var host = new GrainHost(new SqliteGrainStorage(Path.Combine(_dir, "x.db")));
        Assert.Throws<InvalidOperationException>(() => host.GetGrain<ICounterGrain>("a"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
