namespace ActiveIT.Grains.Runs;

/// <summary>The part of a run's stored record that its lifecycle moves: status, runner, sessions, time worked, last change.</summary>
public interface IRunLifecycle
{
    RunStatus Status { get; set; }

    RunnerLease? Runner { get; set; }

    List<RunSession> Sessions { get; }

    double Seconds { get; set; }

    DateTimeOffset UpdatedAt { get; set; }
}
