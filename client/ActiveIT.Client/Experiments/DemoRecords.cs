using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;
using ActiveIT.Runs;

namespace ActiveIT.Client.Experiments;

/// <summary>
/// The records of the seeds every experiment of a demo has finished, written to its --out after each seed
/// (<see cref="FileName"/>). A long scale (the arena: about four hours on two cores) outlives a machine or a session;
/// `demo --restore FILE` on another machine brings these seeds over into a fresh data directory, and the run goes on
/// with the next seed. A seed is kept only once every experiment has finished it, so a restored seed never mixes
/// runs from two machines' bases.
/// </summary>
internal sealed record DemoRecords(string Scale, ulong PoolSeed, string CodeVersion, IReadOnlyList<ulong> Seeds, IReadOnlyList<Experiment> Experiments)
{
    public const string FileName = "records.json";

    /// <summary>Written beside, then moved over the old file: a killed run leaves the previous seed's records whole.</summary>
    public static async Task WriteAsync(string path, CurriculumDemo demo, IReadOnlyList<ulong> seeds, IReadOnlyList<Experiment> experiments)
    {
        var kept = experiments.Select(e => e with { Runs = [.. e.Runs.Where(r => seeds.Contains(r.Seed))], Progress = null, Runner = null }).ToList();
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(new DemoRecords(demo.Scale, demo.PoolSeed, RunEnvironment.Version, seeds, kept), Json.Indented));
        File.Move(temp, path, overwrite: true);
    }

    /// <exception cref="ArgumentException">The file is missing or is not a records file, named with the JSON path and line.</exception>
    public static DemoRecords Read(string path)
    {
        try
        {
            // Kept in git gzipped (docs/selection-arena-records.json.gz): the arena's records run to about 1.2 MB a seed.
            using var file = File.OpenRead(path);
            using Stream text = path.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file;
            var records = JsonSerializer.Deserialize<DemoRecords>(text, Json.Options);
            return records is { Scale: not null, Seeds: not null, Experiments: not null } ? records with { Path = path }
                : throw new ArgumentException($"{path}: not the {FileName} of a demo (no scale, seeds or experiments)");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: line {e.LineNumber + 1}, {e.Path}: not the {FileName} of a demo ({e.Message})");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{path}: {e.Message}");
        }
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public string Path { get; init; } = "";

    /// <summary>
    /// The recorded experiment of this config's name, paused, with the seeds every experiment finished. Its settings must
    /// be the config's but for two that belong to a machine or a store: where the bases lie, and the pool pins (kept as
    /// recorded; the run checks that this data directory's pools list the same tasks at those versions).
    /// </summary>
    /// <exception cref="ArgumentException">Another scale or pool, no such experiment, or other settings.</exception>
    public Experiment Restorable(ExperimentConfig config, CurriculumDemo demo)
    {
        if (Scale != demo.Scale || PoolSeed != demo.PoolSeed)
        {
            throw new ArgumentException($"{Path}: records of scale '{Scale}' on pool seed {PoolSeed}, not of scale '{demo.Scale}' on pool seed {demo.PoolSeed}");
        }
        var recorded = Experiments.FirstOrDefault(e => e.Name == config.Name)
            ?? throw new ArgumentException($"{Path}: no experiment '{config.Name}' (it has {string.Join(", ", Experiments.Select(e => e.Name))})");
        if (ActiveIT.Core.Curriculum.SelectionStrategies.TryParse(config.Strategy, out var strategy) && strategy.DefinedSince is { } since && recorded.CreatedAt < since)
        {
            throw new ArgumentException($"{Path}: experiment '{config.Name}' ran strategy '{strategy.Name}' as it was defined before {since:yyyy-MM-dd HH:mm} UTC " +
                $"(code {CodeVersion}); this code's '{strategy.Name}' selects otherwise (docs/selection.md), so its seeds would mix two definitions: " +
                $"leave it out with --strategies, or run it again");
        }
        var here = recorded.Config with { Model = recorded.Config.Model with { BaseCheckpoint = config.Model.BaseCheckpoint } };
        if (JsonSerializer.Serialize(here with { Pins = [] }) != JsonSerializer.Serialize(config with { Pins = [] }))
        {
            throw new ArgumentException($"{Path}: experiment '{config.Name}' was run with other settings than this code's scale '{demo.Scale}' (code {CodeVersion})");
        }
        return recorded with
        {
            Config = here,
            Status = RunStatus.Paused,
            Runs = [.. recorded.Runs.Where(r => Seeds.Contains(r.Seed))],
            Progress = null,
            Runner = null,
            Error = null,
        };
    }
}
