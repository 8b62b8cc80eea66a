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
internal sealed class GptJ : Decoder
{
    public readonly Transformer transformer;
    public readonly Linear lm_head;

    public GptJ(ModelConfig config) : base("GPTJForCausalLM", config)
    {
        transformer = new Transformer(config);
        lm_head = nn.Linear(config.DModel, config.VocabSize, hasBias: true);
        RegisterComponents();
    }

    public override Tensor HeadWeight => lm_head.weight!;

    public override Tensor Hidden(Tensor tokens, Tensor? positions, Tensor? mask, KvCache? cache, ScalarType compute)
    {
        var length = tokens.shape[1];
        var rotary = transformer.Rotary(positions, length);
        var causal = mask is null && cache is null;  // plain causal attention: the fused kernel can skip the mask
        mask ??= CausalMask(length, tokens.device);
        var x = RunLayers(transformer.wte.forward(tokens), transformer.h.Count,
            (i, h) => transformer.h[i].Forward(h, rotary, mask, causal, cache?.Layer(i), compute));
        cache?.Advance(length);
        return x;
    }

    public override Tensor Head(Tensor rows, ScalarType compute)
    {
        var h = transformer.ln_f.forward(rows);
        return Mixed.Linear(h, lm_head.weight!, lm_head.bias, compute).to(ScalarType.Float32);
    }

    public override bool IsNormWeight(string parameter) =>
        parameter.EndsWith("ln_1.weight", StringComparison.Ordinal) || parameter.EndsWith("ln_f.weight", StringComparison.Ordinal);

    public override bool IsResidualOutput(string parameter) =>
        parameter.EndsWith("out_proj.weight", StringComparison.Ordinal) || parameter.EndsWith("fc_out.weight", StringComparison.Ordinal);

    // Hugging Face GPT-J checkpoints carry constant attention-mask buffers.
    public override bool IsBuffer(string tensor) =>
        tensor.EndsWith(".attn.bias", StringComparison.Ordinal) || tensor.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

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

        /// <summary>
        /// Each position's rotation e^{iθ} as complex64, (B or 1, T, 1, rotary_dim/2); null without rotary dims. Built once
        /// per pass, shared by every layer.
        /// </summary>
        public Rotary? Rotary(Tensor? positions, long length)
        {
            if (_rotaryDims == 0)
            {
                return null;
            }
            var device = wte.weight!.device;
            // GPT-J: inverse frequency 10000^(-2i/rotary_dim), one per interleaved pair (2i, 2i+1); angles in float64.
            var inverse = torch.pow(10000.0, -torch.arange(0, _rotaryDims, 2, ScalarType.Float64, device) / _rotaryDims);
            var at = positions is null ? torch.arange(length, ScalarType.Float64, device).unsqueeze(0) : positions.to(ScalarType.Float64);
            var angles = at.unsqueeze(-1) * inverse;  // (B, T, rd/2)
            return new Rotary(torch.complex(angles.cos(), angles.sin()).to(ScalarType.ComplexFloat32).unsqueeze(2), _rotaryDims);
        }
    }

    internal sealed class Block : nn.Module
    {
        public readonly LayerNorm ln_1;
        public readonly Attention attn;
        public readonly Mlp mlp;
        private readonly int _heads;

        public Block(ModelConfig config) : base("block")
        {
            ln_1 = nn.LayerNorm(config.DModel, config.LayerNormEps);
            attn = new Attention(config.DModel);
            mlp = new Mlp(config.DModel, config.MlpWidth);
            _heads = config.Heads;
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Rotary? rotary, Tensor mask, bool causal, KvCache.LayerCache? cache, ScalarType compute)
        {
            var (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2]);
            var headDim = width / _heads;
            var inner = mlp.fc_in.weight!.shape[0];
            var h = ln_1.forward(x).to(compute);
            var parts = InProjection(h, width, inner, compute);
            var q = rotary?.Apply(parts[0].view(batch, length, _heads, headDim)) ?? parts[0].view(batch, length, _heads, headDim);
            var k = rotary?.Apply(parts[1].view(batch, length, _heads, headDim)) ?? parts[1].view(batch, length, _heads, headDim);
            var v = parts[2].view(batch, length, _heads, headDim);
            (q, k, v) = (q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));  // (B, H, T, hd)
            if (cache is not null)
            {
                (k, v) = cache.Append(k, v);
            }
            var attended = AttentionKernel.Attend(q, k, v, mask, causal, headDim, compute);
            var merged = attended.transpose(1, 2).reshape(batch * length, width);
            var ff = F.gelu(parts[3], GELU.Approximate.tanh).reshape(batch * length, inner);
            var y = torch.addmm(Mixed.Linear(ff, mlp.fc_out.weight!, mlp.fc_out.bias, compute), merged, attn.out_proj.weight!.to(compute).t(), 1, 1);
            return x.add(y.view(batch, length, width).to(ScalarType.Float32), One);
        }

        /// <summary>
        /// q, k, v and fc_in: they read the same LayerNorm output. In training, one GEMM over their stacked weights,
        /// split after (split's backward is a single cat, where four narrows would each build a full-size gradient); in
        /// inference, four GEMMs, so no copy of the weights is made (a GPT-J-6B's would be gigabytes).
        /// </summary>
        private Tensor[] InProjection(Tensor h, long width, long inner, ScalarType compute)
        {
            if (!torch.is_grad_enabled())
            {
                return [Mixed.Linear(h, attn.q_proj.weight!, null, compute), Mixed.Linear(h, attn.k_proj.weight!, null, compute),
                    Mixed.Linear(h, attn.v_proj.weight!, null, compute), Mixed.Linear(h, mlp.fc_in.weight!, mlp.fc_in.bias, compute)];
            }
            var weights = torch.cat([attn.q_proj.weight!, attn.k_proj.weight!, attn.v_proj.weight!, mlp.fc_in.weight!]).to(compute);
            var bias = torch.cat([torch.zeros(3 * width, compute, h.device), mlp.fc_in.bias!.to(compute)]);
            return nn.functional.linear(h, weights, bias).split([width, width, width, inner], -1);
        }
    }

    /// <summary>
    /// GPT-J's rotary embedding on the first rotary_dims dims of each head, in interleaved pairs (x0, x1) → (x0·c − x1·s,
    /// x1·c + x0·s): read as complex numbers x0 + i·x1, that is one complex product with e^{iθ} — a single kernel, forward
    /// and backward, where the real-valued form needs a copy to swap each pair and five elementwise kernels.
    /// </summary>
    internal sealed class Rotary(Tensor rotation, int dims)
    {
        /// <summary>x: (B, T, H, hd), float32 or bf16 (rotated in float32: there is no bf16 complex type).</summary>
        public Tensor Apply(Tensor x)
        {
            var shape = x.shape;
            var part = dims == shape[3] ? x : x.narrow(3, 0, dims);
            // view_as_complex needs even strides; a view into an odd-width projection has odd ones: copy it then.
            var floats = part.to(ScalarType.Float32);
            var pairs = (floats.stride().All(s => s % 2 == 0 || s == 1) && floats.storage_offset() % 2 == 0 ? floats : floats.contiguous())
                .reshape(shape[0], shape[1], shape[2], dims / 2, 2);
            var rotated = torch.view_as_real(torch.view_as_complex(pairs) * rotation).reshape(shape[0], shape[1], shape[2], dims).to(x.dtype);
            return dims == shape[3] ? rotated : torch.cat([rotated, x.narrow(3, dims, shape[3] - dims)], 3);
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
