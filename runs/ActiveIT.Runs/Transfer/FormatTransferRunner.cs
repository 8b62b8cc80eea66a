using System.Diagnostics;
using System.Text.Json;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Runs;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Runs.Transfer;

/// <summary>
/// Format transfer of a pool (methods.md §2), resumable: for each task, the N candidates its grain lacks are requested
/// (each stored as it arrives; a request is sent only while the budget lasts), parsed, scored by the scoring backend
/// (cached per scoring key) and the least perplexing one is applied to the task. The chosen transfers go to the output
/// pool in one import; the source pool is never changed. A refused request fails its candidate; a server that cannot
/// be used stops the run, which the same command resumes.
/// </summary>
public sealed class FormatTransferRunner(IGrainFactory grains, IChatBackend chat, IModelBackend? scorer, TransferSettings settings)
{
    public string ScoreKey => settings.Denoise.Enabled
        ? $"{scorer?.ModelId}@{scorer?.ModelVersion}/{settings.Denoise}"
        : settings.Denoise.ToString();

    /// <summary>Checks the settings and pools before anything runs (the silo answers 400 from here, before its stream starts).</summary>
    public async Task<IReadOnlyList<PoolMember>> ValidateAsync(string sourcePool, string outPool, long? sourceVersion = null)
    {
        settings.Config.Validate();
        PoolService.ValidatePoolName(sourcePool);
        PoolService.ValidatePoolName(outPool);
        if (sourcePool == outPool)
        {
            throw new ArgumentException($"--out-pool must differ from --pool: the source pool '{sourcePool}' is never changed");
        }
        if (settings.Denoise.Enabled && scorer is null)
        {
            throw new ArgumentException("denoising needs a scoring model (--scorer FILE or --scorer-backend URL), or choose the first parsed candidate with --no-denoise");
        }
        if (settings.SeedPairs.Count < settings.Config.SeedPairs)
        {
            throw new ArgumentException($"--k {settings.Config.SeedPairs}: only {settings.SeedPairs.Count} seed pairs were given");
        }
        var members = await grains.GetGrain<ITaskPoolGrain>(sourcePool).ListAllAsync(sourceVersion);
        return members.Count > 0 ? members : throw new ArgumentException($"pool '{sourcePool}' has no tasks" + (sourceVersion is { } v ? $" at version {v}" : ""));
    }

    /// <param name="runnerId">The lease a silo's worker claimed the run under; null when the CLI drives the run itself.</param>
    /// <param name="sourceVersion">The source pool's version to read; null: the version the run began with, else the head now.</param>
    public async Task<TransferRunState> RunAsync(string sourcePool, string outPool, IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default, string? runnerId = null, long? sourceVersion = null)
    {
        var config = settings.Config;
        var run = grains.GetGrain<ITransferRunGrain>(outPool);
        // Pinned when the run first begins: a resume, or a re-run after a stop, reads the same tasks whatever the pool became.
        var version = await grains.GetGrain<ITaskPoolGrain>(sourcePool).ResolveAsync(sourceVersion ?? (await run.GetAsync()).Spec?.SourceVersion);
        var members = await ValidateAsync(sourcePool, outPool, version);
        var spec = new TransferRunSpec(sourcePool, outPool, config.Target.Name(), config.Key(), config.ToString(), ScoreKey, settings.Labels.ToString(),
            settings.Budget.ToString(), chat.Describe, version, TaskPoolGrainExtensions.Digest(members));
        var state = await run.BeginAsync(spec, members.Count, runnerId);
        var spend = new TransferSpend(state.Requests, state.PromptTokens, state.CompletionTokens, state.Cost);
        var watch = Stopwatch.StartNew();
        var transferred = new List<InstructionTask>();
        string? stop = null;
        for (var done = 0; done < members.Count && stop is null; done++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var member = members[done];
            var task = await grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync()
                ?? throw new InvalidOperationException($"pool '{sourcePool}': task '{member.TaskId}' has no stored content");
            var grain = grains.GetGrain<IFormatTransferGrain>(IFormatTransferGrain.Key(member.ContentHash, config.Target.Name(), config.Key()));
            (spend, stop) = await RequestMissingAsync(grain, task, run, runnerId, spend, cancellationToken);
            if (stop is not null && (await grain.GetAsync()).Candidates.Count < config.Candidates)
            {
                break;  // chosen only among all N candidates: this task waits for the resumed run
            }
            var outcome = await ChooseAsync(grain, task, member.ContentHash, cancellationToken);
            if (outcome.Task is { } result)
            {
                transferred.Add(result);
            }
            await run.RecordTaskAsync(runnerId, outcome.Outcome);
            progress?.Report(new TransferProgress(done + 1, members.Count, spend));
        }
        if (transferred.Count > 0)
        {
            await new PoolService(grains).ImportAsync(outPool, transferred, $"transfer of '{sourcePool}' ({config.Key()})", cancellationToken: cancellationToken);
        }
        await run.FinishAsync(runnerId, stop is null ? RunStatus.Completed : RunStatus.Paused, stop, watch.Elapsed.TotalSeconds);
        return await run.GetAsync();
    }

    /// <summary>Requests the candidates the grain lacks, each stored as it arrives; returns the spend and why the run must stop, if it must.</summary>
    private async Task<(TransferSpend Spend, string? Stop)> RequestMissingAsync(IFormatTransferGrain grain, InstructionTask task, ITransferRunGrain run,
        string? runnerId, TransferSpend spend, CancellationToken cancellationToken)
    {
        var config = settings.Config;
        var messages = TransferPrompt.Messages(config.Target, settings.SeedPairs.Take(config.SeedPairs).ToArray(), TaskText.Source(task));
        await grain.BeginAsync(task.Id, config.Target.Name(), config.ToString(), chat.Describe,
            JsonSerializer.Serialize(messages.Select(m => new { role = m.Role, content = m.Content })));
        var have = (await grain.GetAsync()).Candidates.Select(c => c.Index).ToHashSet();
        for (var index = 0; index < config.Candidates; index++)
        {
            if (have.Contains(index))
            {
                continue;  // answered in an earlier session: never asked twice
            }
            if (settings.Budget.Exhausted(spend) is { } reason)
            {
                return (spend, reason);
            }
            var seed = config.CandidateSeed(index);
            TransferCandidate candidate;
            try
            {
                var answer = await chat.CompleteAsync(messages, config.Temperature, config.MaxTokens, seed, cancellationToken);
                candidate = Parse(index, seed, answer);
                spend = spend.Add(answer.PromptTokens, answer.CompletionTokens, settings.Prices);
                await run.RecordRequestAsync(runnerId, answer.PromptTokens, answer.CompletionTokens, settings.Prices.Cost(answer.PromptTokens, answer.CompletionTokens));
            }
            catch (ChatRefusedException e)
            {
                var (prompt, completion) = (e.Data["prompt_tokens"] as int? ?? 0, e.Data["completion_tokens"] as int? ?? 0);
                candidate = new TransferCandidate(index, seed, "", "refused", null, e.Message, [], prompt, completion, DateTimeOffset.UtcNow, new Dictionary<string, double>());
                spend = spend.Add(prompt, completion, settings.Prices);
                await run.RecordRequestAsync(runnerId, prompt, completion, settings.Prices.Cost(prompt, completion));
            }
            catch (ChatUnavailableException e)
            {
                return (spend, e.Message);
            }
            await grain.AddCandidateAsync(candidate);
        }
        return (spend, null);
    }

    private TransferCandidate Parse(int index, ulong seed, ChatAnswer answer)
    {
        string? parsed = null, error = null;
        IReadOnlyList<string> warnings = [];
        try
        {
            if (settings.Config.Target == TransferTarget.Niv2)
            {
                var niv2 = CandidateParser.ParseNiv2(answer.Text, answer.FinishReason == "length");
                (parsed, warnings) = (TaskText.Niv2(niv2.Definition, niv2.Examples), niv2.Warnings);
            }
            else
            {
                var flan = CandidateParser.ParseFlan(answer.Text, answer.FinishReason == "length");
                (parsed, warnings) = (TaskText.Flan(flan.Templates), flan.Warnings);
            }
        }
        catch (TransferParseException e)
        {
            error = e.Message;
        }
        return new TransferCandidate(index, seed, answer.Text, answer.FinishReason, parsed, error, warnings, answer.PromptTokens, answer.CompletionTokens,
            DateTimeOffset.UtcNow, new Dictionary<string, double>());
    }

    /// <summary>The candidate's text applied to its source task, in the target format (labels mapped).</summary>
    public InstructionTask Apply(InstructionTask source, TransferCandidate candidate)
    {
        var provenance = new Dictionary<string, string>
        {
            ["config"] = settings.Config.Key(), ["candidate"] = $"{candidate.Index}", ["backend"] = chat.Describe, ["choice"] = ScoreKey,
            ["labels"] = settings.Labels.ToString(),
        };
        return settings.Config.Target == TransferTarget.Niv2
            ? TransferApply.ToNiv2(source, CandidateParser.ParseNiv2(candidate.Parsed!), settings.Labels, provenance)
            : TransferApply.ToFlan(source, CandidateParser.ParseFlan(candidate.Parsed!), settings.Labels, provenance);
    }

    private async Task<(TransferTaskOutcome Outcome, InstructionTask? Task)> ChooseAsync(IFormatTransferGrain grain, InstructionTask source, string hash,
        CancellationToken cancellationToken)
    {
        var state = await grain.GetAsync();
        var usable = state.Candidates.Where(c => c.Usable).ToArray();
        TransferTaskOutcome Failed(string reason) =>
            new(source.Id, hash, TransferTaskOutcome.Failed, null, null, state.Candidates.Count, usable.Length, reason);
        if (usable.Length == 0)
        {
            var reasons = state.Candidates.Select(c => c.Error).Where(e => e is not null).Distinct().Take(3);
            return (Failed(state.Candidates.Count == 0 ? "no candidates yet" : $"no candidate could be used: {string.Join("; ", reasons)}"), null);
        }
        InstructionTask[] applied;
        try
        {
            applied = [.. usable.Select(c => Apply(source, c))];
        }
        catch (ArgumentException e)
        {
            return (Failed(e.Message), null);  // a label the strict map does not know: the config's problem, named
        }
        int chosen;
        double? score = null;
        if (state.Chosen.TryGetValue(ScoreKey, out var cached))
        {
            chosen = cached;
            score = usable.First(c => c.Index == cached).Scores.TryGetValue(ScoreKey, out var s) ? s : null;
        }
        else
        {
            var scores = new Dictionary<int, double>();
            if (settings.Denoise.Enabled)
            {
                try
                {
                    for (var i = 0; i < usable.Length; i++)
                    {
                        scores[usable[i].Index] = await CandidateScorer.ScoreAsync(scorer!, applied[i], settings.Denoise, cancellationToken);
                    }
                }
                catch (ArgumentException e)
                {
                    return (Failed(e.Message), null);
                }
                // Lowest mean cross-entropy wins; ties go to the earlier candidate.
                chosen = scores.OrderBy(p => p.Value).ThenBy(p => p.Key).First().Key;
                score = scores[chosen];
            }
            else
            {
                chosen = usable[0].Index;
            }
            await grain.ChooseAsync(ScoreKey, scores, chosen);
        }
        if (score > settings.Denoise.MaxScore)
        {
            return (new TransferTaskOutcome(source.Id, hash, TransferTaskOutcome.Failed, chosen, score, state.Candidates.Count, usable.Length,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the best candidate scores {score:F4}, above the threshold {settings.Denoise.MaxScore}")), null);
        }
        var task = applied[Array.FindIndex(usable, c => c.Index == chosen)];
        return (new TransferTaskOutcome(source.Id, hash, TransferTaskOutcome.Transferred, chosen, score, state.Candidates.Count, usable.Length, null), task);
    }
}
