using System.Text.Json;
using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// Checkpoints the engine did not write: one saved by the C++ engine this one replaced (Golden/legacy_engine_tiny.*),
/// and small random GPT-Js in Hugging Face layout written by an independent PyTorch implementation
/// (Golden/make_hf_golden.py): F32 in one file, BF16 in two shards with an index, F16.
/// </summary>
public sealed class CheckpointCompatibilityTests
{
    private static string Golden(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Golden", .. parts]);

    [Fact]
    public void LegacyEngineCheckpoint_GivesTheSameLogProbabilitiesAndGreedyOutputs()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(Golden("legacy_engine_tiny_logprobs.json")));
        var root = golden.RootElement;
        var seqLen = root.GetProperty("seq_len").GetInt32();
        var tokens = root.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        var mask = root.GetProperty("mask").EnumerateArray().Select(t => (byte)t.GetInt32()).ToArray();
        var expected = root.GetProperty("token_logprobs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

        using var model = GptModel.Load(Golden("legacy_engine_tiny.safetensors"));
        Assert.Equal("written by the C++ engine", model.GetMetadata("activeit.note"));
        Assert.Equal("byte", model.Tokenizer.Name);
        var actual = model.TokenLogProbs(SequenceBatch.FromArrays(tokens.Length / seqLen, seqLen, tokens, mask));
        for (var b = 0; b < expected.Length; b++)
        {
            for (var t = 0; t < seqLen; t++)
            {
                Assert.True(Math.Abs(actual[b][t] - expected[b][t]) <= 1e-4, $"row {b}, position {t}: {actual[b][t]} vs the C++ engine's {expected[b][t]}");
            }
        }
        var prompts = root.GetProperty("greedy_prompts").EnumerateArray().Select(p => p.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        var greedy = root.GetProperty("greedy").EnumerateArray().Select(p => p.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        Assert.Equal(greedy, model.Generate(prompts, new GenerationOptions(8, [ByteTokenizer.Eos])));
    }

    [Theory]
    [InlineData("gptj-f32")]
    [InlineData("gptj-bf16-sharded")]
    [InlineData("gptj-f16")]
    public void HuggingFaceFolder_LoadsAndMatchesPyTorch(string folder)
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(Golden("hf", "hf_gptj_logits.json")));
        var rows = golden.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        var expected = golden.RootElement.GetProperty("models").GetProperty(folder);
        var tolerance = golden.RootElement.GetProperty("tolerance").GetProperty(folder).GetDouble();

        using var model = GptModel.Load(Golden("hf", folder));
        Assert.Equal(new ModelConfig(50400, 2, 2, 8, 64, 32, 2, 1e-5f, 0.02f), model.Config);
        Assert.Equal("gpt2", model.Tokenizer.Name);
        for (var r = 0; r < rows.Length; r++)
        {
            var mask = rows[r].Select((_, t) => (byte)(t == 0 ? 0 : 1)).ToArray();
            var logProbs = model.TokenLogProbs(SequenceBatch.FromArrays(1, rows[r].Length, rows[r], mask))[0];
            var want = expected.GetProperty("next_token_logprobs")[r].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (var t = 0; t < want.Length; t++)
            {
                Assert.True(Math.Abs(logProbs[t + 1] - want[t]) <= tolerance * Math.Max(1, Math.Abs(want[t])), $"{folder} row {r} position {t}: {logProbs[t + 1]} vs PyTorch {want[t]}");
            }
            var prefixes = Enumerable.Range(1, rows[r].Length).Select(n => rows[r][..n]).ToArray();
            var logits = model.NextLogits(prefixes);
            Assert.Equal(expected.GetProperty("argmax")[r].EnumerateArray().Select(v => v.GetInt32()), logits.Select(l => Array.IndexOf(l, l.Max())));
            if (expected.TryGetProperty("last_logits", out var last))
            {
                var wantLast = last[r].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.All(wantLast.Select((v, i) => (v, i)), p => Assert.True(Math.Abs(logits[^1][p.i] - p.v) <= 1e-4 * Math.Max(1, Math.Abs(p.v)), $"token {p.i}"));
            }
        }
    }

    [Fact]
    public void HuggingFaceModelFile_NamedDirectly_UsesTheConfigBesideIt()
    {
        using var model = GptModel.Load(Golden("hf", "gptj-f32", "model.safetensors"));
        Assert.Equal(50400, model.Config.VocabSize);
        Assert.Equal("gpt2", model.Tokenizer.Name);
    }

    [Fact]
    public async Task HuggingFaceModel_ScoresAndGeneratesTextThroughGpt2Tokens()
    {
        using var model = GptModel.Load(Golden("hf", "gptj-bf16-sharded"));
        var backend = new Backends.LocalEngineBackend(model, "gptj-tiny", "v1");
        Assert.Equal(["Hello", " world"], await backend.TokenizeAsync("Hello world"));
        var scores = await backend.ScoreAsync([("The quick brown fox", " jumps"), ("Hello", " world")]);
        Assert.Equal(2, scores[0].TokenCount);  // " jumps" + <|endoftext|>
        Assert.Equal(2, scores[1].TokenCount);
        Assert.All(scores, s => Assert.True(s.LogProbSum < 0));
        var pair = Backends.LocalEngineBackend.Encode(model.Tokenizer, "The quick brown fox", " jumps", model.Config.MaxSeqLen);
        var direct = model.Score(SequenceBatch.FromPairs([pair]))[0];
        Assert.Equal(direct.LogProbSum, scores[0].LogProbSum, 1e-4);  // batched with a companion: float rounding only
        var empty = await backend.ScoreAsync([("", "Hello")]);  // no BOS in GPT-2 BPE: <|endoftext|> stands before an empty prompt's target
        Assert.Equal(2, empty[0].TokenCount);
        var outputs = await backend.GenerateAsync(["The quick brown fox"], maxNewTokens: 5);
        var generated = model.Generate([Gpt2Tokenizer.Instance.Encode("The quick brown fox")], new GenerationOptions(5, [Gpt2Tokenizer.EndOfText]))[0];
        Assert.Equal(model.Tokenizer.Decode(generated), outputs[0]);
    }

    [Fact]
    public void HuggingFaceFolder_BadLayoutsNameTheFileAndField()
    {
        using var dir = new TempDirectory();
        Assert.Contains("needs config.json", Assert.Throws<EngineException>(() => GptModel.Load(dir.Path)).Message);

        File.WriteAllText(dir.File("config.json"), File.ReadAllText(Golden("hf", "gptj-f32", "config.json")).Replace("\"gptj\"", "\"gpt_neox\""));
        Assert.Contains("model_type 'gpt_neox' is not supported (gptj, llama, mistral, qwen2)", Assert.Throws<EngineException>(() => GptModel.Load(dir.Path)).Message);

        File.WriteAllText(dir.File("config.json"), File.ReadAllText(Golden("hf", "gptj-f32", "config.json")).Replace("\"n_embd\": 8", "\"n_embd\": \"eight\""));
        var e = Assert.Throws<EngineException>(() => GptModel.Load(dir.Path));
        Assert.Contains("config.json", e.Message);
        Assert.Contains("'n_embd' must be an integer", e.Message);

        File.Copy(Golden("hf", "gptj-f32", "config.json"), dir.File("config.json"), overwrite: true);
        Assert.Contains("neither model.safetensors nor model.safetensors.index.json", Assert.Throws<EngineException>(() => GptModel.Load(dir.Path)).Message);

        File.Copy(Golden("hf", "gptj-bf16-sharded", "model.safetensors.index.json"), dir.File("model.safetensors.index.json"));
        File.Copy(Golden("hf", "gptj-bf16-sharded", "model-00001-of-00002.safetensors"), dir.File("model-00001-of-00002.safetensors"));
        var missing = Assert.Throws<EngineException>(() => GptModel.Load(dir.Path));
        Assert.Contains("model-00002-of-00002.safetensors", missing.Message);
        Assert.Contains("cannot open", missing.Message);
    }
}
