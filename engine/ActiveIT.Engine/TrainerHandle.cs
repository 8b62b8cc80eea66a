using System.Runtime.InteropServices;

namespace ActiveIT.Engine;

/// <summary>Owns one native ait_trainer (which keeps its model's weights alive on the native side).</summary>
internal sealed class TrainerHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ait_trainer_free(handle);
        return true;
    }
}
