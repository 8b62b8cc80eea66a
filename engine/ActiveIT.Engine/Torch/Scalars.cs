using TorchSharp;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// Constants passed to libtorch as Scalars held for the process's life. A number converted implicitly becomes a Scalar
/// that nothing references once its handle is read, and its finalizer can free it while the native call still runs:
/// "Expected false to be true" in Scalar::toDouble/toFloat ended two multi-hour runs (dotnet/TorchSharp#1434). Calls
/// on large tensors — where that window is widest — take these, or an explicit Scalar disposed after the call.
/// </summary>
internal static class Scalars
{
    /// <summary>The alpha of a plain tensor sum (what TorchSharp would otherwise create for every add).</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>The additive mask value of a key a query may not see (<see cref="Decoder.Masked"/>).</summary>
    public static readonly Scalar Masked = Decoder.Masked.ToScalar();
}
