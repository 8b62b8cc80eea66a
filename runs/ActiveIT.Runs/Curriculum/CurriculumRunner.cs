using ActiveIT.Grains.Runs;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ActiveIT.Core;
using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Metrics;
using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Checkpoints;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Runs.Pretraining;
using ActiveIT.Runs.Scoring;

namespace ActiveIT.Runs.Curriculum;

/// <summary>
/// Runs an experiment's rounds (methods.md §1) on the local engine: per seed, split the pool; then each round score
/// the remaining tasks with the previous round's model → select → train (from the base model on every task selected
/// so far, or continuing) → evaluate on the held-out tasks. Every finished step is recorded in the curriculum grain
/// and every model saved as safetensors under <paramref name="experimentsDir"/>, so a killed run resumes at the first
/// unfinished step; steps are deterministic given the seed, so the result is the one an uninterrupted run reaches.
/// </summary>
public sealed class CurriculumRunner(IGrainFactory grains, string experimentsDir, string device, string codeVersion)
{
    private IGrainFactory Grains => grains;
    private string ExperimentsDir => experimentsDir;
    private string Device => device;

    /// <summary>The silo this runner works in (cluster id, silo address): within that cluster, membership decides when its lease is stale.</summary>
    public (string Cluster, string Silo)? Silo { get; init; }

    /// <summary>Set by a silo's worker: only a queued (or orphaned running) experiment is run, never one cancelled meanwhile.</summary>
    public bool FromQueue { get; init; }

    /// <summary>Run only the config's first N seeds, then leave the experiment paused (resumable) unless those are all its
    /// seeds: how several strategies advance seed by seed together, so their paired comparison grows as they run.</summary>
    public int? SeedLimit { get; init; }

    /// <summary>How often progress (and the runner's heartbeat) is written to the grain.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);

    public async Task<Experiment> RunAsync(string name, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var grain = grains.GetGrain<ICurriculumGrain>(name);
        if (await grain.GetAsync() is { Status: RunStatus.Completed } done)
        {
            return done;
        }
        var now = DateTimeOffset.UtcNow;
        var lease = RunnerLease.ForThisProcess(now, Silo?.Cluster, Silo?.Silo);
        var info = EngineRuntime.Info;
        var session = new RunSession(lease.Id, now, codeVersion, info.TorchVersion, device, info.Threads,
            RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription, EngineRuntime.DefaultPrecision.Name());
        var experiment = await ClusterFaults.ClaimAsync(() => grain.ClaimAsync(lease, session, FromQueue), () => grain.FinishAsync(lease.Id, RunStatus.Paused, null));
        try
        {
            var execution = new Execution(this, grain, experiment, lease.Id, progress, cancellationToken);
            await Task.Run(execution.RunAsync, CancellationToken.None);
            await grain.FinishAsync(lease.Id, SeedLimit is { } limit && limit < experiment.Config.Seeds.Count ? RunStatus.Paused : RunStatus.Completed, null);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or shutdown pauses; a cancel from a user has set the status already and is kept.
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Paused, null), ClusterFaults.RecoveryBudget);
            throw;
        }
        catch (Exception e) when (ClusterFaults.IsTransient(e))
        {
            // A silo died under a call: the run is not at fault. Paused where the grain can still be reached; the caller
            // (a silo's run worker, or a user rerunning the command) starts it again from its stored steps.
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Paused, null), ClusterFaults.RecoveryBudget);
            throw;
        }
        catch (Exception e)
        {
            await ClusterFaults.RetryAsync(() => grain.FinishAsync(lease.Id, RunStatus.Failed, e.Message), ClusterFaults.RecoveryBudget);
            throw;
        }
        return (await grain.GetAsync())!;
    }

    /// <summary>Where a round's checkpoint lives, relative to the experiments directory: a safetensors file, or with LoRA
    /// adapters their PEFT folder (its adapter_config.json names the base).</summary>
    public static string CheckpointPath(ExperimentConfig config, ulong seed, int round) =>
        Path.Combine(config.Name, $"seed-{seed}", config.Training.Lora is null ? $"round-{round}.safetensors" : $"round-{round}.adapter");

    /// <summary>Dimensions of the count-sketched gradient features (LESS projects to 8,192; our models have ~0.4 M weights).</summary>
    public const int FeatureDims = 2048;

    /// <summary>Model id of experiment checkpoints: with the weights' hash as version it keys the pool's cached scores.</summary>
    public static string ModelId(ModelSpec m) => $"gptj-{m.Layers}l-{m.Heads}h-{m.DModel}d-{m.Context}t";

    private sealed class Execution(CurriculumRunner runner, ICurriculumGrain grain, Experiment experiment, string runnerId,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        private readonly ExperimentConfig _config = experiment.Config;
        private readonly SelectionStrategy _strategy = experiment.Config.ParsedStrategy;
        private readonly SharedRoundZero _shared = new(runner.ExperimentsDir);
        private readonly Dictionary<(string Pool, string TaskId), InstructionTask> _tasks = [];
        private readonly Dictionary<string, Dictionary<string, PoolMember>> _members = [];
        private readonly Stopwatch _sinceReport = Stopwatch.StartNew();
        private (ulong Seed, int Index, int Round) _at;

        public async Task RunAsync()
        {
            for (var index = 0; index < Math.Min(_config.Seeds.Count, runner.SeedLimit ?? int.MaxValue); index++)
            {
                var seed = _config.Seeds[index];
                _at = (seed, index, 0);
                var run = experiment.Runs.SingleOrDefault(r => r.Seed == seed) ?? await SplitAsync(seed);
                var rounds = run.Rounds.ToDictionary(r => r.Round);
                var lastRound = _strategy == SelectionStrategy.FullyTrained ? 0 : _config.Rounds;
                if (Enumerable.Range(0, lastRound + 1).All(r => rounds.TryGetValue(r, out var x) && x.Evaluation is not null))
                {
                    // A finished seed's record is final: its checkpoints are not needed (records restored on another machine have none).
                    continue;
                }
                GptModel? model = null;  // the latest round's model, while it is in memory
                try
                {
                    for (var r = 0; r <= lastRound; r++)
                    {
                        _at = (seed, index, r);
                        using var span = RunTelemetry.StartRound(_config.Name, seed, r);
                        if (!rounds.TryGetValue(r, out var round))
                        {
                            // model: round r−1's, when this session trained or evaluated it; else selection loads its checkpoint
                            round = new RoundRecord(r, await SelectAsync(run, rounds, r, model));
                            await grain.RecordRoundAsync(runnerId, seed, round);
                            rounds[r] = round;
                        }
                        var checkpoint = Path.Combine(runner.ExperimentsDir, CheckpointPath(_config, seed, r));
                        model?.Dispose();
                        model = null;
                        var sharedKey = r == 0 && _config.Training.Lora is null ? SharedRoundZero.Key(_config, run, round.Selection) : null;
                        if (sharedKey is not null && round.Training is null && _shared.TryTake(sharedKey, checkpoint, CheckpointPath(_config, seed, r)) is var (sharedTraining, sharedEvaluation))
                        {
                            round = round with { Training = sharedTraining, Evaluation = sharedEvaluation };
                            await grain.RecordRoundAsync(runnerId, seed, round);
                            RunTelemetry.RoundsFinished.Add(1);
                            rounds[r] = round;
                            continue;
                        }
                        if (round.Training is null || !CheckpointIsValid(checkpoint, round.Training))
                        {
                            (model, var training) = await TrainAsync(run, rounds, r, checkpoint);
                            round = round with { Training = training };
                            await grain.RecordRoundAsync(runnerId, seed, round);
                        }
                        else if (round.Evaluation is null)
                        {
                            model = LoadModel(checkpoint);  // resuming between training and evaluation
                        }
                        if (round.Evaluation is null)
                        {
                            round = round with { Evaluation = await EvaluateAsync(run, model!, r) };
                            await grain.RecordRoundAsync(runnerId, seed, round);
                            RunTelemetry.RoundsFinished.Add(1);
                        }
                        if (sharedKey is not null && round.Training!.SharedFrom is null)
                        {
                            _shared.Offer(sharedKey, checkpoint, round.Training, round.Evaluation!, _config.Name);
                        }
                        EngineRuntime.ReleaseFreedMemory();  // what the round's scoring and evaluation freed
                        rounds[r] = round;
                    }
                }
                finally
                {
                    model?.Dispose();
                }
            }
        }

        /// <summary>This seed's held-out tasks, candidates and initial set (recorded as round 0's selection).</summary>
        private async Task<SeedRun> SplitAsync(ulong seed)
        {
            await ReportAsync("split", 0, 1, null, force: true);
            var pool = await MembersAsync(_config.Pool);
            var evalPool = _config.Evaluation.Pool ?? _config.Pool;
            var evalMembers = (await MembersAsync(evalPool)).Values.Where(m => m.Instances > 0 && !InHeldOutCategory(m)).ToArray();
            var evalIds = _config.Evaluation.TaskIds.Count > 0 ? _config.Evaluation.TaskIds
                : _config.Evaluation.StratifyByCategory ? StratifiedDraw.Draw(evalMembers.Select(m => (m.TaskId, m.Categories.FirstOrDefault() ?? "")),
                    _config.Evaluation.Tasks, SeededRandom.For(seed, "split/evaluation"))
                : Draw(evalMembers.Select(m => m.TaskId), _config.Evaluation.Tasks, SeededRandom.For(seed, "split/evaluation"));
            IReadOnlyList<string>? unseenCategoryIds = _config.Evaluation.HeldOutCategories.Count == 0 ? null
                : Draw(pool.Values.Where(m => m.Instances > 0 && InHeldOutCategory(m)).Select(m => m.TaskId), _config.Evaluation.HeldOutCategoryTasks,
                    SeededRandom.For(seed, "split/unseen-categories"));
            var heldOut = evalPool == _config.Pool ? evalIds : [];
            IReadOnlyList<string>? devIds = _config.Evaluation.DevTaskIds.Count > 0 ? _config.Evaluation.DevTaskIds
                : _config.Evaluation.DevTasks > 0 ? Draw(Candidates(pool, heldOut, []), _config.Evaluation.DevTasks, SeededRandom.For(seed, "split/dev"))
                : null;
            var candidates = Candidates(pool, heldOut, devIds ?? []);
            IReadOnlyList<string> initial = _config.InitialTaskIds.Count > 0 ? _config.InitialTaskIds
                : _strategy == SelectionStrategy.FullyTrained ? candidates
                : Draw(candidates, _config.InitialTasks, SeededRandom.For(seed, "split/initial"));
            var selected = new List<SelectedTask>();
            foreach (var id in initial)
            {
                var kind = TaskKind.Decide(await TaskAsync(_config.Pool, id));
                selected.Add(new SelectedTask(id, kind.Classification, KindRule: kind.Rule));
            }
            var round0 = new RoundRecord(0, new SelectionRecord(_strategy == SelectionStrategy.FullyTrained ? "fully-trained" : "initial", selected,
                selected.Count, candidates.Count, 0, 0, null, 0));
            var run = new SeedRun(seed, evalPool, [.. evalIds], [round0], unseenCategoryIds, devIds);
            await grain.RecordRunAsync(runnerId, run);
            return run;
        }

        /// <summary>Pool tasks with instances (within candidate_task_ids when set), minus the held-out and dev ones and every
        /// task of a held-out category, ordered by id.</summary>
        private List<string> Candidates(Dictionary<string, PoolMember> pool, IReadOnlyList<string> heldOut, IReadOnlyList<string> dev)
        {
            var excluded = heldOut.Concat(dev).ToHashSet(StringComparer.Ordinal);
            var allowed = _config.CandidateTaskIds.Count > 0 ? _config.CandidateTaskIds.ToHashSet(StringComparer.Ordinal) : null;
            return [.. pool.Values.Where(m => m.Instances > 0 && !excluded.Contains(m.TaskId) && !InHeldOutCategory(m) && (allowed is null || allowed.Contains(m.TaskId)))
                .Select(m => m.TaskId).Order(StringComparer.Ordinal)];
        }

        /// <summary>Whether a task's category (its first) is held out whole.</summary>
        private bool InHeldOutCategory(PoolMember m) =>
            m.Categories.Count > 0 && _config.Evaluation.HeldOutCategories.Contains(m.Categories[0], StringComparer.Ordinal);

        private static IReadOnlyList<string> Draw(IEnumerable<string> ids, int count, SeededRandom random)
        {
            var list = ids.Order(StringComparer.Ordinal).ToList();
            random.Shuffle(list);
            return list.Take(count).ToList();
        }

        /// <summary>Round r ≥ 1: score the not-yet-selected tasks with round r−1's model (when the strategy needs scores), then pick.</summary>
        private async Task<SelectionRecord> SelectAsync(SeedRun run, Dictionary<int, RoundRecord> rounds, int r, GptModel? previous)
        {
            var watch = Stopwatch.StartNew();
            var pool = await MembersAsync(_config.Pool);
            var taken = Enumerable.Range(0, r).SelectMany(i => rounds[i].Selection.Selected).Select(s => s.TaskId).ToHashSet(StringComparer.Ordinal);
            var remaining = Candidates(pool, run.EvaluationPool == _config.Pool ? run.EvaluationTaskIds : [], run.DevTaskIds ?? []).Where(id => !taken.Contains(id)).ToList();
            var kinds = new Dictionary<string, TaskKindDecision>();
            var lengths = new Dictionary<string, double>();
            foreach (var id in remaining)
            {
                var task = await TaskAsync(_config.Pool, id);
                kinds[id] = TaskKind.Decide(task);
                lengths[id] = CurriculumData.ResponseLength(task, run.Seed, _config);
            }
            var candidates = remaining.Select(id => new SelectionCandidate(id, kinds[id].Classification, ResponseLength: lengths[id])).ToList();
            var labelLoss = new Dictionary<string, double?>();
            int scoredNow = 0, cached = 0;
            string? scoreKey = null;
            using var loaded = _strategy.UsesModel && remaining.Count > 0 && previous is null
                ? LoadModel(Path.Combine(runner.ExperimentsDir, CheckpointPath(_config, run.Seed, r - 1))) : null;
            var scoring = previous ?? loaded;
            if (_strategy.NeedsScores && remaining.Count > 0)
            {
                var backend = new LocalEngineBackend(scoring!, ModelId(_config.Model), rounds[r - 1].Training!.ModelVersion);
                var s = _config.Scoring;
                var scorer = new PoolScorer(runner.Grains, backend, new ScorerConfig(s.Instances, s.Perturbations, s.DropProbability, s.Seed, s.MaxNewTokens,
                    CurriculumData.AnswerTokens(_config)));
                scoreKey = scorer.Key.ToString();
                await ReportAsync("score", 0, remaining.Count, scoreKey, force: true);
                var results = await scorer.ScoreAsync(_config.Pool, [.. remaining.Select(id => pool[id])],
                    new SyncProgress<(int Done, int Total)>(p => Report("score", p.Done, p.Total, scoreKey)), cancellationToken);
                var byId = results.ToDictionary(x => x.TaskId);
                candidates = [.. candidates.Select(c => byId[c.TaskId] is var x
                    ? c with { PromptUncertainty = x.PromptUncertainty, PredictionProbability = x.PredictionProbability, Perplexity = x.Perplexity, Ifd = x.Ifd } : c)];
                foreach (var x in results)
                {
                    labelLoss[x.TaskId] = x.LabelLoss;
                }
                scoredNow = results.Count(x => !x.Cached);
                cached = results.Count - scoredNow;
            }
            if (_strategy.NeedsFeatures && remaining.Count > 0)
            {
                var features = new FeatureScorer(runner.Grains, scoring!, ModelId(_config.Model), rounds[r - 1].Training!.ModelVersion, FeatureDims, _config.Scoring.Seed,
                    task => [.. CurriculumData.TrainingPairs(task, run.Seed, _config, scoring!.Tokenizer).Take(_config.Scoring.Instances)]);
                var target = new List<InstructionTask>();
                foreach (var id in _strategy.NeedsTarget ? run.DevTaskIds ?? [] : [])
                {
                    target.Add(await TaskAsync(_config.Pool, id));
                }
                var members = new List<(PoolMember, InstructionTask)>();
                foreach (var id in remaining)
                {
                    members.Add((pool[id], await TaskAsync(_config.Pool, id)));
                }
                scoreKey ??= features.Key([.. target.Select(t => t.Id)]).ToString();
                await ReportAsync("features", 0, remaining.Count, scoreKey, force: true);
                var results = await features.ScoreAsync(members, target, hidden: _strategy.NeedsHiddenStates,
                    new SyncProgress<(int Done, int Total)>(p => Report("features", p.Done, p.Total, null)), cancellationToken);
                var byId = results.ToDictionary(x => x.TaskId);
                candidates = [.. candidates.Select(c => byId[c.TaskId] is var x
                    ? c with { GradientSimilarity = x.GradientSimilarity, HiddenSimilarity = x.HiddenSimilarity, Hidden = x.Hidden } : c)];
                if (!_strategy.NeedsScores)
                {
                    scoredNow = results.Count(x => !x.Cached);
                    cached = results.Count - scoredNow;
                }
            }
            var count = Math.Min(_config.TasksPerRound, remaining.Count);
            var picked = TaskSelector.Select(candidates, _strategy, count, _config.ClassBalance, SeededRandom.For(run.Seed, _config.SelectionDraw == 0 ? $"select/round-{r}" : $"select/round-{r}/draw-{_config.SelectionDraw}"),
                _config.AmbiguousShare, _config.ClassShare);
            var byCandidate = candidates.ToDictionary(c => c.TaskId);
            var selected = picked.Select(id => byCandidate[id]).Select(c => (_strategy.NeedsScores
                ? new SelectedTask(c.TaskId, c.Classification, c.PromptUncertainty, c.PredictionProbability, c.Perplexity, kinds[c.TaskId].Rule,
                    labelLoss.GetValueOrDefault(c.TaskId), c.Ifd, c.ResponseLength)
                : new SelectedTask(c.TaskId, c.Classification, KindRule: kinds[c.TaskId].Rule, ResponseLength: c.ResponseLength)) with
                {
                    GradientSimilarity = _strategy.NeedsTarget ? c.GradientSimilarity : null,
                    HiddenSimilarity = _strategy.NeedsTarget ? c.HiddenSimilarity : null,
                }).ToList();
            return new SelectionRecord(_strategy.Name, selected, taken.Count + selected.Count, remaining.Count, scoredNow, cached, scoreKey, watch.Elapsed.TotalSeconds);
        }

        private async Task<(GptModel Model, TrainingRecord Record)> TrainAsync(SeedRun run, Dictionary<int, RoundRecord> rounds, int r, string checkpoint)
        {
            var t = _config.Training;
            GptModel model;
            var basePath = _config.Model.BaseCheckpointFor(run.Seed);
            if (t.ContinueTraining && r > 0)
            {
                model = LoadModel(Path.Combine(runner.ExperimentsDir, CheckpointPath(_config, run.Seed, r - 1)));
            }
            else if (basePath is not null)
            {
                model = LoadModel(basePath);
            }
            else
            {
                var m = _config.Model;
                model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, m.Layers, m.Heads, m.DModel, m.Context), run.Seed, runner.Device);
            }
            try
            {
                if (basePath is not null && !(t.ContinueTraining && r > 0) && t.Lora is { } lora)
                {
                    model.AttachLora(lora, SeededRandom.For(run.Seed, $"lora/round-{r}").NextULong());
                }
                var pairs = new List<TokenPair>();
                var fit = new CurriculumData.PromptTally();
                foreach (var id in Enumerable.Range(0, r + 1).SelectMany(i => rounds.TryGetValue(i, out var x) ? x.Selection.Selected : []).Select(s => s.TaskId))
                {
                    pairs.AddRange(CurriculumData.TrainingPairs(await TaskAsync(_config.Pool, id), run.Seed, _config, fit, model.Tokenizer));
                }
                var steps = TrainingLoop.StepCount(pairs.Count, t.BatchSize, t.Epochs);
                var config = new TrainingConfig((float)t.LearningRate, steps, Math.Min(t.WarmupSteps, steps), ParseSchedule(t.Schedule), (float)t.WeightDecay);
                await ReportAsync("train", 0, steps, $"{pairs.Count} examples", force: true);
                Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
                var best = t.SelectBestEpoch ? new BestEpoch(checkpoint + ".best.tmp", basePath) : null;
                var dev = t.SelectBestEpoch ? await DevSetAsync(run, model.Tokenizer) : null;
                var result = TrainingLoop.Train(model, pairs, config, t.BatchSize, t.Epochs, SeededRandom.For(run.Seed, $"batch-order/round-{r}").NextULong(),
                    new SyncProgress<TrainingProgress>(p => Report("train", p.Step, p.TotalSteps, $"loss {p.Result.Loss:F3}")),
                    best is null ? null : epoch => best.Offer(epoch, ScoreDev(model, dev!, epoch), model),
                    t.ExampleOrder == TrainingSpec.ByContentOrder ? ExampleOrder.ByContent : ExampleOrder.Shuffled, cancellationToken);
                RunTelemetry.TrainingTokens.Add(result.Tokens);
                if (best is not null && best.Epoch != t.Epochs - 1)
                {
                    // An earlier epoch won: its saved weights become the round's model and checkpoint.
                    model.Dispose();
                    RoundCheckpoint.Move(best.Path, checkpoint);
                    model = LoadModel(checkpoint);
                }
                else
                {
                    RoundCheckpoint.Save(model, checkpoint, basePath);  // a killed save never leaves a half-written checkpoint
                    RoundCheckpoint.Delete(best?.Path);
                }
                return (model, new TrainingRecord(CheckpointPath(_config, run.Seed, r), CheckpointVersion.Of(checkpoint), pairs.Count, result.Steps, result.Epochs,
                    result.FinalLoss, result.Tokens, result.Seconds, result.TokensPerSecond, model.Device,
                    best?.Scores, best is null ? null : best.Epoch + 1, best is null ? null : dev!.Metric, fit.Fit,
                    basePath, basePath is null ? null : CheckpointVersion.Of(basePath)));
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        /// <summary>This seed's dev tasks with their instances and prompts, read once per round before training starts.</summary>
        private async Task<DevSet> DevSetAsync(SeedRun run, Engine.Tokenizers.ITextTokenizer tokenizer)
        {
            var items = new List<(string Prompt, IReadOnlyList<string> References)>();
            var rewrite = true;
            foreach (var id in run.DevTaskIds ?? [])
            {
                var task = await TaskAsync(_config.Pool, id);
                rewrite &= task.Format == TaskFormat.StringRewrite;
                items.AddRange(CurriculumData.DevInstances(task, run.Seed, _config.Evaluation.DevInstancesPerTask)
                    .Select(x => (CurriculumData.Prompt(task, x.Input, _config, tokenizer: tokenizer), x.Outputs)));
            }
            return items.Count > 0 ? new DevSet(items, rewrite ? "exact_match" : "rouge_l")
                : throw new InvalidOperationException($"seed {run.Seed}: no dev tasks to select the best epoch on");
        }

        /// <summary>The dev score of the model's current weights: the experiment's metric (exact match for string rewriting,
        /// else ROUGE-L) over every dev instance, ×100 — as Active-IT's <c>rougeL_for_train</c> pools its dev instances.</summary>
        private double ScoreDev(GptModel model, DevSet dev, int epoch)
        {
            Report("dev", epoch + 1, _config.Training.Epochs, $"epoch {epoch + 1}: {dev.Items.Count} dev instances");
            var backend = new LocalEngineBackend(model, ModelId(_config.Model), "dev");
            var predictions = backend.GenerateAsync([.. dev.Items.Select(x => x.Prompt)], _config.Evaluation.MaxNewTokens, cancellationToken: cancellationToken)
                .GetAwaiter().GetResult();
            var scores = dev.Items.Select((x, i) => dev.Metric == "exact_match" ? Niv2Metrics.ExactMatch(predictions[i], x.References) : Niv2Metrics.RougeL(predictions[i], x.References));
            return Math.Round(100 * scores.Average(), 4);
        }

        private async Task<EvaluationRecord> EvaluateAsync(SeedRun run, GptModel model, int r)
        {
            var watch = Stopwatch.StartNew();
            var e = _config.Evaluation;
            var backend = new LocalEngineBackend(model, ModelId(_config.Model), "evaluation");
            var rows = new List<(InstructionTask Task, double Em, double Rouge, bool UnseenCategory)>();
            var fit = new CurriculumData.PromptTally();
            var tasks = run.EvaluationTaskIds.Select(id => (Pool: run.EvaluationPool, Id: id, Unseen: false))
                .Concat((run.UnseenCategoryTaskIds ?? []).Select(id => (Pool: _config.Pool, Id: id, Unseen: true))).ToArray();
            await ReportAsync("evaluate", 0, tasks.Length, null, force: true);
            foreach (var ((poolName, id, unseen), i) in tasks.Select((t, i) => (t, i)))
            {
                var task = await TaskAsync(poolName, id);
                var instances = CurriculumData.EvaluationInstances(task, run.Seed, e.InstancesPerTask, e.Instances == EvaluationSpec.FirstInstances);
                var prompts = instances.Select(x => CurriculumData.Prompt(task, x.Input, _config, fit, model.Tokenizer)).ToArray();
                var predictions = await backend.GenerateAsync(prompts, e.MaxNewTokens, cancellationToken: cancellationToken);
                rows.AddRange(instances.Select((x, j) => (task, Niv2Metrics.ExactMatch(predictions[j], x.Outputs), Niv2Metrics.RougeL(predictions[j], x.Outputs), unseen)));
                Report("evaluate", i + 1, tasks.Length, null);
            }
            static double Percent(IEnumerable<double> xs) => xs.Any() ? Math.Round(100 * xs.Average(), 4) : 0;
            var byCategory = rows.GroupBy(x => x.Task.Categories.FirstOrDefault() ?? "(none)").OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            var rewrite = rows.All(x => x.Task.Format == TaskFormat.StringRewrite);
            var seen = rows.Where(x => !x.UnseenCategory).ToArray();
            var other = rows.Where(x => x.UnseenCategory).ToArray();
            var em = Percent(seen.Select(x => x.Em));
            var rouge = Percent(seen.Select(x => x.Rouge));
            var unseenScore = other.Length == 0 ? null : new UnseenCategoryScore(rewrite ? Percent(other.Select(x => x.Em)) : Percent(other.Select(x => x.Rouge)),
                Percent(other.Select(x => x.Em)), Percent(other.Select(x => x.Rouge)), other.Select(x => x.Task.Id).Distinct().Count(), other.Length);
            return new EvaluationRecord(rewrite ? "exact_match" : "rouge_l", rewrite ? em : rouge, em, rouge,
                byCategory.ToDictionary(g => g.Key, g => Percent(g.Select(x => x.Em))),
                byCategory.ToDictionary(g => g.Key, g => Percent(g.Select(x => x.Rouge))),
                rows.GroupBy(x => x.Task.Id).ToDictionary(g => g.Key, g => Percent(g.Select(x => rewrite ? x.Em : x.Rouge))),
                run.EvaluationTaskIds.Count, seen.Length, watch.Elapsed.TotalSeconds, unseenScore, fit.Fit);
        }

        private async Task<Dictionary<string, PoolMember>> MembersAsync(string pool)
        {
            if (!_members.TryGetValue(pool, out var members))
            {
                // The version pinned at creation, never the head: later changes to the pool do not reach this run.
                var pin = _config.Pins.FirstOrDefault(p => p.Pool == pool);
                var listed = await runner.Grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync(pin?.Version);
                if (listed.Count == 0)
                {
                    throw new InvalidOperationException($"pool '{pool}' is empty or does not exist");
                }
                if (pin is not null && pin.Digest.Length > 0 && TaskPoolGrainExtensions.Digest(listed) != pin.Digest)
                {
                    throw new InvalidOperationException($"pool '{pool}' at version {pin.Version} no longer lists what it did when the experiment was created (digest differs)");
                }
                members = listed.ToDictionary(m => m.TaskId);
                _members[pool] = members;
            }
            return members;
        }

        private async Task<InstructionTask> TaskAsync(string pool, string id)
        {
            if (!_tasks.TryGetValue((pool, id), out var task))
            {
                var member = (await MembersAsync(pool)).GetValueOrDefault(id) ?? throw new InvalidOperationException($"pool '{pool}' has no task '{id}'");
                task = await runner.Grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync()
                    ?? throw new InvalidOperationException($"pool '{pool}': task '{id}' has no stored content");
                _tasks[(pool, id)] = task;
            }
            return task;
        }

        private void Report(string step, long done, long total, string? detail) =>
            ReportAsync(step, done, total, detail, force: done == total).GetAwaiter().GetResult();

        /// <summary>Progress to the caller every time; to the grain (the heartbeat, and where cancellation is noticed) every few seconds.</summary>
        private async Task ReportAsync(string step, long done, long total, string? detail, bool force)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rounds = _strategy == SelectionStrategy.FullyTrained ? 0 : _config.Rounds;
            var p = new ExperimentProgress(_at.Seed, _at.Index, _config.Seeds.Count, _at.Round, rounds, step, done, total, detail, DateTimeOffset.UtcNow);
            progress?.Report(p);
            if (force || _sinceReport.Elapsed >= runner.ProgressInterval)
            {
                _sinceReport.Restart();
                await grain.ReportProgressAsync(runnerId, p);
            }
        }

        private static LrSchedule ParseSchedule(string name) => name switch
        {
            "constant" => LrSchedule.Constant,
            "cosine" => LrSchedule.Cosine,
            _ => LrSchedule.Linear,
        };

        /// <summary>A checkpoint as this experiment reads it: on its device, its prompts in the chat template when asked.</summary>
        private GptModel LoadModel(string path)
        {
            var model = GptModel.Load(path, runner.Device);
            if (_config.Model.ChatTemplate)
            {
                try
                {
                    model.UseChatTemplate();
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }
            return model;
        }

        private static bool CheckpointIsValid(string path, TrainingRecord training) =>
            (File.Exists(path) || Directory.Exists(path)) && CheckpointVersion.Of(path) == training.ModelVersion;
    }
}
