namespace ActiveIT.Grains.Curriculum;

/// <summary>The request conflicts with the experiment's state (exists already, running elsewhere): HTTP 409 on the silo.</summary>
[GenerateSerializer, Alias("activeit.ExperimentStateException")]
public sealed class ExperimentStateException(string message) : InvalidOperationException(message);
