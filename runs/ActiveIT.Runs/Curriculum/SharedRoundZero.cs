using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActiveIT.Engine.Checkpoints;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Runs.Curriculum;

/// <summary>
/// Round 0 is the same work for every strategy of a seed: the same base, initial tasks, training settings and
/// evaluation, so the same weights (training is deterministic at a fixed thread count) and the same scores. The first
/// experiment to finish it leaves its checkpoint and records under the experiments directory, keyed by everything
/// round 0 depends on; another takes them instead of training and evaluating again. The arena's fourteen experiments
/// per seed did it fourteen times, about a tenth of their compute. A full-adapter (LoRA) round 0 is not shared.
/// </summary>
internal sealed class SharedRoundZero(string experimentsDir)
{
    private sealed record Entry(TrainingRecord Training, EvaluationRecord Evaluation, string Experiment);

    /// <summary>What round 0 depends on: the config but for the experiment's name and what only later rounds use (its
    /// strategy and selection draw), the seed's split and the initial tasks. Pins carry the pools' digests.</summary>
    public static string Key(ExperimentConfig config, SeedRun run, SelectionRecord initial)
    {
        var inputs = JsonSerializer.Serialize(new
        {
            config = config with { Name = "", Strategy = "", SelectionDraw = 0 },
            run.Seed, run.EvaluationPool, run.EvaluationTaskIds, run.UnseenCategoryTaskIds, run.DevTaskIds,
            initial = initial.Selected.Select(s => s.TaskId),
            engine = Engine.EngineRuntime.Info.Threads,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputs)))[..32];
    }

    private string Folder(string key) => Path.Combine(experimentsDir, ".shared", "round-0", key);

    /// <summary>Copies a shared round 0 to this experiment's checkpoint; null when there is none (or it does not check out).</summary>
    public (TrainingRecord Training, EvaluationRecord Evaluation)? TryTake(string key, string checkpoint, string relativeCheckpoint)
    {
        var folder = Folder(key);
        var recordPath = Path.Combine(folder, "round-0.json");
        if (!File.Exists(recordPath))
        {
            return null;
        }
        var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(recordPath))!;
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        File.Copy(Path.Combine(folder, "model.safetensors"), checkpoint + ".part", overwrite: true);
        RoundCheckpoint.Move(checkpoint + ".part", checkpoint);
        if (CheckpointVersion.Of(checkpoint) != entry.Training.ModelVersion)
        {
            RoundCheckpoint.Delete(checkpoint);
            return null;
        }
        return (entry.Training with { Checkpoint = relativeCheckpoint, SharedFrom = entry.Experiment }, entry.Evaluation);
    }

    /// <summary>Leaves a finished round 0 for the experiments after this one; the first to finish it wins.</summary>
    public void Offer(string key, string checkpoint, TrainingRecord training, EvaluationRecord evaluation, string experiment)
    {
        var folder = Folder(key);
        if (Directory.Exists(folder) || !File.Exists(checkpoint))
        {
            return;
        }
        var temporary = folder + ".part-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(temporary);
        File.Copy(checkpoint, Path.Combine(temporary, "model.safetensors"));
        File.WriteAllText(Path.Combine(temporary, "round-0.json"), JsonSerializer.Serialize(new Entry(training, evaluation, experiment)));
        try
        {
            Directory.Move(temporary, folder);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            RoundCheckpoint.Delete(temporary);  // another experiment got there first
        }
    }
}
