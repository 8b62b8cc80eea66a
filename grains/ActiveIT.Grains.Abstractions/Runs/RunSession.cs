namespace ActiveIT.Grains.Runs;

/// <summary>One start or resume of a run: what code and libraries produced the rounds that followed.</summary>
[GenerateSerializer, Immutable, Alias("activeit.RunSession")]
public sealed record RunSession(string Runner, DateTimeOffset StartedAt, string CodeVersion, string TorchVersion, string Device, int Threads,
    string Dotnet, string Os, string Precision = "fp32");
