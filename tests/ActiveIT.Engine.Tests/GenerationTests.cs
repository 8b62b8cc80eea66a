using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class GenerationTests
{
    private static readonly int[][] Prompts =
    [
        [ByteTokenizer.Bos, .. ByteTokenizer.Encode("abc"), ByteTokenizer.Sep],
        [ByteTokenizer.Bos, .. ByteTokenizer.Encode("a longer prompt"), ByteTokenizer.Sep],
        [ByteTokenizer.Bos],
    ];

    private static int[] StepByStepArgmax(GptModel model, int[] prompt, int steps, int stop)
    {
        var sequence = prompt.ToList();
        var generated = new List<int>();
        for (var i = 0; i < steps; i++)
        {
            var logits = model.NextLogits([sequence.ToArray()])[0];
            var next = Array.IndexOf(logits, logits.Max());
            generated.Add(next);
            sequence.Add(next);
            if (next == stop)
            {
                break;
            }
        }
        return generated.ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GreedyGenerate_EqualsStepByStepArgmax(bool useCache)
    {
        using var model = TrainedModels.Memoriser();
        var options = new GenerationOptions(MaxNewTokens: 12, StopTokens: [ByteTokenizer.Eos], UseCache: useCache);
        var generated = model.Generate(Prompts, options);
        for (var b = 0; b < Prompts.Length; b++)
        {
            Assert.Equal(StepByStepArgmax(model, Prompts[b], 12, ByteTokenizer.Eos), generated[b]);
        }
    }

    [Fact]
    public void GreedyGenerate_UntrainedModelWithAndWithoutCacheAgree()
    {
        using var model = Models.CreateTiny(seed: 3);
        var withCache = model.Generate(Prompts, new GenerationOptions(20, [], UseCache: true));
        var without = model.Generate(Prompts, new GenerationOptions(20, [], UseCache: false));
        Assert.Equal(without, withCache);
        Assert.All(withCache, row => Assert.Equal(20, row.Length));
    }

    [Fact]
    public void SampledGenerate_SameSeedSameTokens_DifferentSeedDiffers()
    {
        using var model = Models.CreateTiny();
        GenerationOptions Options(ulong seed) => new(30, [], Temperature: 1.0f, TopK: 50, TopP: 0.95f, Seed: seed);
        var a = model.Generate(Prompts, Options(1));
        var b = model.Generate(Prompts, Options(1));
        var c = model.Generate(Prompts, Options(2));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Generate_StopsAtContextLimit()
    {
        using var model = Models.CreateTiny();
        var prompt = Enumerable.Repeat((int)'a', Models.Tiny.MaxSeqLen - 5).ToArray();
        var result = model.Generate([prompt], new GenerationOptions(50, []));
        Assert.Equal(5, result[0].Length);
    }

    [Fact]
    public void HeadSize64InFloat32_FusedAttentionPathsAgree()
    {
        // From head size 64 float32 attention runs libtorch's fused kernel: causal (NextLogits, Score) and with the
        // padding mask (batched generation) must still agree with each other and with the log-softmax of the logits.
        using var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, Layers: 2, Heads: 2, DModel: 128, MaxSeqLen: 48), seed: 4);
        Assert.Equal(64, model.Config.HeadDim);
        var generated = model.Generate(Prompts, new GenerationOptions(MaxNewTokens: 10, StopTokens: []));
        for (var b = 0; b < Prompts.Length; b++)
        {
            Assert.Equal(StepByStepArgmax(model, Prompts[b], 10, stop: -1), generated[b]);
        }
        var row = Prompts[1];
        var logits = model.NextLogits([row[..^1]])[0];
        var logZ = Math.Log(logits.Sum(l => Math.Exp(l - logits.Max()))) + logits.Max();
        var score = model.Score(SequenceBatch.FromArrays(1, row.Length, row, [.. row.Select((_, t) => (byte)(t == row.Length - 1 ? 1 : 0))]))[0];
        Assert.Equal(logits[row[^1]] - logZ, score.LogProbSum, 1e-4);
    }

    [Fact]
    public void Generate_ReportsEachTokenAsChosen_AndStopsAtTheNextStepWhenCancelled()
    {
        using var model = Models.CreateTiny();
        int[] prompt = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("abc")];
        var options = new GenerationOptions(20, [], Temperature: 0);
        var heard = new List<(int Row, int Token)>();
        var full = model.Generate([prompt, prompt[..2]], options, (row, token) => heard.Add((row, token)));
        Assert.Equal(full[0], heard.Where(h => h.Row == 0).Select(h => h.Token));
        Assert.Equal(full[1], heard.Where(h => h.Row == 1).Select(h => h.Token));

        using var cancel = new CancellationTokenSource();
        var count = 0;
        Assert.Throws<OperationCanceledException>(() => model.Generate([prompt], options, (_, _) =>
        {
            if (++count == 3)
            {
                cancel.Cancel();  // the client went away after the third token
            }
        }, cancel.Token));
        Assert.Equal(3, count);
    }
}
