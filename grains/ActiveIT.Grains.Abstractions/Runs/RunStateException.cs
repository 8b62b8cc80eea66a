namespace ActiveIT.Grains.Runs;

/// <summary>A lifecycle step a run's current state does not allow (create over an existing run, start while running, …).</summary>
// The alias is the name this was sent under before runs had one contract.
[GenerateSerializer, Alias("activeit.RunStateException")]
public sealed class RunStateException(string message) : InvalidOperationException(message);
