using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// Llama's rotary embedding: each head's dims i and i + hd/2 form a pair rotated by position · inverse frequency i
/// ("rotate half", not GPT-J's interleaved pairs). Cosines and sines are built once per pass in float64 and applied in
/// float32.
/// </summary>
internal sealed class Rope(Tensor cos, Tensor sin)
{
    /// <summary>The rotation for <paramref name="positions"/> (B, T), or 0..T-1 when null.</summary>
    public static Rope For(ModelConfig config, Tensor? positions, long length, Device device)
    {
        var inverse = tensor(InverseFrequencies(config), ScalarType.Float64, device);
        // Positions from a host array, not arange: its bounds would be implicit Scalars (see Scalars).
        var at = positions is null
            ? tensor(Enumerable.Range(0, (int)length).Select(i => (double)i).ToArray(), [1, length], ScalarType.Float64, device)
            : positions.to(ScalarType.Float64);
        var angles = at.unsqueeze(-1) * inverse;  // (B, T, hd/2)
        var both = cat([angles, angles], -1).unsqueeze(2);  // (B, T, 1, hd): pair i's angle at i and i + hd/2
        return new Rope(both.cos().to(ScalarType.Float32), both.sin().to(ScalarType.Float32));
    }

    /// <summary>
    /// θ^(−2i/hd) per pair i, then the checkpoint's scaling: "linear" divides all by the factor; "llama3" divides those
    /// whose wavelength exceeds original_context / low_freq_factor, keeps those under original_context / high_freq_factor,
    /// and blends linearly (in original_context / wavelength) in between.
    /// </summary>
    public static double[] InverseFrequencies(ModelConfig config)
    {
        var dims = config.HeadDim;
        var inverse = Enumerable.Range(0, dims / 2).Select(i => 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / dims)).ToArray();
        if (config.RopeScaling is not { } scaling)
        {
            return inverse;
        }
        if (scaling.Type == "linear")
        {
            return [.. inverse.Select(f => f / scaling.Factor)];
        }
        var original = (double)scaling.OriginalMaxPositions;
        return [.. inverse.Select(f =>
        {
            var wavelength = 2 * Math.PI / f;
            if (wavelength < original / scaling.HighFreqFactor)
            {
                return f;
            }
            if (wavelength > original / scaling.LowFreqFactor)
            {
                return f / scaling.Factor;
            }
            var smooth = (original / wavelength - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
            return (1 - smooth) * f / scaling.Factor + smooth * f;
        })];
    }

    /// <summary>x: (B, T, H, hd) in float32 or bf16; returned in its own type.</summary>
    public Tensor Apply(Tensor x)
    {
        var floats = x.to(ScalarType.Float32);
        var half = x.shape[3] / 2;
        var rotated = cat([floats.narrow(3, half, half).neg(), floats.narrow(3, 0, half)], 3);
        return floats.mul(cos).add_(rotated.mul_(sin), Scalars.One).to(x.dtype);
    }
}
