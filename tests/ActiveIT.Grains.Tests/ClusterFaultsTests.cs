using ActiveIT.Grains.Runs;
using Orleans.Runtime;

namespace ActiveIT.Grains.Tests;

/// <summary>Which failures are the cluster's (retry) rather than the request's; a claim whose answer a dying silo lost.</summary>
public sealed class ClusterFaultsTests
{
    [Fact]
    public async Task ClaimLostToASiloDying_IsLetGo_RetriedUntilTheGrainAnswers_ThenTheFaultGoesOn()
    {
        var letGo = 0;
        var fault = await Assert.ThrowsAsync<SiloUnavailableException>(() => ClusterFaults.ClaimAsync<int>(
            () => throw new SiloUnavailableException("the grain's silo died after storing the claim"),
            () => ++letGo < 2 ? throw new SiloUnavailableException("membership has not caught up") : Task.CompletedTask));

        Assert.Equal(2, letGo);  // one refused by the dead silo, then the grain's new activation took it
        Assert.Contains("after storing the claim", fault.Message);
    }

    [Fact]
    public async Task ClaimAnswered_OrRefusedForItsOwnReason_IsNotLetGo()
    {
        var letGo = 0;
        Assert.Equal(7, await ClusterFaults.ClaimAsync(() => Task.FromResult(7), () => { letGo++; return Task.CompletedTask; }));
        await Assert.ThrowsAsync<RunStateException>(() => ClusterFaults.ClaimAsync<int>(
            () => throw new RunStateException("is running in another runner"), () => { letGo++; return Task.CompletedTask; }));
        Assert.Equal(0, letGo);
    }

    [Fact]
    public void DatabaseSaysTryAgain_EvenInsideOrleansStorageError_IsTransient_ItsOtherErrorsAreNot()
    {
        // The shape a silo logged when PostgreSQL ran out of connections under a cluster's imports (ClusterTests).
        static Exception Storage(string sqlState) => new OrleansException("Error from storage provider AdoNetGrainStorage.page during ReadStateAsync",
            new Npgsql.PostgresException("sorry, too many clients already", "FATAL", "FATAL", sqlState));

        Assert.True(ClusterFaults.IsTransient(Storage("53300")));   // too_many_connections
        Assert.True(ClusterFaults.IsTransient(Storage("40P01")));   // deadlock_detected
        Assert.False(ClusterFaults.IsTransient(Storage("23505")));  // unique_violation: retrying cannot help
        Assert.False(ClusterFaults.IsTransient(new OrleansException("a grain's own error", new InvalidOperationException("bad state"))));
        Assert.True(ClusterFaults.IsTransient(new InvalidOperationException("wrapped", new SiloUnavailableException("gone"))));
    }
}
