using ActiveIT.Grains.Runs;
using Orleans.Runtime;

namespace ActiveIT.Grains.Tests;

/// <summary>A claim whose answer a dying silo lost: the runner lets go of it before the fault goes on.</summary>
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
}
