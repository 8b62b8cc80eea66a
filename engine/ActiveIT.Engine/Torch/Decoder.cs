using TorchSharp;
using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// What the engine needs of a decoder architecture: hidden states before the final norm, the head that turns them into
/// logits, and which of its parameters are norms and residual outputs (for initialisation). Parameter names are the
/// Hugging Face ones of the architecture, so checkpoints map one to one.
/// </summary>
internal abstract class Decoder(string name, ModelConfig config) : nn.Module(name)
{
    /// <summary>Added to the scores of keys a query may not see: finite, so a fully masked (padding) row softmaxes to uniform, not NaN.</summary>
    public const float Masked = -1e9f;

    /// <summary>The alpha of a plain tensor sum, held for the process's life (<see cref="Scalars"/>).</summary>
    protected static Scalar One => Scalars.One;

    public ModelConfig Config { get; } = config;

    /// <summary>The LM head's weight (the embeddings' when tied): where the model lives.</summary>
    public abstract Tensor HeadWeight { get; }

    /// <summary>
    /// Hidden states before the final norm. <paramref name="positions"/> (B, T) default to 0..T-1; <paramref name="mask"/>
    /// is an additive float32 mask broadcastable to (B, 1, T, Tk), or null for plain causal attention;
    /// <paramref name="cache"/> holds past keys and values. Matrix products and attention run in <paramref name="compute"/>;
    /// the residual stream and norms stay float32.
    /// </summary>
    public abstract Tensor Hidden(Tensor tokens, Tensor? positions, Tensor? mask, KvCache? cache, ScalarType compute);

    /// <summary>Rows (M, d) of hidden states to float32 logits (M, V): the final norm and the LM head.</summary>
    public abstract Tensor Head(Tensor rows, ScalarType compute);

    /// <summary>A norm's scale: initialised to 1.</summary>
    public abstract bool IsNormWeight(string parameter);

    /// <summary>A projection into the residual stream: initialised with std / √(2·layers).</summary>
    public abstract bool IsResidualOutput(string parameter);

    /// <summary>A tensor checkpoints of this architecture carry that is not a parameter (constant buffers), skipped on load.</summary>
    public abstract bool IsBuffer(string tensor);

    /// <summary>Low-rank adapters on some projections, or null: the Llama family's projections add their delta.</summary>
    public LoraAdapter? Adapter { get; set; }

    public static Decoder For(ModelConfig config) => config.IsLlama ? new Llama(config) : new GptJ(config);

    /// <summary>The causal mask for <paramref name="length"/> positions when the caller gave none.</summary>
    protected static Tensor CausalMask(long length, Device device)
    {
        return torch.full(length, length, Scalars.Masked, device: device).triu(1);
    }

    /// <summary>
    /// Runs <paramref name="layers"/> layers over <paramref name="x"/>. Without autograd nothing refers back to a layer's
    /// temporaries: they (and the layer's input) are freed as it ends, so a call holds one layer's activations at a time.
    /// </summary>
    protected static Tensor RunLayers(Tensor x, int layers, Func<int, Tensor, Tensor> layer)
    {
        var inference = !torch.is_grad_enabled();
        for (var i = 0; i < layers; i++)
        {
            if (!inference)
            {
                x = layer(i, x);  // autograd keeps what backward needs
                continue;
            }
            using var scope = NewDisposeScope();
            var next = layer(i, x).MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        return x;
    }
}
