using System.Text.Json.Nodes;
using System.Threading.Channels;
using ActiveIT.Engine;

namespace ActiveIT.Silo.Completions;

/// <summary>
/// `stream: true` as OpenAI and vLLM serve it: server-sent events, one `data: {chunk}` per piece of text as the engine
/// chooses tokens, a last chunk per choice with its finish reason, a usage chunk (empty choices) when
/// `stream_options.include_usage` asks, then `data: [DONE]`. A client that goes away cancels the generation at its
/// next step. Text is sent only once it decodes whole: a token that ends inside a UTF-8 character waits for the rest.
/// </summary>
internal sealed class CompletionStream(GptModel model, int[][] prompts, GenerationOptions options, bool includeUsage,
    Func<int, string?, string?, JsonObject> chunk, Func<JsonObject>? first = null) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var cancel = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var eos = model.Tokenizer.Eos;
        var channel = Channel.CreateUnbounded<(int Row, int Token)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var generation = Task.Run(() =>
        {
            try
            {
                model.Generate(prompts, options, (row, token) => channel.Writer.TryWrite((row, token)), cancel);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
            }
        }, CancellationToken.None);

        var tokens = prompts.Select(_ => new List<int>()).ToArray();
        var sent = new string[prompts.Length];
        Array.Fill(sent, "");
        var finished = new bool[prompts.Length];
        try
        {
            if (first is not null)
            {
                await SendAsync(http, first(), cancel);
            }
            await foreach (var (row, token) in channel.Reader.ReadAllAsync(cancel))
            {
                if (token == eos)
                {
                    await SendRestAsync(http, row, tokens, sent, "stop", cancel);
                    finished[row] = true;
                    continue;
                }
                tokens[row].Add(token);
                var text = model.Tokenizer.Decode([.. tokens[row]]);
                if (!text.EndsWith('\uFFFD') && text.Length > sent[row].Length)
                {
                    await SendAsync(http, chunk(row, text[sent[row].Length..], null), cancel);
                    sent[row] = text;
                }
            }
            for (var row = 0; row < prompts.Length; row++)
            {
                if (!finished[row])
                {
                    await SendRestAsync(http, row, tokens, sent, "length", cancel);
                }
            }
            if (includeUsage)
            {
                var promptTokens = prompts.Sum(p => p.Length);
                var completionTokens = tokens.Sum(t => t.Count) + finished.Count(f => f);  // EOS counts, as in a plain response
                var usage = chunk(0, null, null);
                usage["choices"] = new JsonArray();
                usage["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens };
                await SendAsync(http, usage, cancel);
            }
            await http.Response.WriteAsync("data: [DONE]\n\n", cancel);
            await http.Response.Body.FlushAsync(cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // the client went away: the generation stops at its next step
        }
        catch (Exception e) when (e is EngineException or ArgumentException or InvalidOperationException)
        {
            // Headers are out: the error travels as an event, in OpenAI's error body.
            await SendAsync(http, new JsonObject { ["error"] = new JsonObject { ["message"] = e.Message, ["type"] = "server_error", ["param"] = null, ["code"] = null } },
                CancellationToken.None);
        }
        finally
        {
            await generation;
        }
    }

    /// <summary>The choice's last chunk: whatever text was held back, and its finish reason.</summary>
    private async Task SendRestAsync(HttpContext http, int row, List<int>[] tokens, string[] sent, string reason, CancellationToken cancel)
    {
        var text = model.Tokenizer.Decode([.. tokens[row]]);
        await SendAsync(http, chunk(row, text.Length > sent[row].Length ? text[sent[row].Length..] : "", reason), cancel);
        sent[row] = text;
    }

    private static async Task SendAsync(HttpContext http, JsonObject body, CancellationToken cancel)
    {
        await http.Response.WriteAsync($"data: {body.ToJsonString()}\n\n", cancel);
        await http.Response.Body.FlushAsync(cancel);
    }
}
