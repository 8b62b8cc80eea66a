using ActiveIT.Grains.Runs;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// A claimed generic run as its kind's work sees it: where to report progress, the steps it finished before (in any
/// session, on any silo: the run's grain keeps them), and how to store the next one before going on.
/// </summary>
public sealed class RunContext(IRunGrain grain, string runnerId, IReadOnlyList<RunStep> done, IProgress<RunProgress> progress, CancellationTokenSource refused)
{
    public IProgress<RunProgress> Progress => progress;

    public IReadOnlyList<RunStep> Done => done;

    /// <summary>Stores a finished step (its result as JSON) in the run's grain; refused when the run was cancelled or taken over, which stops the work.</summary>
    public Task RecordStepAsync(string key, string result) => StopIfRefusedAsync(grain.RecordStepAsync(runnerId, key, result), refused);

    /// <summary>The grain's refusal of a runner's write (<see cref="OperationCanceledException"/>) cancels the work too.</summary>
    internal static async Task StopIfRefusedAsync(Task write, CancellationTokenSource work)
    {
        try
        {
            await write;
        }
        catch (OperationCanceledException)
        {
            await work.CancelAsync();
            throw;
        }
    }
}
