using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>Keys and values of past positions for every layer, preallocated to the generation's full length.</summary>
internal sealed class KvCache(int layers, long batch, int heads, long capacity, int headDim, ScalarType type, Device device)
{
    private readonly LayerCache[] _layers = [.. Enumerable.Range(0, layers).Select(_ => new LayerCache(
        zeros([batch, heads, capacity, headDim], type, device), zeros([batch, heads, capacity, headDim], type, device)))];

    /// <summary>Positions already cached.</summary>
    public long Length { get; private set; }

    public LayerCache Layer(int index)
    {
        _layers[index].Start = Length;
        return _layers[index];
    }

    public void Advance(long steps) => Length += steps;

    internal sealed class LayerCache(Tensor keys, Tensor values)
    {
        internal long Start { get; set; }

        /// <summary>Writes the new (B, H, T, hd) keys and values after the cached ones; returns all of them so far.</summary>
        public (Tensor Keys, Tensor Values) Append(Tensor k, Tensor v)
        {
            var length = k.shape[2];
            using (no_grad())
            {
                keys.narrow(2, Start, length).copy_(k);
                values.narrow(2, Start, length).copy_(v);
            }
            return (keys.narrow(2, 0, Start + length), values.narrow(2, 0, Start + length));
        }
    }
}
