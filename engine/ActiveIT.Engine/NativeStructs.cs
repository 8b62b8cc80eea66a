using System.Runtime.InteropServices;

namespace ActiveIT.Engine;

// Mirrors of the structs in engine/native/include/activeit_engine.h; field order and types must match.

[StructLayout(LayoutKind.Sequential)]
internal struct NativeModelConfig
{
    public int VocabSize, NLayer, NHead, DModel, NInner, RotaryDim, MaxSeqLen;
    public float LayerNormEps, InitStd;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTrainConfig
{
    public float Lr, WeightDecay, Beta1, Beta2, Eps, GradClip;
    public int WarmupSteps, TotalSteps, Schedule;
    public float MinLrRatio;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeStepResult
{
    public float Loss, GradNorm, Lr;
    public int TargetTokens;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeGenerateConfig
{
    public int MaxNewTokens;
    public float Temperature;
    public int TopK;
    public float TopP;
    public ulong Seed;
    public int UseCache;
    public int* StopTokens;
    public int NStopTokens;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeRuntimeInfo
{
    public int NumThreads, CudaAvailable, CudaDeviceCount;
    public fixed byte TorchVersion[32];
}
