namespace ActiveIT.Engine;

/// <summary>Size of a GPT-J-style decoder. <see cref="RotaryDim"/> counts the leading dims of each head that get rotary embeddings.</summary>
public sealed record ModelConfig(
    int VocabSize,
    int Layers,
    int Heads,
    int DModel,
    int MaxSeqLen,
    int? Inner = null,
    int? RotaryDim = null,
    float LayerNormEps = 1e-5f,
    float InitStd = 0.02f)
{
    public int HeadDim => DModel / Heads;
    public int MlpWidth => Inner ?? 4 * DModel;
    public int RotaryDims => RotaryDim ?? HeadDim;

    /// <summary>The benchmark sizes: tiny 2/2/64/T64, small 4/4/128/T128, medium 6/6/384/T256 (layers/heads/d/context).</summary>
    public static ModelConfig Preset(string name, int vocabSize) => name switch
    {
        "tiny" => new(vocabSize, Layers: 2, Heads: 2, DModel: 64, MaxSeqLen: 64),
        "small" => new(vocabSize, Layers: 4, Heads: 4, DModel: 128, MaxSeqLen: 128),
        "medium" => new(vocabSize, Layers: 6, Heads: 6, DModel: 384, MaxSeqLen: 256),
        _ => throw new ArgumentException($"unknown model preset '{name}' (tiny, small, medium)", nameof(name)),
    };

    /// <summary>Forward+backward FLOPs per trained token: 6 per weight (LM head only on targets) plus attention (12·L·T·d).</summary>
    public double TrainFlopsPerToken(int contextLength) => 3 * ForwardFlopsPerToken(contextLength);

    /// <summary>Forward FLOPs per token: 2 per multiply-add in the blocks and LM head, plus QKᵀ and PV (4·L·T·d, causal half ignored).</summary>
    public double ForwardFlopsPerToken(int contextLength)
    {
        double perLayer = 2.0 * DModel * (3 * DModel + MlpWidth) + 2.0 * DModel * DModel + 2.0 * MlpWidth * DModel;
        return Layers * (perLayer + 4.0 * contextLength * DModel) + 2.0 * DModel * VocabSize;
    }
}
