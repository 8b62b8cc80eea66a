using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActiveIT.Core;
using ActiveIT.Engine;
using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Silo.Tests;

/// <summary>
/// A Llama-family checkpoint and LoRA adapters on it, served by a silo over the OpenAI protocol as GPT-J is: echo and
/// logprobs equal to the engine's, chat through the checkpoint's chat template, streaming equal to the whole answer.
/// </summary>
public sealed class LlamaServingTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-llama-serve-").FullName;
    private SiloServer _silo = null!;

    private string Base => Path.Combine(_dir, "llama-tiny");
    private string Adapter => Path.Combine(_dir, "llama-tiny-lora");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Base);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama")))
        {
            File.Copy(file, Path.Combine(Base, Path.GetFileName(file)));
        }
        using (var model = GptModel.Load(Base))
        {
            model.AttachLora(new LoraConfig(4, 8, ["q_proj", "v_proj", "o_proj"]), seed: 2);
            using var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 2e-2f, TotalSteps: 10));
            var batch = SequenceBatch.FromPairs([new TokenPair(model.Tokenizer.EncodePrompt("the cat"), [.. model.Tokenizer.Encode(" sat on the mat"), model.Tokenizer.Eos])]);
            for (var i = 0; i < 10; i++)
            {
                trainer.Step(batch);
            }
            model.SaveAdapter(Adapter, "llama-tiny");  // relative to the adapter folder: the pair moves together
        }
        _silo = await SiloServer.StartAsync("--ActiveIT:Storage=sqlite", $"--ActiveIT:DataDir={_dir}/data", $"--ActiveIT:ModelDir={_dir}");
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _silo.Client.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return json;
    }

    [Fact]
    public async Task BaseAndAdapter_AreListed_AndEchoLogprobsEqualTheEngines()
    {
        var models = await _silo.Client.GetFromJsonAsync<JsonElement>("v1/models");
        Assert.Equal(["llama-tiny", "llama-tiny-lora"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
        const string text = "the cat sat on the mat";
        var served = new Dictionary<string, double[]>();
        foreach (var (id, path) in new[] { ("llama-tiny", Base), ("llama-tiny-lora", Adapter) })
        {
            var result = await PostAsync("v1/completions", new { model = id, prompt = text, max_tokens = 0, echo = true, logprobs = 0 });
            var logprobs = result.GetProperty("choices")[0].GetProperty("logprobs");
            var got = logprobs.GetProperty("token_logprobs").EnumerateArray().Skip(1).Select(v => v.GetDouble()).ToArray();
            using var model = GptModel.Load(path);
            int[] ids = model.Tokenizer.EncodePrompt(text);
            Assert.Equal(298, ids[0]);  // the tokenizer's BOS, from tokenizer_config.json
            Assert.Equal(ids.Length, logprobs.GetProperty("tokens").GetArrayLength());
            var expected = model.TokenLogProbs(SequenceBatch.FromArrays(1, ids.Length, ids, [0, .. Enumerable.Repeat((byte)1, ids.Length - 1)]))[0][1..];
            Assert.Equal(expected.Length, got.Length);
            for (var i = 0; i < got.Length; i++)
            {
                Assert.Equal(expected[i], got[i], 1e-4);
            }
            served[id] = got;
        }
        Assert.NotEqual(served["llama-tiny"], served["llama-tiny-lora"]);  // the adapters change the model

        // A checkpoint the engine refuses: a 500 in OpenAI's shape, the cause (with the silo's paths) in its log only.
        var broken = Directory.CreateDirectory(Path.Combine(_dir, "broken")).FullName;
        File.WriteAllText(Path.Combine(broken, "config.json"), """{"model_type": "gemma"}""");
        using var refused = await _silo.Client.PostAsJsonAsync("v1/completions", new { model = "broken", prompt = "x", max_tokens = 1 });
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("model_load_failed", error.GetProperty("code").GetString());
        Assert.DoesNotContain(_dir, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Chat_RendersTheChatTemplate_AndStreamsTheSameAnswer()
    {
        var messages = new[] { new { role = "system", content = "be brief" }, new { role = "user", content = "the cat" } };
        var whole = await PostAsync("v1/chat/completions", new { model = "llama-tiny-lora", messages, max_tokens = 6, temperature = 0 });
        using var model = GptModel.Load(Adapter);
        var tokenizer = (TokenizerJson)model.Tokenizer;
        var rendered = ChatPrompt.Render(tokenizer, tokenizer.ChatTemplate!, [("system", "be brief"), ("user", "the cat")]);
        Assert.Equal("<|begin_of_text|><|system|>be brief<|end_of_text|><|user|>the cat<|end_of_text|><|assistant|>", rendered);
        var prompt = tokenizer.Encode(rendered);
        Assert.Equal([298], prompt[..1]);
        Assert.Equal(prompt.Length, whole.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var output = model.Generate([prompt], new GenerationOptions(6, [model.Tokenizer.Eos]))[0];
        var answer = model.Tokenizer.Decode(output.Where(t => t != model.Tokenizer.Eos).ToArray());
        Assert.Equal(answer, whole.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        // The OpenAI package, streaming: the same answer in pieces.
        var chat = new OpenAI.Chat.ChatClient("llama-tiny-lora", new ApiKeyCredential(SiloServer.Key), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(_silo.Url + "v1") });
        var streamed = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new OpenAI.Chat.SystemChatMessage("be brief"), new OpenAI.Chat.UserChatMessage("the cat")],
            new OpenAI.Chat.ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 6 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }
        Assert.Equal(answer, streamed.ToString());
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
