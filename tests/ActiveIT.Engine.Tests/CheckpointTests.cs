using System.Text;
using System.Text.Json;
using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class CheckpointTests
{
    [Fact]
    public void SaveLoad_RoundTripIsBitExact()
    {
        using var dir = new TempDirectory();
        using var model = TrainedModels.Memoriser();
        model.Save(dir.File("m.safetensors"), new Dictionary<string, string> { ["activeit.note"] = "round trip ✓" });
        using var loaded = GptModel.Load(dir.File("m.safetensors"));
        loaded.Save(dir.File("again.safetensors"), new Dictionary<string, string> { ["activeit.note"] = "round trip ✓" });

        Assert.Equal(File.ReadAllBytes(dir.File("m.safetensors")), File.ReadAllBytes(dir.File("again.safetensors")));
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal("round trip ✓", loaded.GetMetadata("activeit.note"));
        Assert.Null(loaded.GetMetadata("absent"));
        var batch = Models.Batch(TrainedModels.Pairs);
        Assert.Equal(model.Score(batch), loaded.Score(batch));
    }

    [Fact]
    public void Save_UsesGptJParameterNamesAndConfigMetadata()
    {
        using var dir = new TempDirectory();
        using var model = Models.CreateTiny();
        model.Save(dir.File("m.safetensors"));
        var (header, _) = ReadHeader(dir.File("m.safetensors"));

        var names = header.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var name in new[]
                 {
                     "transformer.wte.weight", "transformer.h.0.ln_1.weight", "transformer.h.0.attn.q_proj.weight",
                     "transformer.h.1.attn.k_proj.weight", "transformer.h.1.attn.v_proj.weight", "transformer.h.1.attn.out_proj.weight",
                     "transformer.h.0.mlp.fc_in.weight", "transformer.h.0.mlp.fc_in.bias", "transformer.h.0.mlp.fc_out.weight",
                     "transformer.ln_f.bias", "lm_head.weight", "lm_head.bias",
                 })
        {
            Assert.Contains(name, names);
        }
        var shape = header.RootElement.GetProperty("transformer.h.0.mlp.fc_in.weight").GetProperty("shape");
        Assert.Equal([128, 32], shape.EnumerateArray().Select(e => e.GetInt32()));
        var meta = header.RootElement.GetProperty("__metadata__");
        Assert.Equal("2", meta.GetProperty("n_layer").GetString());
        Assert.Equal("8", meta.GetProperty("rotary_dim").GetString());
        Assert.Equal(model.ParameterCount, SumOfTensorSizes(header));
    }

    [Fact]
    public void Load_TruncatedFileThrowsNamingTheFile()
    {
        using var dir = new TempDirectory();
        using var model = Models.CreateTiny();
        model.Save(dir.File("m.safetensors"));
        var bytes = File.ReadAllBytes(dir.File("m.safetensors"));
        File.WriteAllBytes(dir.File("cut.safetensors"), bytes[..(bytes.Length - 100)]);
        File.WriteAllBytes(dir.File("tiny.safetensors"), bytes[..5]);

        var cut = Assert.Throws<EngineException>(() => GptModel.Load(dir.File("cut.safetensors")));
        Assert.Contains("truncated", cut.Message);
        Assert.Contains("cut.safetensors", cut.Message);
        Assert.Contains("truncated", Assert.Throws<EngineException>(() => GptModel.Load(dir.File("tiny.safetensors"))).Message);
    }

    [Fact]
    public void Load_CorruptHeaderThrows()
    {
        using var dir = new TempDirectory();
        using var model = Models.CreateTiny();
        model.Save(dir.File("m.safetensors"));
        var bytes = File.ReadAllBytes(dir.File("m.safetensors"));
        bytes[8] = (byte)'#';
        File.WriteAllBytes(dir.File("bad.safetensors"), bytes);
        Assert.Contains("invalid JSON header", Assert.Throws<EngineException>(() => GptModel.Load(dir.File("bad.safetensors"))).Message);

        var huge = (byte[])File.ReadAllBytes(dir.File("m.safetensors")).Clone();
        BitConverter.TryWriteBytes(huge.AsSpan(0, 8), long.MaxValue / 2);
        File.WriteAllBytes(dir.File("huge.safetensors"), huge);
        Assert.Contains("exceeds the file size", Assert.Throws<EngineException>(() => GptModel.Load(dir.File("huge.safetensors"))).Message);
    }

    [Fact]
    public void Load_WrongShapeOrMissingTensorOrMissingFileThrows()
    {
        using var dir = new TempDirectory();
        using var model = Models.CreateTiny();
        model.Save(dir.File("m.safetensors"));
        var (header, data) = ReadHeader(dir.File("m.safetensors"));
        var json = header.RootElement.GetRawText();

        WriteWithHeader(dir.File("noshape.safetensors"), json.Replace("\"n_layer\":\"2\"", "\"n_layer\":\"3\""), data);
        Assert.Contains("missing tensor 'transformer.h.2.", Assert.Throws<EngineException>(() => GptModel.Load(dir.File("noshape.safetensors"))).Message);

        WriteWithHeader(dir.File("wide.safetensors"), json.Replace("\"n_embd\":\"32\"", "\"n_embd\":\"16\"").Replace("\"rotary_dim\":\"8\"", "\"rotary_dim\":\"4\""), data);
        Assert.Contains("has shape", Assert.Throws<EngineException>(() => GptModel.Load(dir.File("wide.safetensors"))).Message);

        Assert.Contains("cannot open", Assert.Throws<EngineException>(() => GptModel.Load(dir.File("absent.safetensors"))).Message);
    }

    private static (JsonDocument Header, byte[] Data) ReadHeader(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var length = (int)BitConverter.ToInt64(bytes, 0);
        return (JsonDocument.Parse(bytes.AsMemory(8, length)), bytes[(8 + length)..]);
    }

    private static void WriteWithHeader(string path, string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes((long)h.Length));
        f.Write(h);
        f.Write(data);
    }

    private static long SumOfTensorSizes(JsonDocument header) => header.RootElement.EnumerateObject()
        .Where(p => p.Name != "__metadata__")
        .Sum(p => p.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (a, e) => a * e.GetInt64()));
}
