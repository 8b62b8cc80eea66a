namespace ActiveIT.Engine;

/// <summary>
/// A decoder's shape. <see cref="Architecture"/> is "gptj" (ActiveIT's own models and GPT-J checkpoints) or "llama"
/// (Llama, Mistral, Qwen 2, SmolLM: RMSNorm, rotate-half rotary, grouped-query attention, SwiGLU). For GPT-J,
/// <see cref="RotaryDim"/> counts the leading dims of each head that get rotary embeddings; the Llama fields below it
/// are ignored.
/// </summary>
public sealed record ModelConfig(
    int VocabSize,
    int Layers,
    int Heads,
    int DModel,
    int MaxSeqLen,
    int? Inner = null,
    int? RotaryDim = null,
    float LayerNormEps = 1e-5f,
    float InitStd = 0.02f,
    string Architecture = ModelConfig.GptJ,
    int? KvHeads = null,
    int? HeadSize = null,
    double RopeTheta = 10000,
    RopeScaling? RopeScaling = null,
    bool TieEmbeddings = false,
    bool AttentionBias = false,
    bool OutputBias = false,
    bool MlpBias = false)
{
    public const string GptJ = "gptj";
    public const string Llama = "llama";

    public bool IsLlama => Architecture == Llama;
    public int HeadDim => HeadSize ?? DModel / Heads;
    public int KvHeadCount => KvHeads ?? Heads;
    public int MlpWidth => Inner ?? 4 * DModel;
    public int RotaryDims => IsLlama ? HeadDim : RotaryDim ?? HeadDim;

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

    /// <summary>
    /// Forward FLOPs per token: 2 per multiply-add in the blocks and LM head (q and output projections, k and v at the
    /// key/value heads' width, two MLP matrices for GPT-J and three for SwiGLU), plus QKᵀ and PV (4·L·T·heads·head_dim,
    /// causal half ignored).
    /// </summary>
    public double ForwardFlopsPerToken(int contextLength)
    {
        double attentionWidth = Heads * HeadDim, kvWidth = KvHeadCount * HeadDim;
        var projections = 2.0 * DModel * (2 * attentionWidth + 2 * kvWidth);
        var mlp = (IsLlama ? 3 : 2) * 2.0 * DModel * MlpWidth;
        return Layers * (projections + mlp + 4.0 * contextLength * attentionWidth) + 2.0 * DModel * VocabSize;
    }
}

/// <summary>
/// How a Llama checkpoint stretches its rotary frequencies past the context it was trained on: "linear" divides every
/// frequency by <see cref="Factor"/>; "llama3" (Llama 3.1+) divides only the low frequencies, blending in between.
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4, int OriginalMaxPositions = 8192);
