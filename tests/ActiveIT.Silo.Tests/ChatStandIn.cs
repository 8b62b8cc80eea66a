using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// A stand-in for OpenAI's own chat endpoint (unreachable here), on Kestrel at 127.0.0.1, speaking its protocol:
/// POST /v1/chat/completions answers chat.completion bodies (choices[].message.content or .refusal, finish_reason,
/// usage) and errors as {"error": {"message", "type", "param", "code"}} with their status codes (429 with retry-after).
/// What it answers is scripted per request by <see cref="Script"/>; every request that arrives is recorded.
/// </summary>
internal sealed partial class ChatStandIn : IAsyncDisposable
{
    /// <summary>One request as it arrived: its number (1-based), time, model, seed, the last user message (the task) and body.</summary>
    public sealed record Request(int Number, DateTimeOffset At, string Model, long? Seed, string LastUser, JsonNode Body, string Authorization);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _arrived = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _count;
    private int _served;

    private ChatStandIn(WebApplication app) => _app = app;

    /// <summary>What to answer; by default a well-formed NIV2 task whose definition depends on the seed (<see cref="Niv2Answer"/>).</summary>
    public Func<Request, HttpContext, Task<IResult>> Script { get; set; } = (r, _) => Task.FromResult(Completion(Niv2Answer(r)));

    /// <summary>A wait before each answer (a slow server).</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<Request> Arrived => [.. _arrived.OrderBy(r => r.Number)];

    /// <summary>Requests answered to the end (the delay passed, the client still there).</summary>
    public int Served => Volatile.Read(ref _served);

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<ChatStandIn> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ChatStandIn(app);
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/v1");
        return server;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted))!;
        var messages = body["messages"]!.AsArray();
        var lastUser = messages.LastOrDefault(m => (string?)m!["role"] == "user")?["content"]?.GetValue<string>() ?? "";
        var request = new Request(Interlocked.Increment(ref _count), DateTimeOffset.UtcNow, (string?)body["model"] ?? "", body["seed"]?.GetValue<long>(),
            lastUser, body, context.Request.Headers.Authorization.ToString());
        _arrived.Enqueue(request);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, linked.Token);
        }
        var result = await Script(request, context);
        Interlocked.Increment(ref _served);
        return result;
    }

    // ---- the protocol's bodies ----

    public static IResult Completion(string? content, string finishReason = "stop", int promptTokens = 120, int completionTokens = 40, string? refusal = null) =>
        Results.Json(new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24],
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = "gpt-4o-mini-2024-07-18",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = refusal },
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
            ["system_fingerprint"] = "fp_test",
        });

    public static IResult Error(int status, string message, string? type, string? code, string? param = null) => Results.Json(new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    }, statusCode: status);

    public static IResult RateLimited(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers["retry-after"] = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Error(429, "Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.",
            "requests", "rate_limit_exceeded");
    }

    public static IResult ServerError() =>
        Error(500, "The server had an error while processing your request. Sorry about that!", "server_error", null);

    public static IResult ContentFilter() =>
        Error(400, "The response was filtered due to the prompt triggering the content management policy.", "invalid_request_error", "content_filter", "prompt");

    public static IResult InvalidKey() =>
        Error(401, "Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");

    /// <summary>A 200 whose JSON body is cut off mid-way (a proxy that dropped the connection's end).</summary>
    public static IResult Malformed() =>
        Results.Text("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assis", "application/json");

    /// <summary>
    /// A NIV2 answer for the task in the request (its rule read from the source's "Instruction:" line, its instances copied),
    /// worded differently per seed: candidates differ, as sampled candidates do.
    /// </summary>
    public static string Niv2Answer(Request request)
    {
        var rule = RuleLine().Match(request.LastUser);
        var (pattern, replacement) = rule.Success ? (rule.Groups[1].Value, rule.Groups[2].Value) : ("?", "?");
        string[] wordings =
        [
            $"Replace the leftmost occurrence of \"{pattern}\" with \"{replacement}\", once.",
            $"In the input string, find the first \"{pattern}\" and write \"{replacement}\" in its place; leave the rest of the string as it is.",
            $"Change \"{pattern}\" into \"{replacement}\".",
            $"\"{pattern}\" -> \"{replacement}\" (first match only)",
        ];
        var seed = request.Seed ?? 0;
        var text = new System.Text.StringBuilder();
        if (seed % 2 == 1)
        {
            text.Append("Sure! Here is the task in the Natural Instructions format:\n\n```\n");
        }
        text.Append("Definition: ").Append(wordings[seed % wordings.Length]).Append('\n');
        var instances = InstanceBlock().Matches(request.LastUser);
        for (var i = 0; i < instances.Count; i++)
        {
            var (input, output) = (instances[i].Groups[1].Value, instances[i].Groups[2].Value);
            text.Append($"\nPositive Example {i + 1} -\nInput: {input}\nOutput: {output}\nExplanation: Candidate {seed} explains \"{input}\".\n");
        }
        if (seed % 2 == 1)
        {
            text.Append("```\n");
        }
        return text.ToString();
    }

    [GeneratedRegex("Instruction: .*?\"([^\"]*)\".*?\"([^\"]*)\"")]
    private static partial Regex RuleLine();

    [GeneratedRegex(@"Input: (.*)\nOutput: (.*)")]
    private static partial Regex InstanceBlock();

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
