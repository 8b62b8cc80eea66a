using System.Text.Json;
using System.Text.Json.Nodes;
using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// The Llama block family against a plain-PyTorch reference (Golden/make_llama_golden.py): tiny random Hugging Face
/// folders of each supported variant, their next-token logits at every position and a greedy continuation.
/// </summary>
public sealed class LlamaFamilyTests
{
    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "llama", name);

    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(Golden("llama_logits.json"))).RootElement;

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("mistral")]
    public void HuggingFaceFolder_EveryPositionsLogitsMatchPyTorch_AndGreedyContinuationsAgree(string variant)
    {
        using var model = GptModel.Load(Golden(variant), precision: Precision.Fp32);
        var tolerance = Reference.GetProperty("tolerance").GetDouble();
        var rows = Reference.GetProperty("tokens").EnumerateArray().Select(r => r.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        var expected = Reference.GetProperty("variants").GetProperty(variant);
        var worst = 0.0;
        for (var r = 0; r < rows.Length; r++)
        {
            var logits = model.NextLogits([.. Enumerable.Range(1, rows[r].Length).Select(t => rows[r][..t])]);
            for (var t = 0; t < rows[r].Length; t++)
            {
                var want = expected.GetProperty("logits")[r][t].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                for (var v = 0; v < want.Length; v++)
                {
                    var error = Math.Abs(logits[t][v] - want[v]) / Math.Max(1, Math.Abs(want[v]));
                    worst = Math.Max(worst, error);
                    Assert.True(error <= tolerance, $"{variant}: row {r}, position {t}, token {v}: engine {logits[t][v]}, PyTorch {want[v]}");
                }
            }
        }
        Assert.True(worst > 0 || variant != "llama", "identical to the last bit: the comparison read the wrong numbers");
        int[] prompt = [.. Reference.GetProperty("prompt").EnumerateArray().Select(t => t.GetInt32())];
        int[] greedy = [.. expected.GetProperty("greedy").EnumerateArray().Select(t => t.GetInt32())];
        foreach (var cache in new[] { true, false })
        {
            var generated = model.Generate([prompt], new GenerationOptions(greedy.Length, [], UseCache: cache))[0];
            Assert.Equal(greedy, generated);
        }
    }

    [Fact]
    public void EachVariantsOptions_AreReadFromItsConfig()
    {
        using (var llama = GptModel.Load(Golden("llama")))
        {
            var c = llama.Config;
            Assert.Equal((ModelConfig.Llama, 4, 2, 8, true, false), (c.Architecture, c.Heads, c.KvHeadCount, c.HeadDim, c.TieEmbeddings, c.AttentionBias));
            Assert.Equal(new RopeScaling("llama3", 8, 1, 4, 16), c.RopeScaling);
            Assert.IsType<TokenizerJson>(llama.Tokenizer);
            Assert.Equal(298, llama.Tokenizer.Bos);
            Assert.Equal(299, llama.Tokenizer.Eos);
        }
        using (var qwen = GptModel.Load(Golden("qwen2")))
        {
            Assert.Equal((1, true, false, false), (qwen.Config.KvHeadCount, qwen.Config.AttentionBias, qwen.Config.OutputBias, qwen.Config.TieEmbeddings));
        }
        using var mistral = GptModel.Load(Golden("mistral"));
        Assert.Equal((16, 32, "linear"), (mistral.Config.HeadDim, mistral.Config.MaxSeqLen, mistral.Config.RopeScaling!.Type));  // the sliding window caps the context
        Assert.Contains("exceeds the model's max_seq_len 32", Assert.Throws<EngineException>(() => mistral.NextLogits([new int[33]])).Message);
    }

    [Fact]
    public void SavedAndLoaded_TheSameLogits_TheConfigKept_AndTheTokenizerFoundByPath()
    {
        using var dir = new TempDirectory();
        using var model = GptModel.Load(Golden("llama"));
        model.Save(dir.File("round.safetensors"), new Dictionary<string, string> { ["note"] = "kept" });
        using var loaded = GptModel.Load(dir.File("round.safetensors"));
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal("kept", loaded.GetMetadata("note"));
        Assert.Equal(Path.GetFullPath(Golden(Path.Combine("llama", "tokenizer.json"))), loaded.GetMetadata("tokenizer_file"));
        Assert.Equal(model.Tokenizer.Encode("the cat sat"), loaded.Tokenizer.Encode("the cat sat"));
        int[] row = [298, 5, 70, 260, 12];
        Assert.Equal(model.NextLogits([row])[0], loaded.NextLogits([row])[0]);
    }

    [Fact]
    public void FromScratch_GroupedQueryTiedModel_Trains()
    {
        var config = new ModelConfig(ByteTokenizer.VocabSize, Layers: 2, Heads: 4, DModel: 32, MaxSeqLen: 48, Inner: 64, Architecture: ModelConfig.Llama,
            KvHeads: 2, TieEmbeddings: true);
        using var model = GptModel.Create(config, seed: 3);
        // Tied: no LM head of its own; grouped: k and v project to 2 heads of 8, not 4.
        var perLayer = 2 * 32 + 32 * 32 + 2 * 32 * (2 * 8) + 32 * 32 + 3 * 32 * 64;
        Assert.Equal(ByteTokenizer.VocabSize * 32 + 2 * perLayer + 32, model.ParameterCount);
        using var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-2f, TotalSteps: 60));
        var batch = Models.Batch(("reverse abc", "cba"), ("reverse dog", "god"));
        var first = trainer.Step(batch).Loss;
        var last = first;
        for (var i = 0; i < 59; i++)
        {
            last = trainer.Step(batch).Loss;
        }
        Assert.True(last < first / 3, $"loss {first} → {last}");
    }

    [Theory]
    [InlineData("model_type", "\"gemma\"", "model_type 'gemma' is not supported (gptj, llama, mistral, qwen2)")]
    [InlineData("rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4}", "field 'rope_scaling.rope_type' is 'yarn'; supported: default, linear, llama3")]
    [InlineData("hidden_act", "\"gelu\"", "field 'hidden_act' is 'gelu'")]
    [InlineData("num_key_value_heads", "3", "num_key_value_heads must divide num_attention_heads")]
    [InlineData("rope_theta", "\"big\"", "field 'rope_theta' must be a number")]
    public void UnsupportedOrBadConfig_NamesTheFileAndTheField(string field, string value, string message)
    {
        using var dir = new TempDirectory();
        foreach (var file in Directory.GetFiles(Golden("llama")))
        {
            File.Copy(file, dir.File(Path.GetFileName(file)));
        }
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config[field] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        var error = Assert.Throws<EngineException>(() => GptModel.Load(dir.Path)).Message;
        Assert.Contains(dir.File("config.json"), error.Replace(": config.", "/config.json: config.", StringComparison.Ordinal));
        Assert.Contains(message, error);
    }
}
