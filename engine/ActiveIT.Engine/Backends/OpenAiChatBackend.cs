using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using ActiveIT.Core.Transfer;
using OpenAI;
using OpenAI.Chat;

namespace ActiveIT.Engine.Backends;

/// <summary>
/// Chat through the OpenAI package's <see cref="ChatClient"/>, for any server that speaks the protocol (OpenAI,
/// Azure-style gateways, vLLM, the silo's /v1/chat/completions). 429, 5xx and timeouts are retried by the client's
/// pipeline with exponential backoff, waiting at least what the server's retry-after (or retry-after-ms) asks.
/// </summary>
public sealed class OpenAiChatBackend : IChatBackend
{
    private readonly ChatClient _client;

    public OpenAiChatBackend(Uri endpoint, string model, string? apiKey, int maxRetries = 4, TimeSpan? timeout = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint, RetryPolicy = new RetryAfterPolicy(maxRetries), NetworkTimeout = timeout ?? TimeSpan.FromMinutes(2),
        };
        _client = new ChatClient(model, new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey), options);
        Describe = $"{endpoint.ToString().TrimEnd('/')} ({model})";
    }

    public string Describe { get; }

    public async Task<ChatAnswer> CompleteAsync(IReadOnlyList<ChatTurn> messages, float temperature, int maxTokens, ulong seed,
        CancellationToken cancellationToken = default)
    {
        var chat = messages.Select<ChatTurn, ChatMessage>(m => m.Role switch
        {
            "system" => new SystemChatMessage(m.Content),
            "assistant" => new AssistantChatMessage(m.Content),
            _ => new UserChatMessage(m.Content),
        }).ToList();
#pragma warning disable OPENAI001  // Seed is marked experimental in the package; servers that ignore it still answer
        var options = new ChatCompletionOptions { Temperature = temperature, MaxOutputTokenCount = maxTokens, Seed = (long)(seed & long.MaxValue) };
#pragma warning restore OPENAI001
        ChatCompletion completion;
        try
        {
            completion = (await _client.CompleteChatAsync(chat, options, cancellationToken)).Value;
        }
        catch (ClientResultException e) when (e.Status is 400 or 413 or 422)
        {
            throw new ChatRefusedException($"{Describe} refused the request ({e.Status}): {e.Message}", e);
        }
        catch (ClientResultException e)
        {
            throw new ChatUnavailableException($"{Describe} answered {e.Status}: {e.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or AggregateException && !cancellationToken.IsCancellationRequested)
        {
            // AggregateException: the pipeline's retries ran out on network errors or timeouts ("Retry failed after N tries").
            throw new ChatUnavailableException($"{Describe} could not be reached: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            // The body was not a chat completion (a proxy's error page, a truncated JSON): a broken answer, not the task's fault.
            throw new ChatUnavailableException($"{Describe} sent a response that is not a chat completion: {e.Message}", e);
        }
        var usage = completion.Usage;
        var (promptTokens, completionTokens) = (usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            throw new ChatRefusedException($"the model refused: {completion.Refusal}") { Data = { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens } };
        }
        if (completion.FinishReason == ChatFinishReason.ContentFilter)
        {
            throw new ChatRefusedException("the server's content filter stopped the answer") { Data = { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens } };
        }
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        var finish = completion.FinishReason == ChatFinishReason.Length ? "length" : "stop";
        return new ChatAnswer(text, finish, promptTokens, completionTokens);
    }

    /// <summary>The package's backoff, but never shorter than the server's retry-after-ms or retry-after (seconds or an HTTP date).</summary>
    private sealed class RetryAfterPolicy(int maxRetries) : ClientRetryPolicy(maxRetries)
    {
        protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
        {
            var delay = base.GetNextDelay(message, tryCount);
            if (message.Response is not { } response)
            {
                return delay;
            }
            if (response.Headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
            {
                return TimeSpan.FromMilliseconds(Math.Max(millis, delay.TotalMilliseconds));
            }
            if (response.Headers.TryGetValue("retry-after", out var after))
            {
                if (double.TryParse(after, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return TimeSpan.FromSeconds(Math.Max(seconds, delay.TotalSeconds));
                }
                if (DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                {
                    var wait = when - DateTimeOffset.UtcNow;
                    return wait > delay ? wait : delay;
                }
            }
            return delay;
        }
    }
}
