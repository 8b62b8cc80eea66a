using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActiveIT.Engine;

namespace ActiveIT.Silo.Tests;

/// <summary>The silo's OpenAI-compatible completions over real HTTP, checked against the engine directly.</summary>
public sealed class CompletionsApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-models-").FullName;
    private SiloServer _silo = null!;
    private GptModel _model = null!;

    public async Task InitializeAsync()
    {
        _model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 2, 2, 32, MaxSeqLen: 64, RotaryDim: 8), seed: 5);
        _model.Save(Path.Combine(_dir, "tiny.safetensors"));
        // A Hugging Face GPT-J folder (config.json + model.safetensors, GPT-2 vocabulary), as a user downloads one.
        var hf = Directory.CreateDirectory(Path.Combine(_dir, "gptj-tiny")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden", "hf", "gptj-f32")))
        {
            File.Copy(file, Path.Combine(hf, Path.GetFileName(file)));
        }
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={_dir}");
    }

    private async Task<JsonElement> PostAsync(object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _silo.Client.PostAsJsonAsync("v1/completions", body);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Models_ListsTheCheckpoints()
    {
        var models = await _silo.Client.GetFromJsonAsync<JsonElement>("v1/models");
        Assert.Equal(["gptj-tiny", "tiny"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task HuggingFaceGptJ_IsServedWithGpt2Tokens()
    {
        var result = await PostAsync(new { model = "gptj-tiny", prompt = "The quick brown fox", max_tokens = 4, temperature = 0, echo = true, logprobs = 0 });
        var choice = result.GetProperty("choices")[0];
        var tokens = choice.GetProperty("logprobs").GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(["The", " quick", " brown", " fox"], tokens[..4]);
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").GetProperty("token_logprobs")[0].ValueKind);

        using var model = GptModel.Load(Path.Combine(_dir, "gptj-tiny"));
        var prompt = model.Tokenizer.Encode("The quick brown fox");
        var generated = model.Generate([prompt], new GenerationOptions(4, [model.Tokenizer.Eos]))[0];
        Assert.Equal("The quick brown fox" + model.Tokenizer.Decode(generated), choice.GetProperty("text").GetString());
        Assert.Equal(4, result.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task RemoteScoring_OfABpeModel_CoversTheOutputSpan_ItsMergedSpace_AndEos()
    {
        var remote = new ActiveIT.Engine.Backends.OpenAiCompatibleBackend(new Uri(_silo.Url + "v1"), "gptj-tiny", SiloServer.Key, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal("<|endoftext|>", await remote.EndOfSequenceAsync());
        const string prompt = "Input: The quick brown fox.\nOutput: ";
        var scores = await remote.ScoreAsync([(prompt, "Paris"), (prompt, ""), (prompt, "jumps over")]);

        using var model = GptModel.Load(Path.Combine(_dir, "gptj-tiny"));
        var eos = model.Tokenizer.Eos;
        // Tokenized whole, GPT-2 BPE merges the prompt's trailing space into the output's first token.
        Assert.Equal(" Paris", model.Tokenizer.TokenText(model.Tokenizer.Encode(prompt + "Paris")[^1]));
        double Expected(string target, int outputTokens)
        {
            int[] ids = [.. model.Tokenizer.Encode(prompt + target), eos];
            var logprobs = model.TokenLogProbs(SequenceBatch.FromArrays(1, ids.Length, ids, [0, .. Enumerable.Repeat((byte)1, ids.Length - 1)]))[0];
            return logprobs[^outputTokens..].Sum(l => (double)l);
        }
        Assert.Equal(2, scores[0].TokenCount);  // " Paris", EOS
        Assert.Equal(Expected("Paris", 2), scores[0].LogProbSum, 1e-3);
        Assert.Equal(1, scores[1].TokenCount);  // an empty output is its EOS
        Assert.Equal(Expected("", 1), scores[1].LogProbSum, 1e-3);
        Assert.Equal(3, scores[2].TokenCount);  // " jumps", " over", EOS
        Assert.Equal(Expected("jumps over", 3), scores[2].LogProbSum, 1e-3);

        // Without EOS (explicitly), the span alone, under a version that keeps such scores apart.
        var bare = new ActiveIT.Engine.Backends.OpenAiCompatibleBackend(new Uri(_silo.Url + "v1"), "gptj-tiny", SiloServer.Key, "v", endOfSequence: "");
        Assert.Equal("v+no-eos", bare.ModelVersion);
        Assert.Equal([1, 0], (await bare.ScoreAsync([(prompt, "Paris"), (prompt, "")])).Select(s => s.TokenCount));
    }

    [Fact]
    public async Task EchoWithLogprobs_ReturnsPromptLogprobs_FirstNull_SummingToTheEngineScore()
    {
        var result = await PostAsync(new { model = "tiny", prompt = "hello", max_tokens = 0, echo = true, logprobs = 0 });
        var choice = result.GetProperty("choices")[0];
        Assert.Equal("hello", choice.GetProperty("text").GetString());
        var logprobs = choice.GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray().ToArray();
        Assert.Equal(6, logprobs.Length);  // BOS + 5 bytes
        Assert.Equal(JsonValueKind.Null, logprobs[0].ValueKind);
        Assert.Equal(["<|bos|>", "h", "e", "l", "l", "o"], choice.GetProperty("logprobs").GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));

        int[] tokens = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("hello")];
        var score = _model.Score(SequenceBatch.FromArrays(1, 6, tokens, [0, 1, 1, 1, 1, 1]))[0];
        Assert.Equal(score.LogProbSum, logprobs.Skip(1).Sum(l => l.GetDouble()), 1e-4);
        Assert.Equal(6, result.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task TokenIdPromptLists_GetPromptLogprobsKeyedByTokenId()
    {
        var result = await PostAsync(new { model = "tiny", prompt = new[] { new[] { 257, 104, 105 }, new[] { 257, 120 } }, max_tokens = 0, prompt_logprobs = 0 });
        var choices = result.GetProperty("choices").EnumerateArray().ToArray();
        Assert.Equal(2, choices.Length);
        var first = choices[0].GetProperty("prompt_logprobs").EnumerateArray().ToArray();
        Assert.Equal(3, first.Length);
        Assert.Equal(JsonValueKind.Null, first[0].ValueKind);
        Assert.True(first[1].GetProperty("104").GetProperty("logprob").GetDouble() < 0);
        Assert.Equal("i", first[2].GetProperty("105").GetProperty("decoded_token").GetString());
    }

    [Fact]
    public async Task GreedyCompletion_EqualsEngineGeneration()
    {
        var result = await PostAsync(new { model = "tiny", prompt = "abc", max_tokens = 6, temperature = 0, logprobs = 0 });
        var expected = _model.Generate([[ByteTokenizer.Bos, .. ByteTokenizer.Encode("abc")]], new GenerationOptions(6, [ByteTokenizer.Eos]))[0];
        var text = ByteTokenizer.Decode(expected.Where(t => t != ByteTokenizer.Eos).ToArray());
        var choice = result.GetProperty("choices")[0];
        Assert.Equal(text, choice.GetProperty("text").GetString());
        Assert.Equal(expected[^1] == ByteTokenizer.Eos ? "stop" : "length", choice.GetProperty("finish_reason").GetString());
        Assert.All(choice.GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray(), l => Assert.True(l.GetDouble() <= 0));
    }

    [Fact]
    public async Task ChatCompletions_ServeTheRealOpenAiChatClient()
    {
        var chat = new OpenAI.Chat.ChatClient("tiny", new System.ClientModel.ApiKeyCredential(SiloServer.Key),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(_silo.Url + "v1") });
        var result = await chat.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("hi")],
            new OpenAI.Chat.ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 5 });
        int[] prompt = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("user: hi\nassistant: ")];
        var expected = _model.Generate([prompt], new GenerationOptions(5, [ByteTokenizer.Eos]))[0];
        Assert.Equal(ByteTokenizer.Decode(expected.Where(t => t != ByteTokenizer.Eos).ToArray()), result.Value.Content[0].Text);
        Assert.Equal(OpenAI.Chat.ChatMessageRole.Assistant, result.Value.Role);
    }

    [Fact]
    public async Task ChatStreaming_ServesTheRealOpenAiClientsStreamingApi_TokenByToken()
    {
        var chat = new OpenAI.Chat.ChatClient("tiny", new System.ClientModel.ApiKeyCredential(SiloServer.Key),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(_silo.Url + "v1") });
        var text = new System.Text.StringBuilder();
        var updates = 0;
        OpenAI.Chat.ChatFinishReason? finish = null;
        OpenAI.Chat.ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new OpenAI.Chat.UserChatMessage("hi")],
            new OpenAI.Chat.ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12 }))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }
        int[] prompt = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("user: hi\nassistant: ")];
        var expected = _model.Generate([prompt], new GenerationOptions(12, [ByteTokenizer.Eos]))[0];
        var completion = expected.Where(t => t != ByteTokenizer.Eos).ToArray();
        Assert.Equal(ByteTokenizer.Decode(completion), text.ToString());
        Assert.True(updates >= 3, $"{updates} updates: the text did not come in pieces");
        Assert.Equal(expected[^1] == ByteTokenizer.Eos ? OpenAI.Chat.ChatFinishReason.Stop : OpenAI.Chat.ChatFinishReason.Length, finish);
        Assert.Equal(expected.Length, usage?.OutputTokenCount);  // the client asks for stream_options.include_usage
    }

    [Fact]
    public async Task CompletionsStreaming_SendsServerSentEvents_PerChoice_ThenUsage_ThenDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions")
        {
            Content = JsonContent.Create(new { model = "tiny", prompt = new[] { "abc", "hello" }, max_tokens = 8, temperature = 0, stream = true,
                stream_options = new { include_usage = true } }),
        };
        using var response = await _silo.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToArray();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        var plain = await PostAsync(new { model = "tiny", prompt = new[] { "abc", "hello" }, max_tokens = 8, temperature = 0 });
        for (var i = 0; i < 2; i++)
        {
            var mine = chunks[..^1].Select(c => c.GetProperty("choices")[0]).Where(c => c.GetProperty("index").GetInt32() == i).ToArray();
            Assert.True(mine.Length >= 2);
            Assert.Equal(plain.GetProperty("choices")[i].GetProperty("text").GetString(), string.Concat(mine.Select(c => c.GetProperty("text").GetString())));
            Assert.All(mine[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
            Assert.Equal(plain.GetProperty("choices")[i].GetProperty("finish_reason").GetString(), mine[^1].GetProperty("finish_reason").GetString());
        }
        Assert.Equal(plain.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var echo = await PostAsync(new { model = "tiny", prompt = "abc", max_tokens = 4, stream = true, echo = true }, HttpStatusCode.BadRequest);
        Assert.Equal("echo, logprobs and prompt_logprobs are not supported with stream; ask without stream", echo.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Errors_UseOpenAiErrorBodies()
    {
        var missing = await PostAsync(new { model = "nope", prompt = "x" }, HttpStatusCode.NotFound);
        Assert.Equal("model_not_found", missing.GetProperty("error").GetProperty("code").GetString());
        var bad = await PostAsync(new { model = "tiny", prompt = 5 }, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request_error", bad.GetProperty("error").GetProperty("type").GetString());
        var outOfRange = await PostAsync(new { model = "tiny", prompt = new[] { 257, 999 }, max_tokens = 0, echo = true }, HttpStatusCode.BadRequest);
        Assert.Contains("outside the vocabulary", outOfRange.GetProperty("error").GetProperty("message").GetString());

        // JSON that is not an object, as a body or as a message (found by HttpFuzzTests, seed 639320986647093957): 400, not 500.
        foreach (var (path, body, message) in new[]
                 {
                     ("v1/chat/completions", "44", "request body: a JSON object is expected, not number"),
                     ("v1/completions", "[1]", "request body: a JSON object is expected, not array"),
                     ("v1/chat/completions", """{"model": "tiny", "messages": [44]}""", "messages[0]: a message object with role and content is expected"),
                 })
        {
            using var response = await _silo.Client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
        }
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _model.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
