using System.Diagnostics;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Client.Tests;

/// <summary>Kills a CLI process running an experiment once its round 1 has begun (SIGKILL, the whole process tree).</summary>
internal static class RunKiller
{
    public static async Task KillOnceRound1BeginsAsync(Process child, ExperimentService service, string experiment)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await service.GetAsync(experiment))!.Runs.SingleOrDefault()?.Rounds.Any(r => r.Round == 1) != true)
        {
            Assert.False(child.HasExited, "the run ended before it could be killed");
            Assert.True(DateTime.UtcNow < deadline, "round 1 never began");
            await Task.Delay(20);
        }
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
    }
}
