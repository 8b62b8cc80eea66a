using ActiveIT.Grains.Runs;
using System.Text.Json.Serialization;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// An experiment as stored by its curriculum grain and returned to clients: its config, status, what each seed's run
/// has completed, the latest progress, and every session that worked on it (with code and library versions). Its owner
/// is who created it through a silo (the key's id; null when created by an embedded CLI).
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.Experiment")]
public sealed record Experiment(
    ExperimentConfig Config,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<SeedRun> Runs,
    ExperimentProgress? Progress,
    RunnerLease? Runner,
    IReadOnlyList<RunSession> Sessions,
    string? Error,
    string? Owner = null)
{
    [JsonIgnore]
    public string Name => Config.Name;

    /// <summary>Rounds with an evaluation, over all seeds, and how many there will be.</summary>
    [JsonIgnore]
    public (int Done, int Total) CompletedRounds =>
        (Runs.Sum(r => r.Rounds.Count(x => x.Evaluation is not null)), Config.Seeds.Count * (Config.Rounds + 1));
}
