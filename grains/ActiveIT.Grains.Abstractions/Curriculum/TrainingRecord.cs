namespace ActiveIT.Grains.Curriculum;

[GenerateSerializer, Immutable, Alias("activeit.TrainingRecord")]
public sealed record TrainingRecord(
    string Checkpoint,
    string ModelVersion,
    int Examples,
    int Steps,
    int Epochs,
    double FinalLoss,
    long Tokens,
    double Seconds,
    double TokensPerSecond,
    string Device);
