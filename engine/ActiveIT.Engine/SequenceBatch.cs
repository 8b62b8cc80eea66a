namespace ActiveIT.Engine;

/// <summary>Right-padded (batch, seq_len) token ids with a target mask: the layout the engine takes.</summary>
public sealed class SequenceBatch
{
    private SequenceBatch(int batch, int seqLen, int[] tokens, byte[] mask)
    {
        Batch = batch;
        SeqLen = seqLen;
        Tokens = tokens;
        Mask = mask;
    }

    public int Batch { get; }
    public int SeqLen { get; }
    public int[] Tokens { get; }
    public byte[] Mask { get; }

    /// <summary>Packs prompt + target per row, padded to the longest row; mask marks the target tokens.</summary>
    public static SequenceBatch FromPairs(IReadOnlyList<TokenPair> pairs)
    {
        var seqLen = 0;
        foreach (var p in pairs)
        {
            seqLen = Math.Max(seqLen, p.Length);
        }
        var tokens = new int[pairs.Count * seqLen];
        var mask = new byte[pairs.Count * seqLen];
        Array.Fill(tokens, ByteTokenizer.Pad);
        for (var b = 0; b < pairs.Count; b++)
        {
            var row = b * seqLen;
            pairs[b].Prompt.CopyTo(tokens, row);
            pairs[b].Target.CopyTo(tokens, row + pairs[b].Prompt.Length);
            Array.Fill(mask, (byte)1, row + pairs[b].Prompt.Length, pairs[b].Target.Length);
        }
        return new SequenceBatch(pairs.Count, seqLen, tokens, mask);
    }

    /// <summary>Raw layout, for callers that build their own rows; the engine validates it.</summary>
    public static SequenceBatch FromArrays(int batch, int seqLen, int[] tokens, byte[] mask)
    {
        if (tokens.Length != batch * seqLen || mask.Length != batch * seqLen)
        {
            throw new ArgumentException($"tokens ({tokens.Length}) and mask ({mask.Length}) must both hold batch × seq_len = {batch * seqLen} values");
        }
        return new SequenceBatch(batch, seqLen, tokens, mask);
    }
}
