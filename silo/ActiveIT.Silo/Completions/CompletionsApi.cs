using System.Text.Json;
using System.Text.Json.Nodes;
using ActiveIT.Engine;
using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Silo.Completions;

/// <summary>
/// The silo's local models over the OpenAI protocol, vLLM-flavoured: GET /v1/models and POST /v1/completions with text
/// or token-id prompts (or lists of them), echo, logprobs (per token, first entry null) and prompt_logprobs (keyed by
/// token id), max_tokens 0 for scoring only; `stream: true` on both completions endpoints (<see cref="CompletionStream"/>).
/// Text prompts get BOS first, as a tokenizer with a BOS token would. Errors use OpenAI's {"error": {...}} body.
/// </summary>
public static class CompletionsApi
{
    public static void MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (ModelRegistry models) => Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. models.Ids.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["object"] = "model", ["created"] = 0, ["owned_by"] = "activeit" })]),
        }));
        app.MapPost("/v1/completions", (HttpRequest request, ModelRegistry models, CancellationToken ct) =>
            HandleAsync(request, models, (model, id, body) => Streamed(body) ? CompleteStream(model, id, body) : Results.Json(Complete(model, id, body)), ct));
        app.MapPost("/v1/chat/completions", (HttpRequest request, ModelRegistry models, CancellationToken ct) =>
            HandleAsync(request, models, (model, id, body) => Streamed(body) ? ChatStream(model, id, body) : Results.Json(Chat(model, id, body)), ct));
    }

    private static bool Streamed(JsonElement body) => body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    /// <summary>stream_options.include_usage: a last chunk with the usage and no choices.</summary>
    private static bool IncludeUsage(JsonElement body) =>
        body.TryGetProperty("stream_options", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;

    private static async Task<IResult> HandleAsync(HttpRequest request, ModelRegistry models, Func<GptModel, string, JsonElement, IResult> respond,
        CancellationToken ct)
    {
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body, cancellationToken: ct)).RootElement;
        }
        catch (JsonException e)
        {
            return Error(400, $"request body is not valid JSON: {e.Message}", "invalid_request_error", null);
        }
        try
        {
            new Core.Formats.JsonFields("request body", Core.Formats.ImportLimits.Default).CheckText(body, "$");  // lone surrogates, before any field is read
        }
        catch (Core.Formats.TaskFormatException e)
        {
            return Error(400, e.Message, "invalid_request_error", null);
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Error(400, $"request body: a JSON object is expected, not {body.ValueKind.ToString().ToLowerInvariant()}", "invalid_request_error", null);
        }
        var modelId = body.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        GptModel? model;
        try
        {
            model = models.Get(modelId);
        }
        catch (Exception e) when (e is EngineException or IOException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // A broken checkpoint is the operator's to fix: its paths and details go to the log, not to the caller.
            request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActiveIT.Completions")
                .LogError(e, "model '{Model}' could not be loaded", modelId);
            return Error(500, $"The model '{modelId}' could not be loaded; the silo's log says why", "server_error", "model", "model_load_failed");
        }
        if (model is null)
        {
            return Error(404, $"The model '{modelId}' does not exist", "invalid_request_error", "model", "model_not_found");
        }
        var limits = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SiloOptions>>().Value;
        foreach (var field in new[] { "max_tokens", "max_completion_tokens" })
        {
            if (body.TryGetProperty(field, out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var asked) && asked > limits.MaxGenerationTokens)
            {
                return Error(400, $"{field} {asked} is above this silo's limit of {limits.MaxGenerationTokens} (ActiveIT:MaxGenerationTokens)", "invalid_request_error", field);
            }
        }
        if (body.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > limits.MaxPromptsPerRequest
            && p[0].ValueKind != JsonValueKind.Number)
        {
            return Error(400, $"{p.GetArrayLength()} prompts in one request are above this silo's limit of {limits.MaxPromptsPerRequest} (ActiveIT:MaxPromptsPerRequest)",
                "invalid_request_error", "prompt");
        }
        try
        {
            return respond(model, modelId, body);  // a stream's request is validated here, before its first byte
        }
        catch (ChatTemplateException e)
        {
            request.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ActiveIT.Completions")
                .LogError(e, "model '{Model}': its chat template could not be rendered", modelId);
            return Error(500, $"The chat template of model '{modelId}' cannot be rendered by this silo; its log says why", "server_error", "messages", "chat_template_unusable");
        }
        catch (Exception e) when (e is ArgumentException or EngineException or InvalidOperationException or FormatException)
        {
            return Error(400, e.Message, "invalid_request_error", null);
        }
    }

    private static IResult ChatStream(GptModel model, string modelId, JsonElement body)
    {
        var (tokens, options) = ChatRequest(model, body);
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Chunk(JsonObject delta, string? reason) => new()
        {
            ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = modelId,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = reason }),
        };
        return new CompletionStream(model, [tokens], options, IncludeUsage(body),
            (_, text, reason) => Chunk(string.IsNullOrEmpty(text) ? new JsonObject() : new JsonObject { ["content"] = text }, reason),
            () => Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
    }

    private static IResult CompleteStream(GptModel model, string modelId, JsonElement body)
    {
        var prompts = Prompts(body, model.Tokenizer);
        var maxTokens = Int(body, "max_tokens") ?? 16;
        if (maxTokens <= 0)
        {
            throw new ArgumentException("max_tokens must be positive when streaming");
        }
        if (body.TryGetProperty("echo", out var e) && e.ValueKind == JsonValueKind.True || Int(body, "logprobs") is not null || Int(body, "prompt_logprobs") is not null)
        {
            throw new ArgumentException("echo, logprobs and prompt_logprobs are not supported with stream; ask without stream");
        }
        var options = new GenerationOptions(maxTokens, [model.Tokenizer.Eos], (float)(Double(body, "temperature") ?? 1.0), 0,
            (float)(Double(body, "top_p") ?? 1.0), (ulong)(Long(body, "seed") ?? 0));
        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new CompletionStream(model, prompts, options, IncludeUsage(body), (row, text, reason) => new JsonObject
        {
            ["id"] = id, ["object"] = "text_completion", ["created"] = created, ["model"] = modelId,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = row, ["text"] = text ?? "", ["logprobs"] = null, ["finish_reason"] = reason }),
        });
    }

    /// <summary>The conversation through the checkpoint's chat template, or as "role: content" lines where it has none (<see cref="ChatPrompt"/>).</summary>
    private static (int[] Tokens, GenerationOptions Options) ChatRequest(GptModel model, JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new ArgumentException("messages must be a non-empty list");
        }
        var conversation = new List<(string Role, string Content)>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"messages[{index}]: a message object with role and content is expected");
            }
            index++;
            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : throw new ArgumentException("every message needs a role");
            var content = message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : throw new ArgumentException("every message needs text content");
            conversation.Add((role!, content!));
        }
        var tokens = ChatPrompt.Encode(model.Tokenizer, conversation);
        var maxTokens = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens") ?? 64;
        if (maxTokens <= 0)
        {
            throw new ArgumentException("max_tokens must be positive");
        }
        return (tokens, new GenerationOptions(maxTokens, [model.Tokenizer.Eos], (float)(Double(body, "temperature") ?? 1.0), 0,
            (float)(Double(body, "top_p") ?? 1.0), (ulong)(Long(body, "seed") ?? 0)));
    }

    private static JsonObject Chat(GptModel model, string modelId, JsonElement body)
    {
        var (tokens, options) = ChatRequest(model, body);
        var output = model.Generate([tokens], options)[0];
        var finished = output.Length > 0 && output[^1] == model.Tokenizer.Eos;
        return new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = modelId,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Text(model.Tokenizer, finished ? output[..^1] : output) },
                ["finish_reason"] = finished ? "stop" : "length",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens.Length, ["completion_tokens"] = output.Length, ["total_tokens"] = tokens.Length + output.Length },
        };
    }

    private static JsonObject Complete(GptModel model, string modelId, JsonElement body)
    {
        var prompts = Prompts(body, model.Tokenizer);
        var maxTokens = Int(body, "max_tokens") ?? 16;
        var echo = body.TryGetProperty("echo", out var e) && e.ValueKind == JsonValueKind.True;
        var logprobs = Int(body, "logprobs");
        var promptLogprobs = Int(body, "prompt_logprobs");
        if (maxTokens < 0 || (maxTokens == 0 && !echo && promptLogprobs is null))
        {
            throw new ArgumentException("max_tokens must be positive unless echo or prompt_logprobs is requested");
        }
        var temperature = Double(body, "temperature") ?? 1.0;
        var options = new GenerationOptions(maxTokens, [model.Tokenizer.Eos], (float)temperature, 0, (float)(Double(body, "top_p") ?? 1.0), (ulong)(Long(body, "seed") ?? 0));
        var generated = maxTokens > 0 ? model.Generate(prompts, options) : [.. prompts.Select(_ => Array.Empty<int>())];

        var choices = new JsonArray();
        int promptTokens = 0, completionTokens = 0;
        for (var i = 0; i < prompts.Length; i++)
        {
            var output = generated[i];
            var finished = output.Length > 0 && output[^1] == model.Tokenizer.Eos;
            var completion = finished ? output[..^1] : output;
            promptTokens += prompts[i].Length;
            completionTokens += output.Length;
            var all = prompts[i].Concat(completion).ToArray();
            var mask = new byte[all.Length];
            for (var t = 1; t < all.Length; t++)
            {
                mask[t] = 1;
            }
            var lp = all.Length > 1 ? model.TokenLogProbs(SequenceBatch.FromArrays(1, all.Length, all, mask))[0] : new float[all.Length];
            var shown = echo ? all : completion;
            var offset = echo ? 0 : prompts[i].Length;
            var choice = new JsonObject
            {
                ["index"] = i,
                ["text"] = (echo ? Text(model.Tokenizer, prompts[i]) : "") + Text(model.Tokenizer, completion),
                ["finish_reason"] = maxTokens == 0 || finished ? "stop" : "length",
            };
            if (logprobs is not null)
            {
                // Offsets index the returned text, where BOS takes no room: the decoded length of the tokens before.
                choice["logprobs"] = new JsonObject
                {
                    ["tokens"] = new JsonArray([.. shown.Select(t => (JsonNode)model.Tokenizer.TokenText(t))]),
                    ["token_logprobs"] = new JsonArray([.. shown.Select((_, k) => offset + k == 0 ? null : (JsonNode)Math.Max(lp[offset + k], -9999f))]),
                    ["top_logprobs"] = null,
                    ["text_offset"] = new JsonArray([.. shown.Select((_, k) => (JsonNode)(Text(model.Tokenizer, shown[..k]).Length + (echo ? 0 : Text(model.Tokenizer, prompts[i]).Length)))]),
                };
            }
            else
            {
                choice["logprobs"] = null;
            }
            if (promptLogprobs is not null)
            {
                choice["prompt_logprobs"] = new JsonArray([.. prompts[i].Select((t, k) => k == 0 ? null : (JsonNode)new JsonObject
                {
                    [t.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject { ["logprob"] = Math.Max(lp[k], -9999f), ["decoded_token"] = model.Tokenizer.TokenText(t) },
                })]);
            }
            choices.Add(choice);
        }
        return new JsonObject
        {
            ["id"] = "cmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "text_completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = modelId,
            ["choices"] = choices,
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
        };
    }

    /// <summary>prompt: a string, a list of strings, a list of token ids, or a list of token-id lists.</summary>
    private static int[][] Prompts(JsonElement body, ITextTokenizer tokenizer)
    {
        if (!body.TryGetProperty("prompt", out var prompt))
        {
            throw new ArgumentException("prompt is required");
        }
        int[] FromText(string s) => tokenizer.EncodeServedPrompt(s);
        int[] FromIds(JsonElement ids) => [.. ids.EnumerateArray().Select(x => x.GetInt32())];
        return prompt.ValueKind switch
        {
            JsonValueKind.String => [FromText(prompt.GetString()!)],
            JsonValueKind.Array when prompt.GetArrayLength() > 0 && prompt[0].ValueKind == JsonValueKind.Number => [FromIds(prompt)],
            JsonValueKind.Array => [.. prompt.EnumerateArray().Select(p => p.ValueKind switch
            {
                JsonValueKind.String => FromText(p.GetString()!),
                JsonValueKind.Array => FromIds(p),
                _ => throw new ArgumentException("prompt list items must be strings or token-id lists"),
            })],
            _ => throw new ArgumentException("prompt must be a string, a list of strings, or token ids"),
        };
    }

    private static string Text(ITextTokenizer tokenizer, IEnumerable<int> tokens) => tokenizer.Decode([.. tokens]);

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    /// <summary>An int64 field (OpenAI's seed is one: a seed past 2^31 is valid).</summary>
    private static long? Long(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static double? Double(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static IResult Error(int status, string message, string type, string? param, string? code = null) => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    }, statusCode: status);
}
