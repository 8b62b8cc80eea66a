using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>A fact that needs a CUDA device; skipped with the reason where libtorch sees none (CI never has one).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!EngineRuntime.Info.CudaAvailable)
        {
            Skip = $"needs a CUDA GPU and a CUDA libtorch build; this engine is built against libtorch {EngineRuntime.Info.TorchVersion} without a visible GPU";
        }
    }
}
