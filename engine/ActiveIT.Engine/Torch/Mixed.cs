using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// Mixed precision by hand, the way autocast does it: matrix products take their inputs in the compute type (bf16 runs on
/// the CPU's matrix units), while weights, gradients, LayerNorms, softmax over the vocabulary and the loss stay float32.
/// Casting a float32 weight inside the graph sends its gradient back to the float32 master copy.
/// </summary>
internal static class Mixed
{
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias, ScalarType compute) => compute == input.dtype && compute == weight.dtype
        ? nn.functional.linear(input, weight, bias)
        : nn.functional.linear(input.to(compute), weight.to(compute), bias?.to(compute));

    public static ScalarType ComputeType(Precision precision) => precision == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
}
