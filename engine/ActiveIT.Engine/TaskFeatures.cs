using ActiveIT.Engine.Torch;
using static TorchSharp.torch;

namespace ActiveIT.Engine;

/// <summary>
/// Feature vectors of examples under a model, for the target-aware selection strategies (docs/selection.md):
/// mean-pooled final-layer hidden states, as RDS+ embeds data, and the loss gradient randomly projected to a few
/// thousand dimensions, as LESS compares data by gradients.
/// </summary>
public static class TaskFeatures
{
    /// <summary>
    /// Per sequence, the mean over its tokens of the last block's output (before the final layer norm): a vector of
    /// <see cref="ModelConfig.DModel"/>. Rows are right-padded; padding cannot reach earlier positions (causal
    /// attention) and is left out of the mean.
    /// </summary>
    public static float[][] MeanHidden(GptModel model, IReadOnlyList<int[]> sequences)
    {
        if (sequences.Count == 0 || sequences.Any(s => s.Length == 0))
        {
            throw new EngineException("mean hidden states need at least one sequence, none empty");
        }
        var seqLen = sequences.Max(s => s.Length);
        var tokens = new int[sequences.Count * seqLen];
        var weights = new float[sequences.Count * seqLen];
        for (var b = 0; b < sequences.Count; b++)
        {
            sequences[b].CopyTo(tokens, b * seqLen);
            Array.Fill(weights, 1f / sequences[b].Length, b * seqLen, sequences[b].Length);
        }
        using (model.Enter())
        {
            model.CheckShape(sequences.Count, seqLen);
            model.CheckTokens(tokens, seqLen);
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var hidden = model.Module.Hidden(model.ToDevice(tokens, sequences.Count, seqLen), null, null, null, model.ComputeType).to(ScalarType.Float32);
            var w = tensor(weights, [sequences.Count, seqLen, 1], device: model.DeviceOf);
            var pooled = (hidden * w).sum(1).cpu().data<float>().ToArray();
            return [.. Enumerable.Range(0, sequences.Count).Select(b => pooled.AsSpan(b * model.Config.DModel, model.Config.DModel).ToArray())];
        }
    }

    /// <summary>
    /// The gradient of the batch's mean target-token loss with respect to every weight, projected to
    /// <paramref name="dims"/> dimensions by a count sketch (each weight adds its gradient, times a random sign, to one
    /// random coordinate — a random projection that keeps inner products in expectation and costs one pass over the
    /// weights). The sketch is fixed by <paramref name="seed"/> and the weights' order, so two tasks' gradients under one
    /// model are comparable. The model's weights are not changed; their gradients are cleared afterwards.
    /// </summary>
    public static float[] GradientSketch(GptModel model, SequenceBatch batch, int dims, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dims, 1);
        var sketch = new float[dims];
        using (model.Enter())
        {
            using var scope = NewDisposeScope();
            var targets = TargetBatch.From(model, batch);
            if (targets.Rows.Length == 0)
            {
                throw new EngineException("gradient features need target tokens (the target mask is all zero)");
            }
            model.ZeroGrad();
            try
            {
                var loss = nn.functional.cross_entropy(targets.Logits(model), targets.TargetTensor(model));
                loss.backward();
                long at = 0;
                foreach (var (_, parameter) in model.TrainableParameters())  // with adapters: their gradients, as LESS uses them
                {
                    var grad = parameter.grad is { } g ? g.to(ScalarType.Float32).cpu().data<float>().ToArray() : new float[parameter.numel()];
                    for (var i = 0; i < grad.Length; i++, at++)
                    {
                        var h = Mix(seed ^ ((ulong)at * 0x9E3779B97F4A7C15UL));
                        sketch[(int)(h % (ulong)dims)] += (h >> 63) == 0 ? grad[i] : -grad[i];
                    }
                }
            }
            finally
            {
                model.ZeroGrad();
            }
        }
        return sketch;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
