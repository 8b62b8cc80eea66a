using System.Runtime.InteropServices;

namespace ActiveIT.Engine;

/// <summary>Owns one native ait_model.</summary>
internal sealed class ModelHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ait_model_free(handle);
        return true;
    }
}
