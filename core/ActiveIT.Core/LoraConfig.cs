namespace ActiveIT.Core;

/// <summary>
/// Low-rank adapters (LoRA, Hu et al. 2021): each target projection W gains ΔW = (alpha / rank) · B·A with A (rank × in)
/// and B (out × rank); only A and B train, the base stays frozen. <see cref="Targets"/> are module names as PEFT's
/// target_modules spells them (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj).
/// </summary>
public sealed record LoraConfig(int Rank, double Alpha, IReadOnlyList<string> Targets)
{
    /// <summary>The attention projections: what the adapters default to here (PEFT's own default for Llama is q and v only).</summary>
    public static readonly IReadOnlyList<string> DefaultTargets = ["q_proj", "k_proj", "v_proj", "o_proj"];

    public static readonly IReadOnlyList<string> KnownTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public double Scale => Alpha / Rank;

    /// <summary>Errors as "field: problem", empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Rank is < 1 or > 4096)
        {
            errors.Add("lora_rank: must be 1-4096");
        }
        if (!(Alpha > 0))
        {
            errors.Add("lora_alpha: must be positive");
        }
        if (Targets.Count == 0)
        {
            errors.Add("lora_targets: at least one module");
        }
        foreach (var target in Targets.Where(t => !KnownTargets.Contains(t)))
        {
            errors.Add($"lora_targets: '{target}' is not one of {string.Join(", ", KnownTargets)}");
        }
        return errors;
    }
}
