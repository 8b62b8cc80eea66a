using ActiveIT.Grains.Runs;
using ActiveIT.Core.Curriculum;
using ActiveIT.Grains.Pools;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// <see cref="IExperimentService"/> over the grains: the embedded client and the silo both use it. Creation checks
/// the config against the pools (the held-out and initial tasks exist, enough tasks remain for every round).
/// </summary>
public sealed class ExperimentService(IGrainFactory grains, string experimentsDir) : IExperimentService
{
    public const string RegistryKey = "all";

    public async Task<Experiment> CreateAsync(ExperimentConfig config, string? owner = null, CancellationToken cancellationToken = default)
    {
        var errors = config.Validate().ToList();
        if (errors.Count == 0)
        {
            try
            {
                config = config with { Pins = await PinAsync(config) };
            }
            catch (ArgumentException e)
            {
                errors.Add($"pool: {e.Message}");
            }
        }
        if (errors.Count == 0)
        {
            errors.AddRange(await CheckPoolsAsync(config));
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException($"experiment '{config.Name}': {string.Join("; ", errors)}");
        }
        var experiment = await grains.GetGrain<ICurriculumGrain>(config.Name).CreateAsync(config, owner);
        await grains.GetGrain<IRunRegistryGrain>(RegistryKey).AddAsync(config.Name);
        return experiment;
    }

    public async Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken cancellationToken = default)
    {
        var experiments = new List<Experiment>();
        foreach (var name in await grains.GetGrain<IRunRegistryGrain>(RegistryKey).ListAsync())
        {
            if (await grains.GetGrain<ICurriculumGrain>(name).GetAsync() is { } experiment)
            {
                experiments.Add(experiment);
            }
        }
        return experiments;
    }

    public Task<Experiment?> GetAsync(string name, CancellationToken cancellationToken = default) => Grain(name).GetAsync();

    public IAsyncEnumerable<Experiment> WatchAsync(string name, TimeSpan interval, CancellationToken cancellationToken = default) =>
        ExperimentWatch.FollowAsync(grains, Grain(name), interval, cancellationToken);

    public Task<Experiment> StartAsync(string name, CancellationToken cancellationToken = default) => Grain(name).QueueAsync();

    public async Task<Experiment> CancelAsync(string name, CancellationToken cancellationToken = default)
    {
        var experiment = await Grain(name).CancelAsync();
        await grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key).RemoveAsync(RunKinds.Id(RunKinds.Curriculum, name));
        return experiment;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var grain = Grain(name);
        if (await grain.GetAsync() is null)
        {
            return false;
        }
        await grain.DeleteAsync();
        await grains.GetGrain<IRunQueueGrain>(IRunQueueGrain.Key).RemoveAsync(RunKinds.Id(RunKinds.Curriculum, name));
        await grains.GetGrain<IRunRegistryGrain>(RegistryKey).RemoveAsync(name);
        // The runner keeps each seed's checkpoints in a folder named after the experiment.
        if (Path.Combine(experimentsDir, name) is var dir && Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
        return true;
    }

    private ICurriculumGrain Grain(string name) => NameRule.IsValid(name)
        ? grains.GetGrain<ICurriculumGrain>(name)
        : throw new ArgumentException($"invalid experiment name '{name}': use 1–100 letters, digits, '-', '_' or '.'");

    /// <summary>The pools the experiment reads at the versions asked for (the head where none is), with their digests.</summary>
    private async Task<IReadOnlyList<PoolPin>> PinAsync(ExperimentConfig config)
    {
        var pins = new List<PoolPin>();
        foreach (var pool in new[] { config.Pool, config.Evaluation.Pool }.OfType<string>().Distinct())
        {
            var grain = grains.GetGrain<ITaskPoolGrain>(pool);
            var version = await grain.ResolveAsync(config.PinnedVersion(pool));
            var digest = TaskPoolGrainExtensions.Digest(await grain.ListAllAsync(version));
            if (config.Pins.FirstOrDefault(p => p.Pool == pool) is { Digest.Length: > 0 } asked && asked.Digest != digest)
            {
                // A config exported from another run: its pin names data this pool's version does not hold.
                throw new ArgumentException($"'{pool}' at version {version} lists other tasks than the run this config came from (digest {asked.Digest[..12]}, here {digest[..12]})");
            }
            pins.Add(new PoolPin(pool, version, digest));
        }
        return pins;
    }

    private async Task<IEnumerable<string>> CheckPoolsAsync(ExperimentConfig config)
    {
        var errors = new List<string>();
        var members = (await grains.GetGrain<ITaskPoolGrain>(config.Pool).ListAllAsync(config.PinnedVersion(config.Pool))).Where(m => m.Instances > 0).ToArray();
        if (members.Length == 0)
        {
            return [$"pool: '{config.Pool}' has no tasks with instances"];
        }
        // Tasks of held-out categories are evaluated apart and never candidates.
        var heldOutCategories = config.Evaluation.HeldOutCategories;
        var inHeldOut = members.Where(m => m.Categories.Count > 0 && heldOutCategories.Contains(m.Categories[0], StringComparer.Ordinal)).Select(m => m.TaskId)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var category in heldOutCategories.Where(c => !members.Any(m => m.Categories.Count > 0 && m.Categories[0] == c)))
        {
            errors.Add($"evaluation.held_out_categories: pool '{config.Pool}' has no task of category '{category}'");
        }
        if (heldOutCategories.Count > 0 && inHeldOut.Count < config.Evaluation.HeldOutCategoryTasks)
        {
            errors.Add($"evaluation.held_out_category_tasks: {config.Evaluation.HeldOutCategoryTasks} asked, pool '{config.Pool}' has {inHeldOut.Count} tasks in the held-out categories");
        }
        var pool = members.Select(m => m.TaskId).Where(id => !inHeldOut.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var evalPoolName = config.Evaluation.Pool ?? config.Pool;
        var evalPool = evalPoolName == config.Pool ? pool
            : (await grains.GetGrain<ITaskPoolGrain>(evalPoolName).ListAllAsync(config.PinnedVersion(evalPoolName))).Where(m => m.Instances > 0).Select(m => m.TaskId).ToHashSet(StringComparer.Ordinal);
        foreach (var id in config.Evaluation.TaskIds.Where(id => !evalPool.Contains(id)))
        {
            errors.Add($"evaluation.task_ids: pool '{evalPoolName}' has no task '{id}' with instances");
        }
        var held = config.Evaluation.TaskIds.Count > 0 ? config.Evaluation.TaskIds.Count : config.Evaluation.Tasks;
        if (held > evalPool.Count)
        {
            errors.Add($"evaluation.tasks: {held} held-out tasks asked, pool '{evalPoolName}' has {evalPool.Count}");
        }
        foreach (var id in config.Evaluation.DevTaskIds.Where(id => !pool.Contains(id)))
        {
            errors.Add($"evaluation.dev_task_ids: pool '{config.Pool}' has no task '{id}' with instances (or it is in a held-out category)");
        }
        foreach (var id in config.CandidateTaskIds.Where(id => !pool.Contains(id)))
        {
            errors.Add($"candidate_task_ids: pool '{config.Pool}' has no task '{id}' with instances (or it is in a held-out category)");
        }
        // What the runner's candidates are: the pool (or candidate_task_ids in it) less held-out and dev tasks; drawn
        // held-out and dev tasks come out of them too.
        var heldHere = evalPoolName == config.Pool;
        var named = (heldHere ? config.Evaluation.TaskIds : []).Concat(config.Evaluation.DevTaskIds).ToHashSet(StringComparer.Ordinal);
        var restricted = config.CandidateTaskIds.Count > 0 ? config.CandidateTaskIds.ToHashSet(StringComparer.Ordinal) : null;
        var dev = config.Evaluation.DevTaskIds.Count > 0 ? config.Evaluation.DevTaskIds.Count : config.Evaluation.DevTasks;
        var drawn = (heldHere && config.Evaluation.TaskIds.Count == 0 ? held : 0) + (config.Evaluation.DevTaskIds.Count == 0 ? dev : 0);
        var candidates = Math.Max(0, pool.Count(id => !named.Contains(id) && (restricted is null || restricted.Contains(id))) - drawn);
        foreach (var id in config.InitialTaskIds.Where(id => !pool.Contains(id) || config.Evaluation.TaskIds.Contains(id)))
        {
            errors.Add($"initial_task_ids: '{id}' is not a candidate task of pool '{config.Pool}' (missing, without instances, or held out)");
        }
        if (config.ParsedStrategy != SelectionStrategy.FullyTrained)
        {
            var initial = config.InitialTaskIds.Count > 0 ? config.InitialTaskIds.Count : config.InitialTasks;
            // Named initial tasks outside candidate_task_ids (Active-IT's train_tasks.txt beside remain_tasks.txt) take no candidate.
            var initialFromCandidates = config.InitialTaskIds.Count > 0 && restricted is not null ? config.InitialTaskIds.Count(restricted.Contains) : initial;
            var needed = initialFromCandidates + config.Rounds * config.TasksPerRound;
            if (needed > candidates)
            {
                var after = $"{(heldHere ? held : 0)} held out" + (dev > 0 ? $" and {dev} dev" : "");
                errors.Add($"rounds: {initialFromCandidates} initial + {config.Rounds} rounds × {config.TasksPerRound} tasks = {needed} tasks, " +
                           $"but pool '{config.Pool}' has {candidates} candidates{(restricted is null ? "" : " in candidate_task_ids")} after {after}");
            }
        }
        foreach (var path in config.Seeds.Select(config.Model.BaseCheckpointFor).OfType<string>().Distinct())
        {
            if (!File.Exists(path) && !File.Exists(Path.Combine(path, "config.json")))
            {
                errors.Add($"model.base_checkpoint: '{path}' is neither a checkpoint file nor a Hugging Face folder (config.json)");
            }
        }
        return errors;
    }
}
