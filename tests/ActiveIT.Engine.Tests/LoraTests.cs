using ActiveIT.Core;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActiveIT.Engine.Checkpoints;

namespace ActiveIT.Engine.Tests;

/// <summary>LoRA adapters on the Llama family: frozen base, trained adapters, PEFT's layout on disk, merging.</summary>
public sealed class LoraTests
{
    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "llama", name);

    private static readonly int[] Row = [298, 72, 101, 108, 108, 111, 32, 119];

    private static SequenceBatch Batch(GptModel model) => SequenceBatch.FromPairs([
        new TokenPair(model.Tokenizer.EncodePrompt("the cat sat on"), [.. model.Tokenizer.Encode(" the mat"), model.Tokenizer.Eos]),
        new TokenPair(model.Tokenizer.EncodePrompt("the rat ran to"), [.. model.Tokenizer.Encode(" the hat"), model.Tokenizer.Eos])]);

    [Fact]
    public void Adapters_StartAsTheBase_TrainAlone_AndSaveInPeftsLayout_ThatLoadsToTheSameModel()
    {
        using var dir = new TempDirectory();
        using var model = GptModel.Load(Golden("llama"), precision: Precision.Fp32);
        var before = model.NextLogits([Row])[0];
        model.AttachLora(new LoraConfig(4, 8, ["q_proj", "v_proj", "down_proj"]), seed: 1);
        Assert.Equal(before, model.NextLogits([Row])[0]);  // B starts at zero
        using (var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-2f, TotalSteps: 30)))
        {
            var first = trainer.Step(Batch(model)).Loss;
            var last = first;
            for (var i = 0; i < 29; i++)
            {
                last = trainer.Step(Batch(model)).Loss;
            }
            Assert.True(last < first * 0.7, $"loss {first} → {last}");
        }
        var trained = model.NextLogits([Row])[0];
        Assert.NotEqual(before, trained);
        Assert.Contains("save them with SaveAdapter", Assert.Throws<EngineException>(() => model.Save(dir.File("x.safetensors"))).Message);

        var folder = dir.File("adapter");
        model.SaveAdapter(folder, Golden("llama"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "adapter_config.json")))!;
        Assert.Equal(("LORA", 4, 8.0, Golden("llama")), ((string)config["peft_type"]!, (int)config["r"]!, (double)config["lora_alpha"]!, (string)config["base_model_name_or_path"]!));
        Assert.Equal(["q_proj", "v_proj", "down_proj"], config["target_modules"]!.AsArray().Select(t => (string)t!));
        var weights = Header(Path.Combine(folder, "adapter_model.safetensors"));
        Assert.Equal(2 * 3 * 2, weights.Count);  // 2 layers × 3 targets × (A, B)
        Assert.Equal([4L, 32], weights["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"]);
        Assert.Equal([16L, 4], weights["base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"]);  // 2 key/value heads × 8
        Assert.Equal([32L, 4], weights["base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"]);

        // The base on disk plus the saved adapters is the trained model: the base in memory was never changed.
        using var reloaded = GptModel.Load(folder, precision: Precision.Fp32);
        Assert.True(reloaded.HasAdapter);
        Assert.Equal(trained, reloaded.NextLogits([Row])[0]);

        // The adapters' version covers the base's weights: the same adapters on a changed base are another model.
        var baseCopy = dir.File("base");
        Directory.CreateDirectory(baseCopy);
        foreach (var file in Directory.GetFiles(Golden("llama")))
        {
            File.Copy(file, Path.Combine(baseCopy, Path.GetFileName(file)));
        }
        model.SaveAdapter(folder, baseCopy);
        var version = CheckpointVersion.Of(folder);
        var weightsFile = Path.Combine(baseCopy, "model.safetensors");
        var bytes = File.ReadAllBytes(weightsFile);
        bytes[^1] ^= 1;
        File.WriteAllBytes(weightsFile, bytes);
        Assert.NotEqual(version, CheckpointVersion.Of(folder));
    }

    /// <summary>A safetensors file's tensor names and shapes, read from its header as any tool would.</summary>
    private static Dictionary<string, long[]> Header(string path)
    {
        using var file = File.OpenRead(path);
        var length = new byte[8];
        file.ReadExactly(length);
        var header = new byte[BitConverter.ToInt64(length)];
        file.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        return json.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__")
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray());
    }

    [Fact]
    public void Merged_TheSameOutputs_AsAPlainCheckpoint()
    {
        using var dir = new TempDirectory();
        using var model = GptModel.Load(Golden("qwen2"), precision: Precision.Fp32);
        model.AttachLora(new LoraConfig(2, 4, LoraConfig.KnownTargets), seed: 5);
        using (var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-2f, TotalSteps: 5)))
        {
            for (var i = 0; i < 5; i++)
            {
                trainer.Step(Batch(model));
            }
        }
        var adapted = model.NextLogits([Row])[0];
        model.MergeAdapter();
        Assert.False(model.HasAdapter);
        var merged = model.NextLogits([Row])[0];
        for (var v = 0; v < adapted.Length; v++)
        {
            Assert.True(Math.Abs(adapted[v] - merged[v]) <= 1e-4 * Math.Max(1, Math.Abs(adapted[v])), $"token {v}: adapters {adapted[v]}, merged {merged[v]}");
        }
        model.Save(dir.File("merged.safetensors"));
        using var loaded = GptModel.Load(dir.File("merged.safetensors"), precision: Precision.Fp32);
        Assert.Equal(merged, loaded.NextLogits([Row])[0]);
    }

    [Theory]
    [InlineData("use_dora", "true", "field 'use_dora' is set; this engine reads plain LoRA only")]
    [InlineData("peft_type", "\"IA3\"", "field 'peft_type' is 'IA3'; only LORA adapters are read")]
    [InlineData("target_modules", "\"q_proj|v_proj\"", "field 'target_modules' is a regex")]
    [InlineData("r", "0", "field 'r': must be 1-4096")]
    [InlineData("base_model_name_or_path", "\"meta-llama/Llama-3.2-1B\"", "field 'base_model_name_or_path' names 'meta-llama/Llama-3.2-1B', which is no checkpoint here")]
    public void BadAdapterFolder_NamesTheFileAndTheField(string field, string value, string message)
    {
        using var dir = new TempDirectory();
        using (var model = GptModel.Load(Golden("llama")))
        {
            model.AttachLora(new LoraConfig(2, 2, ["q_proj"]), seed: 1);
            model.SaveAdapter(dir.Path, Golden("llama"));
        }
        var config = JsonNode.Parse(File.ReadAllText(dir.File("adapter_config.json")))!.AsObject();
        config[field] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("adapter_config.json"), config.ToJsonString());
        var error = Assert.Throws<EngineException>(() => GptModel.Load(dir.Path)).Message;
        Assert.StartsWith(dir.File("adapter_config.json") + ": ", error);
        Assert.Contains(message, error);
    }

    [Fact]
    public void ChatTemplate_WrapsEveryPromptAsOneUserTurn_AndOnlyWhereTheCheckpointHasOne()
    {
        using var model = GptModel.Load(Golden("llama"));
        var plain = model.Tokenizer.EncodePrompt("the cat");
        model.UseChatTemplate();
        Assert.Equal(model.Tokenizer.Encode("<|begin_of_text|><|user|>the cat<|end_of_text|><|assistant|>"), model.Tokenizer.EncodePrompt("the cat"));
        Assert.NotEqual(plain, model.Tokenizer.EncodePrompt("the cat"));
        Assert.Equal(model.Tokenizer.Encode("the cat"), plain[1..]);  // targets and plain text are unchanged
        using var dir = new TempDirectory();
        model.Save(dir.File("m.safetensors"));  // the saved checkpoint names the tokenizer.json, not the wrapper
        using (var loaded = GptModel.Load(dir.File("m.safetensors")))
        {
            Assert.Equal(plain, loaded.Tokenizer.EncodePrompt("the cat"));
        }
        using var qwen = GptModel.Load(Golden("qwen2"));  // bytes: no template
        Assert.Contains("has no chat template", Assert.Throws<EngineException>(qwen.UseChatTemplate).Message);
    }

    [Fact]
    public void AnAdapterFolderNamingItselfAsBase_IsRefused_NotLoadedWithoutEnd()
    {
        using var dir = new TempDirectory();
        var folder = Path.Combine(dir.Path, "loop");
        using (var model = GptModel.Load(Golden("llama")))
        {
            model.AttachLora(new LoraConfig(2, 2, ["q_proj"]), seed: 1);
            model.SaveAdapter(folder, "loop");  // beside itself: its own name
        }
        Assert.Contains("names 'loop', which is no checkpoint here", Assert.Throws<EngineException>(() => GptModel.Load(folder)).Message);
        Assert.NotEmpty(CheckpointVersion.Of(folder));
    }

    [Fact]
    public void GptJ_RefusesAdapters_WithTheReason()
    {
        using var model = Models.CreateTiny();
        Assert.Contains("supported for the Llama family", Assert.Throws<EngineException>(() => model.AttachLora(new LoraConfig(2, 2, ["q_proj"]), 1)).Message);
        Assert.Contains("lora_targets: 'fc_in' is not one of", Assert.Throws<EngineException>(() => model.AttachLora(new LoraConfig(2, 2, ["fc_in"]), 1)).Message);
    }
}
