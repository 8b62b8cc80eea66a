namespace ActiveIT.Grains.Runs;

/// <summary>Where a run of any kind is in its lifecycle: created → queued → running → completed, failed or cancelled (paused: its runner stopped and start resumes it).</summary>
// The alias is the name stored states were written under before runs had one status vocabulary.
[GenerateSerializer, Alias("activeit.RunStatus")]
public enum RunStatus
{
    /// <summary>Created, never started.</summary>
    Created,
    /// <summary>Waiting for a runner (a silo's run worker).</summary>
    Queued,
    Running,
    /// <summary>Its runner stopped (Ctrl+C, shutdown): start resumes it.</summary>
    Paused,
    /// <summary>Cancelled by a user: start resumes it.</summary>
    Cancelled,
    Completed,
    /// <summary>A step failed (see the error): start retries from the last completed step.</summary>
    Failed,
}
