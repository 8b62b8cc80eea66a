namespace ActiveIT.Silo.Runs;

/// <summary>
/// Executes the claimed runs of one kind on this silo. It resumes from what the run's grain recorded, and stops with
/// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires (the silo shuts down, or
/// the claim was lost) or the run's grain refuses its writes (cancelled, or taken over).
/// </summary>
public interface IRunExecutor
{
    string Kind { get; }

    Task<string> ExecuteAsync(string name, string silo, CancellationToken cancellationToken);

    /// <summary>After a shutdown interrupted it: marks the run queued again, so the next silo resumes it.</summary>
    Task RequeueAsync(string name);
}
