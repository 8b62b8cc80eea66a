using System.Text.Json;
using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// The engine against an independent PyTorch GPT-J (bench/pytorch_engine.py): a checkpoint written by PyTorch with
/// Hugging Face names, and its logits. Regenerate with Golden/make_gptj_golden.py.
/// </summary>
public sealed class GoldenReferenceTests
{
    private static string GoldenFile(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    [Fact]
    public void PyTorchCheckpoint_LoadsAndEveryPositionMatchesPyTorchLogits()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(GoldenFile("gptj_tiny_logits.json")));
        var tolerance = golden.RootElement.GetProperty("tolerance").GetDouble();
        var rows = golden.RootElement.GetProperty("tokens").EnumerateArray().Select(r => r.EnumerateArray().Select(t => t.GetInt32()).ToArray()).ToArray();
        var expected = golden.RootElement.GetProperty("logits");

        using var model = GptModel.Load(GoldenFile("gptj_tiny.safetensors"));
        Assert.Equal(8, model.Config.RotaryDims);
        Assert.Equal(16, model.Config.HeadDim);
        for (var r = 0; r < rows.Length; r++)
        {
            var prefixes = Enumerable.Range(1, rows[r].Length).Select(t => rows[r][..t]).ToArray();
            var logits = model.NextLogits(prefixes);
            for (var t = 0; t < prefixes.Length; t++)
            {
                var want = expected[r][t].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                for (var v = 0; v < want.Length; v++)
                {
                    Assert.True(Math.Abs(logits[t][v] - want[v]) <= tolerance * Math.Max(1, Math.Abs(want[v])),
                        $"row {r}, position {t}, token {v}: engine {logits[t][v]}, PyTorch {want[v]}");
                }
            }
        }
    }

    [Fact]
    public void PyTorchCheckpoint_ScoresAgreeWithGenerationPathWithCache()
    {
        using var model = GptModel.Load(GoldenFile("gptj_tiny.safetensors"));
        int[] prompt = [257, 104, 101, 108, 108, 111];
        var generated = model.Generate([prompt], new GenerationOptions(10, [], UseCache: true))[0];
        var uncached = model.Generate([prompt], new GenerationOptions(10, [], UseCache: false))[0];
        Assert.Equal(uncached, generated);
    }
}
