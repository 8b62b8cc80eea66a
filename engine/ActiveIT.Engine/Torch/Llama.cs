using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActiveIT.Engine.Torch;

// Field names below are Hugging Face Llama's parameter names ("model.layers.0.self_attn.q_proj.weight"), which Mistral,
// Qwen 2 and SmolLM checkpoints share: TorchSharp names parameters after the fields that hold them.
#pragma warning disable IDE1006, SA1300 // lower-case names on purpose

/// <summary>
/// The Llama block family: token embeddings, pre-norm blocks (RMSNorm → grouped-query attention with rotate-half rotary
/// embeddings → residual; RMSNorm → SwiGLU MLP → residual), a final RMSNorm and an LM head without bias, tied to the
/// embeddings where the checkpoint says so. Optional biases: q/k/v (Qwen 2), the output projection, the MLP.
/// </summary>
internal sealed class Llama : Decoder
{
    public readonly Body model;
    public readonly Linear? lm_head;

    public Llama(ModelConfig config) : base("LlamaForCausalLM", config)
    {
        model = new Body(config);
        lm_head = config.TieEmbeddings ? null : nn.Linear(config.DModel, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor HeadWeight => lm_head?.weight ?? model.embed_tokens.weight!;

    public override Tensor Hidden(Tensor tokens, Tensor? positions, Tensor? mask, KvCache? cache, ScalarType compute)
    {
        var length = tokens.shape[1];
        var rope = Rope.For(Config, positions, length, tokens.device);
        var causal = mask is null && cache is null;
        mask ??= CausalMask(length, tokens.device);
        var x = RunLayers(model.embed_tokens.forward(tokens), model.layers.Count,
            (i, h) => model.layers[i].Forward(h, rope, mask, causal, cache?.Layer(i), compute, Adapter));
        cache?.Advance(length);
        return x;
    }

    public override Tensor Head(Tensor rows, ScalarType compute) =>
        Mixed.Linear(model.norm.forward(rows), HeadWeight, null, compute).to(ScalarType.Float32);

    public override bool IsNormWeight(string parameter) => parameter.EndsWith("norm.weight", StringComparison.Ordinal);

    public override bool IsResidualOutput(string parameter) =>
        parameter.EndsWith("o_proj.weight", StringComparison.Ordinal) || parameter.EndsWith("down_proj.weight", StringComparison.Ordinal);

    // Older exports carry each layer's rotary inverse frequencies; tied checkpoints sometimes still carry the LM head.
    public override bool IsBuffer(string tensor) =>
        tensor.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (Config.TieEmbeddings && tensor == "lm_head.weight");

    internal sealed class Body : nn.Module
    {
        public readonly Embedding embed_tokens;
        public readonly ModuleList<Layer> layers;
        public readonly RmsNorm norm;

        public Body(ModelConfig config) : base("model")
        {
            embed_tokens = nn.Embedding(config.VocabSize, config.DModel);
            layers = new ModuleList<Layer>([.. Enumerable.Range(0, config.Layers).Select(_ => new Layer(config))]);
            norm = new RmsNorm(config.DModel, config.LayerNormEps);
            RegisterComponents();
        }
    }

    internal sealed class Layer : nn.Module
    {
        public readonly RmsNorm input_layernorm, post_attention_layernorm;
        public readonly SelfAttention self_attn;
        public readonly Mlp mlp;
        private readonly ModelConfig _config;

        public Layer(ModelConfig config) : base("layer")
        {
            input_layernorm = new RmsNorm(config.DModel, config.LayerNormEps);
            self_attn = new SelfAttention(config);
            post_attention_layernorm = new RmsNorm(config.DModel, config.LayerNormEps);
            mlp = new Mlp(config);
            _config = config;
            RegisterComponents();
        }

        public Tensor Forward(Tensor x, Rope rope, Tensor mask, bool causal, KvCache.LayerCache? cache, ScalarType compute, LoraAdapter? adapter)
        {
            Tensor Linear(Tensor input, Linear layer, ScalarType compute)
            {
                var y = Mixed.Linear(input, layer.weight!, layer.bias, compute);
                return adapter?.Delta(input, layer, compute) is { } delta ? y.add_(delta, One) : y;
            }

            var (batch, length) = (x.shape[0], x.shape[1]);
            var (heads, kvHeads, headDim) = (_config.Heads, _config.KvHeadCount, _config.HeadDim);
            var h = input_layernorm.forward(x).to(compute);
            var q = rope.Apply(Linear(h, self_attn.q_proj, compute).view(batch, length, heads, headDim)).transpose(1, 2);
            var k = rope.Apply(Linear(h, self_attn.k_proj, compute).view(batch, length, kvHeads, headDim)).transpose(1, 2);
            var v = Linear(h, self_attn.v_proj, compute).view(batch, length, kvHeads, headDim).transpose(1, 2);
            if (cache is not null)
            {
                (k, v) = cache.Append(k, v);  // the cache holds the key/value heads only
            }
            if (kvHeads != heads)
            {
                // Query head j reads key/value head j / (heads / kvHeads), as grouped-query attention defines it.
                k = k.repeat_interleave(heads / kvHeads, 1);
                v = v.repeat_interleave(heads / kvHeads, 1);
            }
            var attended = AttentionKernel.Attend(q, k, v, mask, causal, headDim, compute);
            var merged = attended.transpose(1, 2).reshape(batch * length, heads * headDim);
            x = x.add(Linear(merged, self_attn.o_proj, compute).view(batch, length, -1).to(ScalarType.Float32), One);
            var m = post_attention_layernorm.forward(x).to(compute).view(batch * length, -1);
            var gated = F.silu(Linear(m, mlp.gate_proj, compute)).mul_(Linear(m, mlp.up_proj, compute));
            return x.add(Linear(gated, mlp.down_proj, compute).view(batch, length, -1).to(ScalarType.Float32), One);
        }
    }

    internal sealed class SelfAttention : nn.Module
    {
        public readonly Linear q_proj, k_proj, v_proj, o_proj;

        public SelfAttention(ModelConfig c) : base("self_attn")
        {
            q_proj = nn.Linear(c.DModel, c.Heads * c.HeadDim, hasBias: c.AttentionBias);
            k_proj = nn.Linear(c.DModel, c.KvHeadCount * c.HeadDim, hasBias: c.AttentionBias);
            v_proj = nn.Linear(c.DModel, c.KvHeadCount * c.HeadDim, hasBias: c.AttentionBias);
            o_proj = nn.Linear(c.Heads * c.HeadDim, c.DModel, hasBias: c.OutputBias);
            RegisterComponents();
        }
    }

    internal sealed class Mlp : nn.Module
    {
        public readonly Linear gate_proj, up_proj, down_proj;

        public Mlp(ModelConfig c) : base("mlp")
        {
            gate_proj = nn.Linear(c.DModel, c.MlpWidth, hasBias: c.MlpBias);
            up_proj = nn.Linear(c.DModel, c.MlpWidth, hasBias: c.MlpBias);
            down_proj = nn.Linear(c.MlpWidth, c.DModel, hasBias: c.MlpBias);
            RegisterComponents();
        }
    }

    /// <summary>RMSNorm in float32: x / √(mean(x²) + ε) · weight.</summary>
    internal sealed class RmsNorm : nn.Module
    {
        public readonly Parameter weight;
        private readonly double _eps;

        public RmsNorm(int width, float eps) : base("rms_norm")
        {
            weight = new Parameter(torch.ones(width));
            _eps = eps;
            RegisterComponents();
        }

        public Tensor forward(Tensor x)
        {
            var floats = x.to(ScalarType.Float32);
            using var eps = _eps.ToScalar();
            return floats.mul(floats.square().mean([-1], keepdim: true).add_(eps, Scalars.One).rsqrt_()).mul_(weight);
        }
    }
}
#pragma warning restore IDE1006, SA1300
