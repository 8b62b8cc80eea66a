using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>A fact that needs a CUDA device; skipped with the reason where libtorch sees none (CI never has one).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!EngineRuntime.Info.CudaAvailable)
        {
            Skip = $"needs a visible CUDA GPU and the CUDA libtorch (dotnet build -p:TorchBackend=cuda); this build has libtorch {EngineRuntime.Info.TorchVersion} and sees no GPU";
        }
    }
}
