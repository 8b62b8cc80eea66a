using ActiveIT.Core;
using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// Batched greedy or sampled decoding with a KV cache. Prompts are left-padded to one length so every row's next token
/// sits in the last column; pads are masked as keys and their positions clamp to 0, so each row sees exactly what it
/// would see alone.
/// </summary>
internal static class Generation
{
    private const float Masked = Decoder.Masked;

    public static int[][] Run(GptModel model, IReadOnlyList<int[]> prompts, GenerationOptions options, Action<int, int>? onToken = null,
        CancellationToken cancellationToken = default)
    {
        var batch = prompts.Count;
        if (batch == 0)
        {
            throw new EngineException("empty batch (batch = 0)");
        }
        if (options.MaxNewTokens <= 0)
        {
            throw new EngineException("max_new_tokens must be positive");
        }
        for (var b = 0; b < batch; b++)
        {
            if (prompts[b].Length == 0)
            {
                throw new EngineException($"prompt of row {b} is empty");
            }
            model.CheckTokens(prompts[b], prompts[b].Length);
        }
        var config = model.Config;
        var longest = prompts.Max(p => p.Length);
        if (longest >= config.MaxSeqLen)
        {
            throw new EngineException($"prompt of {longest} tokens leaves no room to generate (max_seq_len {config.MaxSeqLen})");
        }
        var newTokens = Math.Min(options.MaxNewTokens, config.MaxSeqLen - longest);  // generation stops at the context limit
        var capacity = longest + newTokens;

        var tokens = new int[batch * longest];
        var positions = new long[batch * longest];
        var keyMask = new float[batch * capacity];
        for (var b = 0; b < batch; b++)
        {
            var pad = longest - prompts[b].Length;
            prompts[b].CopyTo(tokens, b * longest + pad);
            for (var t = 0; t < prompts[b].Length; t++)
            {
                positions[b * longest + pad + t] = t;
            }
            Array.Fill(keyMask, Masked, b * capacity, pad);
        }

        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var device = model.DeviceOf;
        var keys = tensor(keyMask, [batch, 1, 1, capacity], device: device);
        var cache = options.UseCache ? new KvCache(config.Layers, batch, config.KvHeadCount, capacity, config.HeadDim, model.ComputeType, device) : null;
        var sequence = model.ToDevice(tokens, batch, longest);
        var at = tensor(positions, [batch, longest], device: device);

        // (B, 1, T, Tk) additive mask for queries at [start, start+T) over keys [0, start+T).
        Tensor MaskFor(long start, long length)
        {
            var causal = full(length, start + length, Scalars.Masked, device: device).triu(start + 1);
            return keys.narrow(3, 0, start + length).add(causal, Scalars.One);  // explicit Scalars (see Scalars)
        }

        float[] LastLogits(Tensor hidden) =>
            model.Module.Head(hidden.select(1, hidden.shape[1] - 1), model.ComputeType).cpu().data<float>().ToArray();

        var logits = LastLogits(model.Module.Hidden(sequence, at, MaskFor(0, longest), cache, model.ComputeType));
        var random = new SeededRandom(options.Seed);
        var outputs = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var done = new bool[batch];
        var next = new long[batch];
        for (var step = 0; step < newTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var allDone = true;
            for (var b = 0; b < batch; b++)
            {
                next[b] = Choose(logits.AsSpan(b * config.VocabSize, config.VocabSize), options, random);
                if (done[b])
                {
                    continue;
                }
                outputs[b].Add((int)next[b]);
                onToken?.Invoke(b, (int)next[b]);
                done[b] = options.StopTokens.Contains((int)next[b]);
                allDone &= done[b];
            }
            if (allDone || step + 1 == newTokens)
            {
                break;
            }
            using var stepScope = NewDisposeScope();
            var stepTokens = tensor(next, [batch, 1], device: device);
            var stepPositions = tensor(prompts.Select(p => (long)(p.Length + step)).ToArray(), [batch, 1], device: device);
            if (cache is not null)
            {
                logits = LastLogits(model.Module.Hidden(stepTokens, stepPositions, MaskFor(longest + step, 1), cache, model.ComputeType));
            }
            else
            {
                sequence = cat([sequence, stepTokens], 1).MoveToOuterDisposeScope();
                at = cat([at, stepPositions], 1).MoveToOuterDisposeScope();
                logits = LastLogits(model.Module.Hidden(sequence, at, MaskFor(0, sequence.shape[1]), null, model.ComputeType));
            }
        }
        return [.. outputs.Select(o => o.ToArray())];
    }

    /// <summary>Greedy (first maximum) or sampled with temperature, top-k and top-p from one row of logits.</summary>
    internal static int Choose(ReadOnlySpan<float> logits, GenerationOptions options, SeededRandom random)
    {
        if (options.Temperature <= 0)
        {
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best])
                {
                    best = i;
                }
            }
            return best;
        }
        var values = logits.ToArray();
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ToArray();  // stable: ties keep id order
        var keep = options.TopK > 0 ? Math.Min(options.TopK, values.Length) : values.Length;
        var weights = new double[keep];
        double total = 0;
        for (var i = 0; i < keep; i++)
        {
            total += weights[i] = Math.Exp((values[order[i]] - values[order[0]]) / options.Temperature);
        }
        if (options.TopP < 1)
        {
            double mass = 0;
            for (var i = 0; i < keep; i++)
            {
                mass += weights[i] / total;
                if (mass >= options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }
            total = weights.AsSpan(0, keep).ToArray().Sum();
        }
        var u = random.NextDouble() * total;
        for (var i = 0; i < keep; i++)
        {
            u -= weights[i];
            if (u <= 0)
            {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
