using ActiveIT.Grains.Runs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace ActiveIT.Grains.Tests;

/// <summary>The cluster's run queue: claims live under a lease their worker renews; one not renewed goes back to the front.</summary>
public sealed class RunQueueTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-queue-").FullName;
    private Hosting.EmbeddedSilo _host = null!;

    public async Task InitializeAsync() => _host = await TestSilos.SqliteAsync(_dir,
        silo => silo.Services.Configure<RunQueueOptions>(o => o.ClaimTimeout = TimeSpan.FromSeconds(1)));

    private IRunQueueGrain Queue => _host.Grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key);

    // A live silo: its claims are lost only by their lease, never by membership.
    private string Silo => _host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();

    [Fact]
    public async Task AClaimNotRenewed_Expires_AndIsQueuedAgain_WhileARenewedOneStays()
    {
        await Queue.EnqueueAsync("transfer/stalled");
        await Queue.EnqueueAsync("curriculum/busy");
        Assert.Equal("transfer/stalled", await Queue.ClaimAsync(Silo));
        Assert.Equal("curriculum/busy", await Queue.ClaimAsync(Silo));
        Assert.Null(await Queue.ClaimAsync(Silo));

        for (var i = 0; i < 6; i++)  // 1.5 s: only "busy" is renewed, as a worker running it would
        {
            await Task.Delay(250);
            Assert.True(await Queue.RenewAsync("curriculum/busy", Silo));
        }
        await Queue.RecoverAsync();
        var state = await Queue.GetAsync();
        Assert.Equal(["transfer/stalled"], state.Queued);
        Assert.Equal(["curriculum/busy"], state.Claims.Keys);
        Assert.False(await Queue.RenewAsync("transfer/stalled", Silo));  // its old holder learns the claim is gone

        Assert.Equal("transfer/stalled", await Queue.ClaimAsync(Silo));  // the next worker takes it over
        await Queue.ReleaseAsync("transfer/stalled", Silo, requeue: false);
        Assert.DoesNotContain("transfer/stalled", (await Queue.GetAsync()).Claims.Keys);
    }

    [Fact]
    public async Task ARunStartedAgainWhileItsWorkerStillHoldsIt_IsQueuedWhenTheWorkerLetsGo()
    {
        await Queue.EnqueueAsync("scoring/again");
        Assert.Equal("scoring/again", await Queue.ClaimAsync(Silo));
        await Queue.EnqueueAsync("scoring/again");  // its run finished and a client started it anew before the release
        Assert.Empty((await Queue.GetAsync()).Queued);
        await Queue.ReleaseAsync("scoring/again", Silo, requeue: false);
        Assert.Equal(["scoring/again"], (await Queue.GetAsync()).Queued);
        Assert.Equal("scoring/again", await Queue.ClaimAsync(Silo));
        await Queue.ReleaseAsync("scoring/again", Silo, requeue: false);
        Assert.Empty((await Queue.GetAsync()).Queued);  // once only
    }

    [Fact]
    public async Task ARunIdMustNameItsKind()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Queue.EnqueueAsync("no-kind"));
        Assert.Empty((await Queue.GetAsync()).Queued);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
