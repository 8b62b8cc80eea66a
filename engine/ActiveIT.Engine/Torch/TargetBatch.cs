using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// A checked (batch, seq_len) batch and its targets: for every masked token t, the flat position t-1 that predicts it.
/// Training and scoring run the LM head on those rows only.
/// </summary>
internal sealed class TargetBatch
{
    private TargetBatch(Tensor tokens, long[] positions, int[] rows, long[] targets)
    {
        Tokens = tokens;
        Positions = positions;
        Rows = rows;
        Targets = targets;
    }

    public Tensor Tokens { get; }
    public long[] Positions { get; }
    public int[] Rows { get; }
    public long[] Targets { get; }

    public static TargetBatch From(GptModel model, SequenceBatch batch)
    {
        model.CheckShape(batch.Batch, batch.SeqLen);
        model.CheckTokens(batch.Tokens, batch.SeqLen);
        var positions = new List<long>();
        var rows = new List<int>();
        var targets = new List<long>();
        for (var b = 0; b < batch.Batch; b++)
        {
            var row = b * batch.SeqLen;
            if (batch.Mask[row] != 0)
            {
                throw new EngineException($"target mask at row {b}, position 0: the first token has no preceding token to predict it");
            }
            for (var t = 1; t < batch.SeqLen; t++)
            {
                if (batch.Mask[row + t] != 0)
                {
                    positions.Add(row + t - 1);
                    targets.Add(batch.Tokens[row + t]);
                    rows.Add(b);
                }
            }
        }
        return new TargetBatch(model.ToDevice(batch.Tokens, batch.Batch, batch.SeqLen), [.. positions], [.. rows], [.. targets]);
    }

    /// <summary>Float32 logits (M, V) at the positions that predict targets.</summary>
    public Tensor Logits(GptModel model)
    {
        var hidden = model.Module.Hidden(Tokens, null, null, null, model.ComputeType);
        var picked = hidden.view(-1, model.Config.DModel).index_select(0, tensor(Positions, device: model.DeviceOf));
        return model.Module.Head(picked, model.ComputeType);
    }

    public Tensor TargetTensor(GptModel model) => tensor(Targets, device: model.DeviceOf);

    /// <summary>log p(target) for each target (M), float32.</summary>
    public Tensor LogProbs(GptModel model) =>
        nn.functional.log_softmax(Logits(model), -1).gather(1, TargetTensor(model).unsqueeze(1)).squeeze(1);
}
