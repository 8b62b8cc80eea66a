using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ActiveIT.Engine.Torch;

/// <summary>Scaled dot-product attention over (B, H, T, hd) queries, keys and values, shared by every architecture.</summary>
internal static class AttentionKernel
{
    /// <summary>Below glibc's largest mmap threshold (32 MiB), with room for the softmax's output beside the scores.</summary>
    private const long ScoreBlockBytes = 16L << 20;

    /// <summary>
    /// libtorch's fused CPU kernel wins in float32 from head size 64 (3× at 6 heads × 64, T 256), but loses below it
    /// (1.5× at 4 × 32, T 128) and in bf16 (up to 5×): there it is written out, two batched GEMMs around a float32
    /// softmax, as autocast would run it (measured, docs/performance.md).
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor mask, bool causal, long headDim, ScalarType compute)
    {
        if (compute == ScalarType.Float32 && headDim >= 64)
        {
            return causal ? F.scaled_dot_product_attention(q, k, v, null, 0, true) : F.scaled_dot_product_attention(q, k, v, mask, 0, false);
        }
        // Each row block's float32 scores stay under glibc's largest mmap threshold (HeapSettings): a (B, H, T, T) block
        // above it is mapped fresh and unmapped again on every step, forward and backward, and page faults dominated
        // training at B 32, 4 heads, T 256 (10k tok/s; 27k in blocks, docs/performance.md).
        var rows = q.shape[0];
        var bytesPerRow = q.shape[1] * q.shape[2] * k.shape[2] * sizeof(float);
        var perBlock = Math.Max(1, ScoreBlockBytes / bytesPerRow);
        if (rows <= perBlock)
        {
            return Written(q, k, v, mask, headDim, compute);
        }
        var rowMask = mask.dim() == 4 && mask.shape[0] == rows;
        var blocks = new List<Tensor>();
        for (long start = 0; start < rows; start += perBlock)
        {
            var n = Math.Min(perBlock, rows - start);
            blocks.Add(Written(q.narrow(0, start, n), k.narrow(0, start, n), v.narrow(0, start, n),
                rowMask ? mask.narrow(0, start, n) : mask, headDim, compute));
        }
        return cat(blocks, 0);
    }

    private static Tensor Written(Tensor q, Tensor k, Tensor v, Tensor mask, long headDim, ScalarType compute)
    {
        // Explicit Scalars, alive through the calls (see Scalars): the scale disposed after them, the alpha held for good.
        using var scale = (1.0 / Math.Sqrt(headDim)).ToScalar();
        var scores = matmul(q, k.transpose(-1, -2)).to(ScalarType.Float32).mul_(scale).add_(mask, Scalars.One);
        return matmul(F.softmax(scores, -1).to(compute), v);
    }
}
