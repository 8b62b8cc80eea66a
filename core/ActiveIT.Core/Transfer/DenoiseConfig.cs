using System.Globalization;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// How candidates are ranked (methods.md §2): token-weighted mean cross-entropy of <paramref name="Instances"/> (m)
/// reference outputs, drawn with <paramref name="Seed"/>, under the candidate's prompt with
/// <paramref name="Examples"/> positive examples. <paramref name="Enabled"/> false keeps the first parsed candidate
/// (a random one: candidates are independent samples) — the experiment's baseline. <paramref name="MaxScore"/>, when
/// set, is a threshold: a task whose best candidate scores above it fails instead of taking a poor transfer.
/// </summary>
public sealed record DenoiseConfig(bool Enabled = true, int Instances = 32, ulong Seed = 0, int Examples = 2, double? MaxScore = null)
{
    /// <summary>The scores' cache key; the threshold is left out (it filters choices, it does not change scores).</summary>
    public override string ToString() => Enabled
        ? string.Create(CultureInfo.InvariantCulture, $"denoise-v1/m={Instances}/seed={Seed}/examples={Examples}")
        : "first-parsed";
}
