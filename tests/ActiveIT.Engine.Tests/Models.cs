using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>Small models the tests share; fixed seeds so every run sees the same weights.</summary>
internal static class Models
{
    public static readonly ModelConfig Tiny = new(ByteTokenizer.VocabSize, Layers: 2, Heads: 2, DModel: 32, MaxSeqLen: 48, RotaryDim: 8);

    public static GptModel CreateTiny(ulong seed = 7) => GptModel.Create(Tiny, seed);

    public static SequenceBatch Batch(params (string Prompt, string Target)[] rows) =>
        SequenceBatch.FromPairs(rows.Select(r => new TokenPair(
            [ByteTokenizer.Bos, .. ByteTokenizer.Encode(r.Prompt), ByteTokenizer.Sep],
            [.. ByteTokenizer.Encode(r.Target), ByteTokenizer.Eos])).ToArray());
}
