using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;

namespace ActiveIT.Engine.Backends;

/// <summary>
/// A model behind an OpenAI-compatible server, through the OpenAI package's client pipeline (its authentication,
/// retries with backoff on 429/5xx, network timeout): POST {endpoint}/completions. Scoring needs prompt
/// log-probabilities (vLLM: echo + max_tokens 0 + logprobs); <see cref="ProbeAsync"/> checks for them once and
/// scoring refuses, with a clear error, where they are missing (OpenAI's own models, llama.cpp). A target is scored
/// exactly over its span (methods.md §1): every token that covers a character of it — in a BPE vocabulary the first
/// one often carries the prompt's trailing space — and the server tokenizer's end-of-sequence token after it. The
/// protocol cannot name that token, so it is given as text or found once by probing the usual spellings.
/// </summary>
public sealed class OpenAiCompatibleBackend : IModelBackend
{
    private readonly OpenAIClient _client;
    private readonly Uri _completions;
    private readonly int _promptsPerRequest;
    private bool? _promptLogprobs;
    private string? _endOfSequence;

    /// <summary>End-of-sequence spellings tried in order: GPT-2/GPT-J/NeoX, Llama-2/T5, ActiveIT's own byte models.</summary>
    public static readonly string[] EndOfSequenceCandidates = ["<|endoftext|>", "</s>", "<|eos|>"];

    /// <param name="endOfSequence">The server tokenizer's end-of-sequence token as text; null finds it by probing
    /// <see cref="EndOfSequenceCandidates"/>; "" scores without it (a deviation from methods.md §1).</param>
    /// <param name="promptsPerRequest">Longer lists go in several requests: servers bound a request's prompts (an ActiveIT
    /// silo at ActiveIT:MaxPromptsPerRequest, 256 by default), and the scorer sends many tasks' prompts at once.</param>
    public OpenAiCompatibleBackend(Uri endpoint, string model, string? apiKey, string modelVersion = "remote", int maxRetries = 3, TimeSpan? timeout = null,
        string? endOfSequence = null, int promptsPerRequest = 128)
    {
        _promptsPerRequest = promptsPerRequest > 0 ? promptsPerRequest : throw new ArgumentException($"prompts per request {promptsPerRequest}: at least 1");
        ModelId = model;
        // Scores without EOS are a different measurement: they must not share a cache key with scores through it.
        ModelVersion = endOfSequence == "" ? modelVersion + "+no-eos" : modelVersion;
        _endOfSequence = endOfSequence;
        var options = new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(maxRetries), NetworkTimeout = timeout ?? TimeSpan.FromMinutes(5) };
        _client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey), options);
        _completions = new Uri(endpoint.ToString().TrimEnd('/') + "/completions");
    }

    public string ModelId { get; }
    public string ModelVersion { get; }
    public int? ContextLength => null;

    /// <summary>Tokens as the server echoes them (echo + logprobs, max_tokens 0): OpenAI's protocol has no tokenize call.</summary>
    public async Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default)
    {
        var response = await PostAsync(new JsonObject { ["model"] = ModelId, ["prompt"] = text, ["max_tokens"] = 0, ["echo"] = true, ["logprobs"] = 0 }, cancellationToken);
        return [.. Choices(response, 1)[0].GetProperty("logprobs").GetProperty("tokens").EnumerateArray().Select(t => t.GetString() ?? "")];
    }

    public Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
        CancellationToken cancellationToken = default) => InChunksAsync(prompts, chunk => GenerateChunkAsync(chunk, maxNewTokens, temperature, seed, cancellationToken));

    public Task<IReadOnlyList<SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default) =>
        InChunksAsync(pairs, chunk => ScoreChunkAsync(chunk, endOfSequence: true, cancellationToken));

    public Task<IReadOnlyList<SequenceScore>> ScoreWithoutEndAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default) =>
        InChunksAsync(pairs, chunk => ScoreChunkAsync(chunk, endOfSequence: false, cancellationToken));

    private async Task<IReadOnlyList<TOut>> InChunksAsync<TIn, TOut>(IReadOnlyList<TIn> items, Func<IReadOnlyList<TIn>, Task<IReadOnlyList<TOut>>> send)
    {
        if (items.Count <= _promptsPerRequest)
        {
            return await send(items);
        }
        var results = new List<TOut>(items.Count);
        foreach (var chunk in items.Chunk(_promptsPerRequest))
        {
            results.AddRange(await send(chunk));
        }
        return results;
    }

    private async Task<IReadOnlyList<string>> GenerateChunkAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature, ulong seed,
        CancellationToken cancellationToken)
    {
        var response = await PostAsync(new JsonObject
        {
            ["model"] = ModelId, ["prompt"] = new JsonArray([.. prompts.Select(p => (JsonNode)p)]), ["max_tokens"] = maxNewTokens, ["temperature"] = temperature,
            ["seed"] = seed,
        }, cancellationToken);
        return [.. Choices(response, prompts.Count).Select(c => c.GetProperty("text").GetString() ?? "")];
    }

    private async Task<IReadOnlyList<SequenceScore>> ScoreChunkAsync(IReadOnlyList<(string Prompt, string Target)> pairs, bool endOfSequence,
        CancellationToken cancellationToken)
    {
        await EnsurePromptLogprobsAsync(cancellationToken);
        var eos = endOfSequence ? await EndOfSequenceAsync(cancellationToken) : "";
        var response = await PostAsync(new JsonObject
        {
            ["model"] = ModelId, ["prompt"] = new JsonArray([.. pairs.Select(p => (JsonNode)(p.Prompt + p.Target + eos))]), ["max_tokens"] = 0, ["echo"] = true,
            ["logprobs"] = 0,
        }, cancellationToken);
        return [.. Choices(response, pairs.Count).Select((choice, i) =>
        {
            var logprobs = choice.GetProperty("logprobs");
            var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var values = logprobs.GetProperty("token_logprobs").EnumerateArray().ToArray();
            double sum = 0;
            var count = 0;
            for (var t = 0; t < values.Length; t++)
            {
                // A token belongs to the target when it ends past the prompt: it covers at least one target character.
                var end = t + 1 < offsets.Length ? offsets[t + 1] : pairs[i].Prompt.Length + pairs[i].Target.Length + eos.Length;
                if (end > pairs[i].Prompt.Length && values[t].ValueKind == JsonValueKind.Number)
                {
                    sum += Math.Max(values[t].GetDouble(), -9999);
                    count++;
                }
            }
            return new SequenceScore(sum, count);
        })];
    }

    /// <summary>Sends a 3-token prompt with echo and checks that 3 prompt log-probabilities come back.</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await PostAsync(new JsonObject
            {
                ["model"] = ModelId, ["prompt"] = new JsonArray(1, 2, 3), ["max_tokens"] = 0, ["echo"] = true, ["logprobs"] = 0,
            }, cancellationToken);
            var choice = Choices(response, 1)[0];
            return choice.TryGetProperty("logprobs", out var l) && l.ValueKind == JsonValueKind.Object
                && l.TryGetProperty("token_logprobs", out var values) && values.GetArrayLength() == 3;
        }
        catch (ClientResultException e) when (e.Status is 400 or 422)
        {
            return false;  // the server rejects echo with logprobs (OpenAI's own models)
        }
    }

    /// <summary>The end-of-sequence text: as given, or the first candidate the server's tokenizer reads as one token
    /// (its echo ends with exactly that token). One request, once per backend.</summary>
    public async Task<string> EndOfSequenceAsync(CancellationToken cancellationToken = default)
    {
        if (_endOfSequence is not null)
        {
            return _endOfSequence;
        }
        var response = await PostAsync(new JsonObject
        {
            ["model"] = ModelId, ["prompt"] = new JsonArray([.. EndOfSequenceCandidates.Select(c => (JsonNode)("a" + c))]), ["max_tokens"] = 0, ["echo"] = true,
            ["logprobs"] = 0,
        }, cancellationToken);
        var choices = Choices(response, EndOfSequenceCandidates.Length);
        for (var i = 0; i < choices.Length; i++)
        {
            var tokens = choices[i].GetProperty("logprobs").GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
            if (tokens.Length > 0 && tokens[^1] == EndOfSequenceCandidates[i])
            {
                return _endOfSequence = EndOfSequenceCandidates[i];
            }
        }
        throw new InvalidOperationException($"{_completions} (model '{ModelId}'): none of {string.Join(", ", EndOfSequenceCandidates)} reads as one token " +
            "in this server's tokenizer, so the end-of-sequence token cannot be scored; give its text with --eos-text, or --eos-text '' to score " +
            "without it (methods.md §1 includes it)");
    }

    private async Task EnsurePromptLogprobsAsync(CancellationToken cancellationToken)
    {
        _promptLogprobs ??= await ProbeAsync(cancellationToken);
        if (_promptLogprobs == false)
        {
            throw new InvalidOperationException($"{_completions} (model '{ModelId}') does not return prompt log-probabilities " +
                "(echo + logprobs with max_tokens 0), so it cannot score prompts; use a vLLM-style server or the local engine");
        }
    }

    private async Task<JsonElement> PostAsync(JsonObject body, CancellationToken cancellationToken)
    {
        using var message = _client.Pipeline.CreateMessage(_completions, "POST", PipelineMessageClassifier.Create([200]));
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        try
        {
            await _client.Pipeline.SendAsync(message);
        }
        catch (Exception e) when (e is AggregateException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // AggregateException: the pipeline's retries ran out on network errors or timeouts ("Retry failed after N tries").
            throw new HttpRequestException($"{_completions} could not be reached: {e.Message}", e);
        }
        if (message.Response!.IsError)
        {
            // Keep the server's own words: OpenAI-style servers explain in {"error": {"message": …}}.
            var detail = message.Response.Content.ToString();
            try
            {
                detail = JsonDocument.Parse(detail).RootElement.GetProperty("error").GetProperty("message").GetString() ?? detail;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // not an OpenAI error body: keep it whole
            }
            throw new ClientResultException($"{_completions} answered {message.Response.Status}: {detail}", message.Response);
        }
        return JsonDocument.Parse(message.Response.Content).RootElement.Clone();
    }

    private static JsonElement[] Choices(JsonElement response, int expected)
    {
        var choices = response.GetProperty("choices").EnumerateArray().OrderBy(c => c.GetProperty("index").GetInt32()).ToArray();
        return choices.Length == expected ? choices : throw new InvalidOperationException($"server returned {choices.Length} choices for {expected} prompts");
    }
}
