// NanoGptReference.cs - the yardstick `activeit bench engine` measures the engine against: a plain nanoGPT-style GPT-2
// written the way a TorchSharp user would write it (torch.nn modules, built-in scaled_dot_product_attention, TorchSharp's
// own AdamW, loss over every position). Same layers, heads, width, context, batch and vocabulary as the engine's
// presets; float32. Not used by the product; compiled into the CLI only so both run interleaved in one process.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActiveIT.Bench;

#pragma warning disable IDE1006 // nanoGPT's module names
internal sealed class NanoGptReference : nn.Module<Tensor, Tensor>
{
    private readonly Embedding wte, wpe;
    private readonly ModuleList<ReferenceBlock> h;
    private readonly LayerNorm ln_f;
    private readonly Linear lm_head;

    public NanoGptReference(int vocab, int layers, int heads, int width, int context) : base("nanogpt")
    {
        wte = nn.Embedding(vocab, width);
        wpe = nn.Embedding(context, width);
        h = new ModuleList<ReferenceBlock>([.. Enumerable.Range(0, layers).Select(_ => new ReferenceBlock(width, heads))]);
        ln_f = nn.LayerNorm(width);
        lm_head = nn.Linear(width, vocab, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        var positions = arange(tokens.shape[1], ScalarType.Int64, tokens.device);
        var x = wte.forward(tokens) + wpe.forward(positions);
        foreach (var block in h)
        {
            x = block.forward(x);
        }
        return lm_head.forward(ln_f.forward(x));
    }

    /// <summary>One AdamW step on next-token loss over the whole batch.</summary>
    public float TrainStep(Tensor tokens, Tensor targets, optim.Optimizer optimizer)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var logits = forward(tokens);
        var loss = F.cross_entropy(logits.view(-1, logits.shape[2]), targets.view(-1));
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Log-probabilities of every next token, summed per row: what scoring does.</summary>
    public Tensor Score(Tensor tokens, Tensor targets)
    {
        using var inference = inference_mode();
        var logProbs = F.log_softmax(forward(tokens), -1);
        return logProbs.gather(2, targets.unsqueeze(2)).squeeze(2).sum(1);
    }
}

internal sealed class ReferenceBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1, ln_2;
    private readonly Linear c_attn, c_proj, c_fc, c_out;
    private readonly int _heads;

    public ReferenceBlock(int width, int heads) : base("block")
    {
        ln_1 = nn.LayerNorm(width);
        ln_2 = nn.LayerNorm(width);
        c_attn = nn.Linear(width, 3 * width);
        c_proj = nn.Linear(width, width);
        c_fc = nn.Linear(width, 4 * width);
        c_out = nn.Linear(4 * width, width);
        _heads = heads;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = c_attn.forward(ln_1.forward(x)).view(batch, length, 3, _heads, width / _heads).permute(2, 0, 3, 1, 4);
        var attended = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], null, 0, true);
        x = x + c_proj.forward(attended.transpose(1, 2).reshape(batch, length, width));
        return x + c_out.forward(F.gelu(c_fc.forward(ln_2.forward(x)), GELU.Approximate.tanh));
    }
}
#pragma warning restore IDE1006
