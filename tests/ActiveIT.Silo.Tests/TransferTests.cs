using ActiveIT.Grains.Runs;
using ActiveIT.Runs.Transfer;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;
using ActiveIT.Grains.Hosting;
using ActiveIT.Grains.Pools;
using ActiveIT.Grains.Storage;
using ActiveIT.Grains.Transfer;
using Microsoft.Extensions.DependencyInjection;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// Format transfer (issue #11) end to end: the real OpenAI package against a protocol-faithful stand-in for OpenAI's
/// endpoint, the resumable runner on a real Orleans silo, denoising on the real engine, and the silo's own chat
/// endpoint and /v1/runs/transfer API.
/// </summary>
public sealed class TransferTests : IAsyncLifetime
{
    private const string Key = "sk-test-0123456789";
    private static readonly ChatTurn[] Conversation = [new("system", "You rewrite tasks."), new("user", "Format: Flan\nInstruction: Replace \"ab\" with \"ba\".")];

    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-transfer-").FullName;
    private ChatStandIn _server = null!;

    public async Task InitializeAsync() => _server = await ChatStandIn.StartAsync();

    private OpenAiChatBackend Chat(int maxRetries = 3, double timeoutSeconds = 30) =>
        new(_server.Endpoint, "gpt-4o-mini", Key, maxRetries, TimeSpan.FromSeconds(timeoutSeconds));

    // ---- the chat backend against the stand-in: the protocol ----

    [Fact]
    public async Task Answer_IsRead_AndTheRequestSpeaksTheProtocol()
    {
        _server.Script = (_, _) => Task.FromResult(ChatStandIn.Completion("Definition: Copy.", "stop", promptTokens: 321, completionTokens: 7));
        var answer = await Chat().CompleteAsync(Conversation, 0.7f, 256, seed: 42);
        Assert.Equal(new ChatAnswer("Definition: Copy.", "stop", 321, 7), answer);

        var request = Assert.Single(_server.Arrived);
        Assert.Equal($"Bearer {Key}", request.Authorization);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.Equal(42, request.Seed);
        Assert.Equal(0.7, request.Body["temperature"]!.GetValue<double>(), 1e-6);
        Assert.Equal(256, (request.Body["max_completion_tokens"] ?? request.Body["max_tokens"])!.GetValue<int>());
        var messages = request.Body["messages"]!.AsArray();
        Assert.Equal(["system", "user"], messages.Select(m => (string)m!["role"]!));
        Assert.Equal(Conversation[1].Content, (string)messages[1]!["content"]!);
    }

    [Fact]
    public async Task RateLimited_IsRetriedAfterTheServersRetryAfter()
    {
        _server.Script = (r, context) => Task.FromResult(r.Number == 1 ? ChatStandIn.RateLimited(context, 1) : ChatStandIn.Completion("Definition: Copy."));
        var answer = await Chat().CompleteAsync(Conversation, 0, 64, 1);
        Assert.Equal("Definition: Copy.", answer.Text);
        var arrived = _server.Arrived;
        Assert.Equal(2, arrived.Count);
        var waited = arrived[1].At - arrived[0].At;
        Assert.True(waited >= TimeSpan.FromSeconds(0.9), $"retried {waited.TotalSeconds:F2} s after a 429 with retry-after: 1");
        Assert.Equal(arrived[0].Body.ToJsonString(), arrived[1].Body.ToJsonString());  // the same request again
    }

    [Fact]
    public async Task ServerError_IsRetried()
    {
        _server.Script = (r, _) => Task.FromResult(r.Number == 1 ? ChatStandIn.ServerError() : ChatStandIn.Completion("Definition: Copy."));
        Assert.Equal("Definition: Copy.", (await Chat().CompleteAsync(Conversation, 0, 64, 1)).Text);
        Assert.Equal(2, _server.Arrived.Count);

        // Still failing after the retries: the server cannot be used.
        _server.Script = (_, _) => Task.FromResult(ChatStandIn.ServerError());
        var e = await Assert.ThrowsAsync<ChatUnavailableException>(() => Chat(maxRetries: 1).CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains("500", e.Message);
        Assert.Equal(4, _server.Arrived.Count);  // the first try and one retry
    }

    [Fact]
    public async Task ServerThatHangs_TimesOut_AsUnavailable()
    {
        _server.Script = async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return ChatStandIn.Completion("never");
        };
        var e = await Assert.ThrowsAsync<ChatUnavailableException>(() => Chat(maxRetries: 1, timeoutSeconds: 2).CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains(_server.Endpoint.ToString().TrimEnd('/'), e.Message);
        Assert.Equal(2, _server.Arrived.Count);  // a timeout is retried like a 5xx
        Assert.Equal(0, _server.Served);
    }

    [Fact]
    public async Task NothingListening_IsUnavailable_AndStopsARun()
    {
        var nowhere = new Uri($"http://127.0.0.1:{InfraScript.FreePort()}/v1");
        var chat = new OpenAiChatBackend(nowhere, "gpt-4o-mini", Key, maxRetries: 1, TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<ChatUnavailableException>(() => chat.CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains("could not be reached", e.Message);

        await using var silo = await SiloWithPoolAsync("nowhere");
        var request = Request() with { Backend = nowhere.ToString() };
        var run = await new FormatTransferRunner(silo.Grains, chat, null, request.Settings("remote")).RunAsync("src", "out");
        Assert.Equal(RunStatus.Paused, run.Status);
        Assert.Contains("could not be reached", run.StopReason);
        Assert.Equal(0, run.Requests);
        Assert.Empty(run.Outcomes);
    }

    [Fact]
    public async Task MalformedBody_IsUnavailable_NotAnAnswer()
    {
        _server.Script = (_, _) => Task.FromResult(ChatStandIn.Malformed());
        var e = await Assert.ThrowsAsync<ChatUnavailableException>(() => Chat().CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains("not a chat completion", e.Message);
    }

    [Fact]
    public async Task LengthLimitedAnswer_ReportsLength()
    {
        _server.Script = (_, _) => Task.FromResult(ChatStandIn.Completion("Definition: Replace the first \"a", "length", 50, 64));
        var answer = await Chat().CompleteAsync(Conversation, 0, 64, 1);
        Assert.Equal(new ChatAnswer("Definition: Replace the first \"a", "length", 50, 64), answer);
    }

    [Fact]
    public async Task Refusal_ContentFilter_AndRequestErrors_AreRefused_WithTheirCost()
    {
        _server.Script = (_, _) => Task.FromResult(ChatStandIn.Completion(null, "stop", 80, 9, refusal: "I'm sorry, I can't help with that."));
        var refusal = await Assert.ThrowsAsync<ChatRefusedException>(() => Chat().CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains("I'm sorry, I can't help with that.", refusal.Message);
        Assert.Equal(80, refusal.Data["prompt_tokens"]);
        Assert.Equal(9, refusal.Data["completion_tokens"]);

        _server.Script = (_, _) => Task.FromResult(ChatStandIn.Completion("", "content_filter", 80, 0));
        Assert.Contains("content filter", (await Assert.ThrowsAsync<ChatRefusedException>(() => Chat().CompleteAsync(Conversation, 0, 64, 1))).Message);

        _server.Script = (_, _) => Task.FromResult(ChatStandIn.ContentFilter());
        var filtered = await Assert.ThrowsAsync<ChatRefusedException>(() => Chat().CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains("400", filtered.Message);
        Assert.Equal(3, _server.Arrived.Count);  // a 400 is about the request: never retried
    }

    [Fact]
    public async Task WrongKey_IsUnavailable_AndNotRetried()
    {
        _server.Script = (_, _) => Task.FromResult(ChatStandIn.InvalidKey());
        var e = await Assert.ThrowsAsync<ChatUnavailableException>(() => Chat().CompleteAsync(Conversation, 0, 64, 1));
        Assert.Contains("401", e.Message);
        Assert.Single(_server.Arrived);
    }

    // ---- the runner on a real silo, with the stand-in as the chat model ----

    private static IReadOnlyList<InstructionTask> SourceTasks() => RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 3, 6, seed: 4);

    private async Task<EmbeddedSilo> SiloWithPoolAsync(string name)
    {
        var silo = await EmbeddedSilo.StartAsync(SiloStorage.Sqlite(Path.Combine(Directory.CreateDirectory(Path.Combine(_dir, name)).FullName, "activeit.db")));
        await new PoolService(silo.Grains).ImportAsync("src", SourceTasks(), "test");
        return silo;
    }

    private TransferRequest Request(string outPool = "out", long? maxRequests = null, bool denoise = false) =>
        new("src", outPool, "gpt-4o-mini", Backend: _server.Endpoint.ToString(), Candidates: 4, Denoise: denoise, MaxRequests: maxRequests);

    private FormatTransferRunner Runner(EmbeddedSilo silo, TransferRequest request, IModelBackend? scorer = null) =>
        new(silo.Grains, Chat(maxRetries: 1), scorer, request.Settings("remote"));

    /// <summary>The source pool's members and each member's stored content.</summary>
    private static async Task<string> SnapshotAsync(IGrainFactory grains, string pool)
    {
        var members = await grains.GetGrain<ITaskPoolGrain>(pool).ListAllAsync();
        var contents = new List<string>();
        foreach (var member in members)
        {
            var task = await grains.GetGrain<ITaskGrain>(member.ContentHash).GetAsync();
            contents.Add($"{member.TaskId} {member.ContentHash} {task!.ContentHash()} {JsonSerializer.Serialize(task)}");
        }
        return string.Join('\n', contents);
    }

    private static async Task<List<InstructionTask>> PoolTasksAsync(IGrainFactory grains, string pool)
    {
        var tasks = new List<InstructionTask>();
        await foreach (var task in (await new PoolService(grains).ExportAsync(pool)).Tasks)
        {
            tasks.Add(task);
        }
        return tasks;
    }

    [Fact]
    public async Task BudgetStopsTheRun_AndARerunSendsOnlyTheMissingRequests_ThenNone()
    {
        await using var silo = await SiloWithPoolAsync("budget");
        var tasks = SourceTasks();
        var before = await SnapshotAsync(silo.Grains, "src");

        var stopped = await Runner(silo, Request(maxRequests: 5)).RunAsync("src", "out");
        Assert.Equal(5, _server.Arrived.Count);
        Assert.Equal(RunStatus.Paused, stopped.Status);
        Assert.Equal("request budget reached (5 of 5)", stopped.StopReason);
        Assert.Equal(5, stopped.Requests);
        Assert.Equal(5 * 120, stopped.PromptTokens);
        // Only the task with all its candidates is decided; the one cut short waits for its other candidates.
        Assert.Equal([tasks[0].Id], stopped.Outcomes.Keys);
        Assert.Equal([tasks[0].Id], (await PoolTasksAsync(silo.Grains, "out")).Select(t => t.Id));

        var done = await Runner(silo, Request(maxRequests: 20)).RunAsync("src", "out");
        Assert.Equal(12, _server.Arrived.Count);  // the 7 missing requests, no more
        Assert.Equal(12, _server.Arrived.Select(r => (r.LastUser, r.Seed)).Distinct().Count());
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Null(done.StopReason);
        Assert.Equal(12, done.Requests);
        Assert.Equal(3, done.Outcomes.Count);
        Assert.All(done.Outcomes.Values, o => Assert.Equal((TransferTaskOutcome.Transferred, (int?)0, 4, 4), (o.Status, o.Chosen, o.Candidates, o.Parsed)));
        var transferred = await PoolTasksAsync(silo.Grains, "out");
        Assert.Equal(tasks.Select(t => t.Id), transferred.Select(t => t.Id).Order());
        foreach (var (source, task) in tasks.Zip(transferred.OrderBy(t => t.Id, StringComparer.Ordinal)))
        {
            Assert.Equal(TaskFormat.Niv2, task.Format);
            var pattern = source.Metadata["pattern"];
            Assert.Equal($"Replace the leftmost occurrence of \"{pattern}\" with \"{source.Metadata["replacement"]}\", once.", task.Definition);  // candidate 0: first parsed
            Assert.Equal(Flat(source.Instances), Flat(task.Instances));
            Assert.Equal(source.PositiveExamples.Select(e => (e.Input, e.Output)), task.PositiveExamples.Select(e => (e.Input, e.Output)));
            Assert.All(task.PositiveExamples, e => Assert.Equal($"Candidate 0 explains \"{e.Input}\".", e.Explanation));
            Assert.Equal("0", task.Metadata["transfer_candidate"]);
        }
        var view = await TransferQueries.TaskAsync(silo.Grains, "out", tasks[1].Id);
        Assert.Equal([0, 1, 2, 3], view.State.Candidates.Select(c => c.Index));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => (ulong)i), view.State.Candidates.Select(c => c.Seed));
        Assert.All(view.State.Candidates, c => Assert.True(c.Usable && c.Error is null));
        Assert.Contains(view.State.Candidates, c => c.Raw.StartsWith("Sure!", StringComparison.Ordinal));  // chatter and fences, parsed anyway

        var again = await Runner(silo, Request(maxRequests: 20)).RunAsync("src", "out");
        Assert.Equal(12, _server.Arrived.Count);  // resumed with everything stored: no request at all
        Assert.Equal(RunStatus.Completed, again.Status);
        Assert.Equal(12, again.Requests);
        Assert.Equal(3, (await PoolTasksAsync(silo.Grains, "out")).Count);

        Assert.Equal(before, await SnapshotAsync(silo.Grains, "src"));  // the source pool is never changed
        var other = await Assert.ThrowsAsync<ArgumentException>(() => Runner(silo, Request() with { Candidates = 5 }).RunAsync("src", "out"));
        Assert.Contains("resume it with the same options", other.Message);
    }

    [Fact]
    public async Task ReverseTransfer_ToFlanTemplates_RendersEveryInstance_AndMapsLabelsOnlyByTheMap()
    {
        await using var silo = await SiloWithPoolAsync("flan");
        var tasks = SourceTasks();
        // Answers in FLAN's format; one answer per task has a template without {input}, which is dropped with a warning.
        _server.Script = (r, _) => Task.FromResult(ChatStandIn.Completion(
            $"Template 1: Rewrite \"{{input}}\" as asked (candidate {r.Seed}).\nTemplate 2: {{input}}\n\nWhat comes out?\nTemplate 3: no placeholder here"));
        var output = tasks[0].Instances[0].Outputs[0];
        var request = Request() with { To = "flan", Candidates = 2, Labels = $"{output}=MAPPED" };
        var run = await Runner(silo, request).RunAsync("src", "out");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.All(run.Outcomes.Values, o => Assert.Equal(TransferTaskOutcome.Transferred, o.Status));
        Assert.All(_server.Arrived, r => Assert.Contains("FLAN-style instance templates", r.Body["messages"]![0]!["content"]!.GetValue<string>()));

        var transferred = (await PoolTasksAsync(silo.Grains, "out")).OrderBy(t => t.Id, StringComparer.Ordinal).ToArray();
        foreach (var (source, task) in tasks.Zip(transferred))
        {
            Assert.Equal(TaskFormat.Flan, task.Format);
            Assert.Equal("Rewrite \"{input}\" as asked (candidate 0).", task.Definition);
            Assert.Empty(task.PositiveExamples);
            for (var i = 0; i < source.Instances.Count; i++)
            {
                var expected = i % 2 == 0 ? $"Rewrite \"{source.Instances[i].Input}\" as asked (candidate 0)." : $"{source.Instances[i].Input}\n\nWhat comes out?";
                Assert.Equal(expected, task.Instances[i].Input);
                // Only an output equal to the map's key changes; every other label is kept as it was.
                Assert.Equal(source.Instances[i].Outputs.Select(o => o == output ? "MAPPED" : o), task.Instances[i].Outputs);
            }
        }
        Assert.Contains(transferred[0].Instances, i => i.Outputs.Contains("MAPPED"));
        var view = await TransferQueries.TaskAsync(silo.Grains, "out", tasks[0].Id);
        Assert.All(view.State.Candidates, c => Assert.Equal(["template 3 dropped: no {input} placeholder"], c.Warnings));
    }

    [Fact]
    public async Task RefusedCandidates_AreRecordedWithTheirReason_AndTheOtherTasksStillTransfer()
    {
        await using var silo = await SiloWithPoolAsync("refused");
        var tasks = SourceTasks();
        var before = await SnapshotAsync(silo.Grains, "src");
        var (second, third) = (TaskText.Source(tasks[1]), TaskText.Source(tasks[2]));
        _server.Script = (r, _) => Task.FromResult(
            r.LastUser == second && r.Seed == 0 ? ChatStandIn.Completion(null, "stop", 100, 12, refusal: "I can't assist with rewriting this task.")
            : r.LastUser == third ? ChatStandIn.ContentFilter()
            : r.LastUser == second && r.Seed == 2 ? ChatStandIn.Completion("Definition: Replace the first \"", "length", 100, 512)
            : ChatStandIn.Completion(ChatStandIn.Niv2Answer(r)));

        var run = await Runner(silo, Request()).RunAsync("src", "out");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(12, _server.Arrived.Count);
        Assert.Equal(12, run.Requests);

        Assert.Equal((TransferTaskOutcome.Transferred, (int?)0, 4, 4), Outcome(run, tasks[0]));
        // The refused and the cut-off candidates are kept with why; the first usable one is chosen.
        Assert.Equal((TransferTaskOutcome.Transferred, (int?)1, 4, 2), Outcome(run, tasks[1]));
        var view = await TransferQueries.TaskAsync(silo.Grains, "out", tasks[1].Id);
        var refused = view.State.Candidates[0];
        Assert.Equal(("refused", "", false), (refused.FinishReason, refused.Raw, refused.Usable));
        Assert.Contains("I can't assist with rewriting this task.", refused.Error);
        Assert.Equal((100, 12), (refused.PromptTokens, refused.CompletionTokens));
        var cut = view.State.Candidates[2];
        Assert.Equal(("length", false), (cut.FinishReason, cut.Usable));
        Assert.Contains("cut off", cut.Error);

        var failed = run.Outcomes[tasks[2].Id];
        Assert.Equal((TransferTaskOutcome.Failed, (int?)null, 4, 0), (failed.Status, failed.Chosen, failed.Candidates, failed.Parsed));
        Assert.Contains("refused the request (400)", failed.Reason);
        Assert.All((await TransferQueries.TaskAsync(silo.Grains, "out", tasks[2].Id)).State.Candidates, c => Assert.Equal("refused", c.FinishReason));

        Assert.Equal([tasks[0].Id, tasks[1].Id], (await PoolTasksAsync(silo.Grains, "out")).Select(t => t.Id).Order());
        Assert.Equal(before, await SnapshotAsync(silo.Grains, "src"));

        // Refusals are stored answers: a re-run does not ask again.
        var again = await Runner(silo, Request()).RunAsync("src", "out");
        Assert.Equal(12, _server.Arrived.Count);
        Assert.Equal(TransferTaskOutcome.Failed, again.Outcomes[tasks[2].Id].Status);
    }

    private static IEnumerable<string> Flat(IEnumerable<TaskInstance> instances) =>
        instances.Select(i => $"{i.Id}\u001f{i.Input}\u001f{string.Join('\u001e', i.Outputs)}");

    private static (string, int?, int, int) Outcome(TransferRunState run, InstructionTask task) =>
        run.Outcomes[task.Id] is var o ? (o.Status, o.Chosen, o.Candidates, o.Parsed) : default;

    [Fact]
    public async Task UnreachableServer_StopsTheRun_KeepingWhatArrived()
    {
        await using var silo = await SiloWithPoolAsync("unavailable");
        _server.Script = (r, _) => Task.FromResult(r.Number <= 6 ? ChatStandIn.Completion(ChatStandIn.Niv2Answer(r)) : ChatStandIn.InvalidKey());
        var stopped = await Runner(silo, Request()).RunAsync("src", "out");
        Assert.Equal(RunStatus.Paused, stopped.Status);
        Assert.Contains("401", stopped.StopReason);
        Assert.Equal(6, stopped.Requests);
        Assert.Single(stopped.Outcomes);

        _server.Script = (r, _) => Task.FromResult(ChatStandIn.Completion(ChatStandIn.Niv2Answer(r)));
        var done = await Runner(silo, Request()).RunAsync("src", "out");
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal(7 + 6, _server.Arrived.Count);  // the 401 one is asked again, then the 6 never asked
        Assert.Equal(12, done.Requests);
    }

    [Fact]
    public async Task Denoising_ChoosesTheLeastPerplexingUsableCandidate_AlsoAcrossABudgetStop()
    {
        using var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 512, RotaryDim: 8), seed: 5);
        var scorer = new LocalEngineBackend(model, "tiny", "v1");
        await using var silo = await SiloWithPoolAsync("denoise");
        var tasks = SourceTasks();
        // Candidate 2 of every task is unusable (no definition); the others differ in wording.
        _server.Script = (r, _) => Task.FromResult(ChatStandIn.Completion(r.Seed == 2 ? "I'm not able to rewrite this task." : ChatStandIn.Niv2Answer(r)));

        var request = Request(maxRequests: 6, denoise: true);
        var stopped = await Runner(silo, request, scorer).RunAsync("src", "out");
        Assert.Equal(RunStatus.Paused, stopped.Status);
        var runner = Runner(silo, request with { MaxRequests = null }, scorer);
        var run = await runner.RunAsync("src", "out");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(12, _server.Arrived.Count);
        Assert.Equal($"tiny@v1/{new DenoiseConfig(Instances: 32)}", runner.ScoreKey);

        var outPool = (await PoolTasksAsync(silo.Grains, "out")).ToDictionary(t => t.Id);
        foreach (var source in tasks)
        {
            var view = await TransferQueries.TaskAsync(silo.Grains, "out", source.Id);
            var usable = view.State.Candidates.Where(c => c.Usable).ToArray();
            Assert.Equal([0, 1, 3], usable.Select(c => c.Index));
            Assert.All(usable, c => Assert.True(c.Scores.ContainsKey(runner.ScoreKey), $"task {source.Id}: candidate {c.Index} was never scored"));
            Assert.DoesNotContain(view.State.Candidates, c => !c.Usable && c.Scores.Count > 0);
            var best = usable.OrderBy(c => c.Scores[runner.ScoreKey]).ThenBy(c => c.Index).First();
            var outcome = run.Outcomes[source.Id];
            Assert.Equal(TransferTaskOutcome.Transferred, outcome.Status);
            Assert.Equal(best.Index, outcome.Chosen);
            Assert.Equal(best.Index, view.State.Chosen[runner.ScoreKey]);
            Assert.Equal(best.Scores[runner.ScoreKey], outcome.Score);
            Assert.True(usable.Select(c => c.Scores[runner.ScoreKey]).Distinct().Count() > 1, "the candidates' scores should differ");

            // Each stored score is the candidate's perplexity recomputed here, and the out pool holds the chosen one.
            foreach (var candidate in usable)
            {
                var expected = await CandidateScorer.ScoreAsync(scorer, runner.Apply(source, candidate), new DenoiseConfig());
                Assert.Equal(expected, candidate.Scores[runner.ScoreKey], 1e-9);
            }
            Assert.Equal(CandidateParser.ParseNiv2(best.Parsed!).Definition, outPool[source.Id].Definition);
            Assert.Equal($"{best.Index}", outPool[source.Id].Metadata["transfer_candidate"]);
        }
    }

    // ---- the silo's own chat endpoint and its transfer API ----

    private async Task<(SiloServer Silo, GptModel Model)> ServingSiloAsync()
    {
        var models = Directory.CreateDirectory(Path.Combine(_dir, "models")).FullName;
        var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 2048, RotaryDim: 8), seed: 9);
        model.Save(Path.Combine(models, "tiny.safetensors"));
        var silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/silo-data", $"--ActiveIT:ModelDir={models}");
        return (silo, model);
    }

    [Fact]
    public async Task SilosOwnChatCompletions_AsTheChatBackend_StoresUnparsableCandidatesWithTheirUsage()
    {
        var (silo, model) = await ServingSiloAsync();
        await using var _ = silo;
        using var __ = model;
        var grains = silo.Services.GetRequiredService<IGrainFactory>();
        await new PoolService(grains).ImportAsync("src", SourceTasks(), "test");
        var endpoint = new Uri($"{silo.Url}v1");
        var chat = new OpenAiChatBackend(endpoint, "tiny", SiloServer.Key, timeout: TimeSpan.FromSeconds(60));

        // Seeds are int64 in the protocol: a large one is sampled with, deterministically.
        var big = await chat.CompleteAsync(Conversation, 0.8f, 12, seed: 5_000_015_000UL);
        Assert.Equal(big, await chat.CompleteAsync(Conversation, 0.8f, 12, seed: 5_000_015_000UL));
        Assert.True(big.PromptTokens > Conversation.Sum(m => m.Content.Length) && big.CompletionTokens is > 0 and <= 12);

        var request = new TransferRequest("src", "out", "tiny", Backend: endpoint.ToString(), Candidates: 2, MaxTokens: 16, Seed: 5000, K: 1, Denoise: false);
        var run = await new FormatTransferRunner(grains, chat, null, request.Settings("test")).RunAsync("src", "out");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(6, run.Requests);
        Assert.True(run.PromptTokens > 0 && run.CompletionTokens > 0);
        Assert.All(run.Outcomes.Values, o => Assert.Equal((TransferTaskOutcome.Failed, 2, 0), (o.Status, o.Candidates, o.Parsed)));
        foreach (var task in SourceTasks())
        {
            var view = await TransferQueries.TaskAsync(grains, "out", task.Id);
            Assert.Equal(2, view.State.Candidates.Count);
            Assert.All(view.State.Candidates, c =>
            {
                Assert.Equal("no 'Definition:' in the response", c.Error);
                Assert.Contains(c.FinishReason, new[] { "stop", "length" });
                Assert.True(c.PromptTokens > 0 && c.CompletionTokens > 0, $"usage {c.PromptTokens}+{c.CompletionTokens}");
            });
            Assert.Equal([5000UL * 1_000_003UL, 5000UL * 1_000_003UL + 1], view.State.Candidates.Select(c => c.Seed));
        }
        Assert.Empty(await PoolTasksAsync(grains, "out"));
    }

    [Fact]
    public async Task TransferRun_RunsOnTheSilosWorker_StreamsItsEvents_AndServesTheState()
    {
        var (silo, model) = await ServingSiloAsync();
        await using var _ = silo;
        using var __ = model;
        var tasks = SourceTasks();
        (await silo.Client.PostAsJsonAsync("v1/pools/api-src/tasks", tasks, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();

        var body = new { pool = "api-src", out_pool = "api-out", model = "tiny", backend = "local", candidates = 2, max_tokens = 16, denoise = false };
        using (var created = await silo.Client.PostAsJsonAsync("v1/runs/transfer", body))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/v1/runs/transfer/api-out", created.Headers.Location?.ToString());
            Assert.Equal("created", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        using (var started = await silo.Client.PostAsync("v1/runs/transfer/api-out/start", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        var events = await EventsAsync(silo.Client, "v1/runs/transfer/api-out/events");
        Assert.All(events, e => Assert.Equal("transfer", e.EventType));
        var done = events.Select(e => e.Data.GetProperty("outcomes").EnumerateObject().Count()).ToArray();
        Assert.Equal(done.Order(), done);  // the stream follows the run task by task
        var last = events[^1].Data;
        Assert.Equal("completed", last.GetProperty("status").GetString());
        Assert.Equal(6, last.GetProperty("requests").GetInt64());
        Assert.Equal("key-0", last.GetProperty("owner").GetString());
        Assert.StartsWith("local:tiny", last.GetProperty("spec").GetProperty("backend").GetString());
        Assert.Single(last.GetProperty("sessions").EnumerateArray());

        var state = await silo.Client.GetFromJsonAsync<JsonElement>("v1/runs/transfer/api-out");
        Assert.Equal("completed", state.GetProperty("status").GetString());
        Assert.Equal(3, state.GetProperty("tasks").GetInt32());
        Assert.Equal(3, state.GetProperty("outcomes").EnumerateObject().Count());
        var task = await silo.Client.GetFromJsonAsync<JsonElement>($"v1/runs/transfer/api-out/tasks/{tasks[0].Id}");
        Assert.Equal(tasks[0].Id, task.GetProperty("task_id").GetString());
        Assert.Equal("niv2", task.GetProperty("target").GetString());
        var candidates = task.GetProperty("state").GetProperty("candidates");
        Assert.Equal(2, candidates.GetArrayLength());
        Assert.All(candidates.EnumerateArray(), c => Assert.True(c.GetProperty("completion_tokens").GetInt32() > 0));
        Assert.Equal(3, (await silo.Client.GetFromJsonAsync<JsonElement>("v1/runs/transfer/api-out/tasks")).GetArrayLength());
        Assert.Contains("api-out", (await silo.Client.GetFromJsonAsync<JsonElement>("v1/runs/transfer")).EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        // The same create again finds the run it made; a completed run started again stays completed: no request is sent twice.
        (await silo.Client.PostAsJsonAsync("v1/runs/transfer", body)).EnsureSuccessStatusCode();
        (await silo.Client.PostAsync("v1/runs/transfer/api-out/start", null)).EnsureSuccessStatusCode();
        Assert.Equal(6, (await silo.Client.GetFromJsonAsync<JsonElement>("v1/runs/transfer/api-out")).GetProperty("requests").GetInt64());
        using (var other = await silo.Client.PostAsJsonAsync("v1/runs/transfer", body with { candidates = 3 }))
        {
            Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await silo.Client.GetAsync("v1/runs/transfer/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Client.GetAsync("v1/runs/transfer/api-out/tasks/no-such-task")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await silo.Client.PostAsJsonAsync("v1/runs/transfer", body with { candidates = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Client.PostAsJsonAsync("v1/runs/transfer", body with { model = "nope" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await silo.Client.PostAsJsonAsync("v1/runs/transfer", body with { pool = "no-such-pool" })).StatusCode);
        // The silo calls no host a key names: remote backends must be configured (ActiveIT:RemoteBackends, none here).
        using (var remote = await silo.Client.PostAsJsonAsync("v1/runs/transfer", body with { backend = "http://169.254.169.254/v1" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
            Assert.Equal("backend 'http://169.254.169.254/v1' is not one of this silo's ActiveIT:RemoteBackends (none: only its own models)",
                (await remote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        using var anonymous = new HttpClient { BaseAddress = silo.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("v1/runs/transfer", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/runs/transfer/api-out")).StatusCode);

        // The CLI with --silo: the run streams through the same endpoint, and status reads it back.
        Environment.SetEnvironmentVariable("ACTIVEIT_API_KEY", SiloServer.Key);  // every silo test class sets the same key; none unsets it
        var run = CliRunner.Run($"transfer run --pool api-src --out-pool cli-out --model tiny --candidates 2 --max-tokens 16 --no-denoise --silo {silo.Url} --json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var cliState = JsonDocument.Parse(run.Stdout).RootElement;
        // Same tasks and config as the API's run: the candidates are cached per task version and config, not per
        // output pool, so this run transfers all three without a single request.
        Assert.Equal(("completed", 0L, 3), (cliState.GetProperty("status").GetString(), cliState.GetProperty("requests").GetInt64(),
            cliState.GetProperty("outcomes").EnumerateObject().Count()));
        var status = CliRunner.Run($"transfer status --out-pool cli-out --silo {silo.Url}");
        Assert.Contains("transfer of pool 'api-src' to niv2 → pool 'cli-out': completed", status.Stdout);
        var missing = CliRunner.Run($"transfer run --pool no-such-pool --out-pool cli-out2 --model tiny --no-denoise --silo {silo.Url}");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("pool 'no-such-pool' has no tasks", missing.Stderr);
    }

    /// <summary>
    /// A transfer is a run of the cluster, not of the request that started it: the client reads one event and goes
    /// away mid-transfer (the connection closed), and the run still completes, every task transferred.
    /// </summary>
    [Fact]
    public async Task TransferRun_CompletesAfterItsClientDisconnects()
    {
        var (silo, model) = await ServingSiloAsync();
        await using var _ = silo;
        using var __ = model;
        var tasks = Enumerable.Range(0, 4).SelectMany(_ => SourceTasks()).Select((t, i) => t with { Id = $"{t.Id}-{i}" }).ToArray();
        (await silo.Client.PostAsJsonAsync("v1/pools/dc-src/tasks", tasks, ActiveIT.Client.Output.Json.Options)).EnsureSuccessStatusCode();
        var body = new { pool = "dc-src", out_pool = "dc-out", model = "tiny", backend = "local", candidates = 4, max_tokens = 48, denoise = false };
        (await silo.Client.PostAsJsonAsync("v1/runs/transfer", body)).EnsureSuccessStatusCode();
        (await silo.Client.PostAsync("v1/runs/transfer/dc-out/start", null)).EnsureSuccessStatusCode();

        using (var client = new HttpClient { BaseAddress = silo.Client.BaseAddress })
        {
            client.DefaultRequestHeaders.Authorization = silo.Client.DefaultRequestHeaders.Authorization;
            using var response = await client.GetAsync("v1/runs/transfer/dc-out/events", HttpCompletionOption.ResponseHeadersRead);
            var parser = System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(), (_, data) => JsonDocument.Parse(data.ToArray()).RootElement);
            await foreach (var item in parser.EnumerateAsync())
            {
                if (item.Data.GetProperty("outcomes").EnumerateObject().Any())
                {
                    Assert.Equal("running", item.Data.GetProperty("status").GetString());  // mid-transfer: some tasks done, not all
                    Assert.True(item.Data.GetProperty("outcomes").EnumerateObject().Count() < tasks.Length);
                    break;
                }
            }
        }  // the connection closes here

        var deadline = DateTime.UtcNow.AddMinutes(3);
        JsonElement run;
        do
        {
            await Task.Delay(200);
            run = await silo.Client.GetFromJsonAsync<JsonElement>("v1/runs/transfer/dc-out");
        }
        while (run.GetProperty("status").GetString() is "queued" or "running" && DateTime.UtcNow < deadline);
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(tasks.Length, run.GetProperty("outcomes").EnumerateObject().Count());
        Assert.Equal(tasks.Length * 4, run.GetProperty("requests").GetInt64());
    }

    /// <summary>Every server-sent event of <paramref name="path"/> until the silo ends the stream.</summary>
    private static async Task<List<System.Net.ServerSentEvents.SseItem<JsonElement>>> EventsAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var items = new List<System.Net.ServerSentEvents.SseItem<JsonElement>>();
        var parser = System.Net.ServerSentEvents.SseParser.Create(await response.Content.ReadAsStreamAsync(), (_, data) => JsonDocument.Parse(data.ToArray()).RootElement);
        await foreach (var item in parser.EnumerateAsync())
        {
            items.Add(item);
        }
        return items;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
