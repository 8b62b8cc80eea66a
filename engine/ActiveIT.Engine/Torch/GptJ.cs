using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActiveIT.Engine.Torch;

// Field names below are Hugging Face GPT-J's parameter names: TorchSharp names parameters after the fields that hold
// them, so state_dict() keys are "transformer.h.0.attn.q_proj.weight" and so on, and checkpoints map one to one.
#pragma warning disable IDE1006, SA1300 // lower-case names on purpose

/// <summary>
/// The GPT-J architecture: token embeddings, blocks whose attention (partial interleaved rotary, no biases) and tanh-GELU
/// MLP both read one LayerNorm and add into the residual stream together, a final LayerNorm and an LM head with bias.
/// </summary>
internal sealed class GptJ : nn.Module<Tensor, Tensor>
{
    public readonly Transformer transformer;
    public readonly Linear lm_head;

    public GptJ(ModelConfig config) : base("GPTJForCausalLM")
    {
        Config = config;
        transformer = new Transformer(config);
        lm_head = nn.Linear(config.DModel, config.VocabSize, hasBias: true);
        RegisterComponents();
    }

    public ModelConfig Config { get; }

    /// <summary>Full-sequence forward: (B, T) token ids to (B, T, d) hidden states before ln_f (causal attention).</summary>
    public override Tensor forward(Tensor tokens) => Hidden(tokens, positions: null, mask: null, cache: null, ScalarType.Float32);

    /// <summary>
    /// Hidden states before ln_f. <paramref name="positions"/> (B, T) default to 0..T-1; <paramref name="mask"/> is an
    /// additive (B, 1, T, Tk) mask, or null for plain causal attention; <paramref name="cache"/> holds past keys and values.
    /// Matrix products and attention run in <paramref name="compute"/>; the residual stream and LayerNorms stay float32.
    /// </summary>
    public Tensor Hidden(Tensor tokens, Tensor? positions, Tensor? mask, KvCache? cache, ScalarType compute)
    {
        var (batch, length) = (tokens.shape[0], tokens.shape[1]);
        var (cos, sin) = transformer.Rotary(positions, length);
        var x = transformer.wte.forward(tokens);
        for (var i = 0; i < transformer.h.Count; i++)
        {
            x = transformer.h[i].Forward(x, cos, sin, mask, cache?.Layer(i), compute);
        }
        cache?.Advance(length);
        return x;
    }

    /// <summary>Rows (M, d) of hidden states to float32 logits (M, V): ln_f and the LM head.</summary>
    public Tensor Head(Tensor rows, ScalarType compute)
    {
        var h = transformer.ln_f.forward(rows);
        return Mixed.Linear(h, lm_head.weight!, lm_head.bias, compute).to(ScalarType.Float32);
    }

    internal sealed class Transformer : nn.Module
    {
        public readonly Embedding wte;
        public readonly ModuleList<Block> h;
        public readonly LayerNorm ln_f;
        private readonly int _rotaryDims;

        public Transformer(ModelConfig config) : base("transformer")
        {
            wte = nn.Embedding(config.VocabSize, config.DModel);
            h = new ModuleList<Block>([.. Enumerable.Range(0, config.Layers).Select(_ => new Block(config))]);
            ln_f = nn.LayerNorm(config.DModel, config.LayerNormEps);
            _rotaryDims = config.RotaryDims;
            RegisterComponents();
        }

        /// <summary>cos and sin of each position's angles: (B or 1, T, 1, rotary_dim/2), float32; null without rotary dims.</summary>
        public (Tensor? Cos, Tensor? Sin) Rotary(Tensor? positions, long length)
        {
            if (_rotaryDims == 0)
            {
                return (null, null);
            }
            var device = wte.weight!.device;
            // GPT-J: inverse frequency 10000^(-2i/rotary_dim), one per interleaved pair (2i, 2i+1); angles in float64.
            var inverse = torch.pow(10000.0, -torch.arange(0, _rotaryDims, 2, ScalarType.Float64, device) / _rotaryDims);
            var at = positions is null ? torch.arange(length, ScalarType.Float64, device).unsqueeze(0) : positions.to(ScalarType.Float64);
            var angles = at.unsqueeze(-1) * inverse;  // (B, T, rd/2)
            return (angles.cos().to(ScalarType.Float32).unsqueeze(2), angles.sin().to(ScalarType.Float32).unsqueeze(2));
        }
    }

    internal sealed class Block : nn.Module
    {
        public readonly LayerNorm ln_1;
        public readonly Attention attn;
        public readonly Mlp mlp;
        private readonly int _heads;
        private readonly int _rotaryDims;

        public Block(ModelConfig config) : base("block")
        {
            ln_1 = nn.LayerNorm(config.DModel, config.LayerNormEps);
            attn = new Attention(config.DModel);
            mlp = new Mlp(config.DModel, config.MlpWidth);
            _heads = config.Heads;
            _rotaryDims = config.RotaryDims;
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Tensor? cos, Tensor? sin, Tensor? mask, KvCache.LayerCache? cache, ScalarType compute)
        {
            var (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2]);
            var headDim = width / _heads;
            var h = ln_1.forward(x);
            var q = Rotate(Mixed.Linear(h, attn.q_proj.weight!, null, compute).view(batch, length, _heads, headDim), cos, sin);
            var k = Rotate(Mixed.Linear(h, attn.k_proj.weight!, null, compute).view(batch, length, _heads, headDim), cos, sin);
            var v = Mixed.Linear(h, attn.v_proj.weight!, null, compute).view(batch, length, _heads, headDim);
            (q, k, v) = (q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));  // (B, H, T, hd)
            if (cache is not null)
            {
                (k, v) = cache.Append(k, v);
            }
            var attended = mask is null && cache is null
                ? F.scaled_dot_product_attention(q, k, v, null, 0, true)  // causal
                : F.scaled_dot_product_attention(q, k, v, mask?.to(q.dtype), 0, false);
            var merged = attended.transpose(1, 2).reshape(batch, length, width);
            var ff = F.gelu(Mixed.Linear(h, mlp.fc_in.weight!, mlp.fc_in.bias, compute), GELU.Approximate.tanh);
            var y = Mixed.Linear(merged, attn.out_proj.weight!, null, compute) + Mixed.Linear(ff, mlp.fc_out.weight!, mlp.fc_out.bias, compute);
            return x + y.to(ScalarType.Float32);
        }

        /// <summary>GPT-J's rotary embedding on the first rotary_dim dims of each head, in interleaved pairs (x0, x1) → (x0·c − x1·s, x1·c + x0·s).</summary>
        private Tensor Rotate(Tensor x, Tensor? cos, Tensor? sin)
        {
            if (cos is null || sin is null)
            {
                return x;
            }
            var shape = x.shape;
            var rotary = x.narrow(3, 0, _rotaryDims).to(ScalarType.Float32).reshape(shape[0], shape[1], shape[2], _rotaryDims / 2, 2);
            var (even, odd) = (rotary.select(4, 0), rotary.select(4, 1));
            var rotated = torch.stack([even * cos - odd * sin, odd * cos + even * sin], 4).reshape(shape[0], shape[1], shape[2], _rotaryDims).to(x.dtype);
            return _rotaryDims == shape[3] ? rotated : torch.cat([rotated, x.narrow(3, _rotaryDims, shape[3] - _rotaryDims)], 3);
        }
    }

    internal sealed class Attention : nn.Module
    {
        public readonly Linear q_proj, k_proj, v_proj, out_proj;

        public Attention(int width) : base("attn")
        {
            q_proj = nn.Linear(width, width, hasBias: false);
            k_proj = nn.Linear(width, width, hasBias: false);
            v_proj = nn.Linear(width, width, hasBias: false);
            out_proj = nn.Linear(width, width, hasBias: false);
            RegisterComponents();
        }
    }

    internal sealed class Mlp : nn.Module
    {
        public readonly Linear fc_in, fc_out;

        public Mlp(int width, int inner) : base("mlp")
        {
            fc_in = nn.Linear(width, inner);
            fc_out = nn.Linear(inner, width);
            RegisterComponents();
        }
    }
}
#pragma warning restore IDE1006, SA1300
