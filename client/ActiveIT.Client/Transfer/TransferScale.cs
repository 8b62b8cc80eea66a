using ActiveIT.Core;

namespace ActiveIT.Client.Transfer;

/// <summary>Sizes of the format-transfer experiment; every result records the one it ran at, and how it differs from the paper.</summary>
internal sealed record TransferScale(
    string Name,
    int TaskRules,
    int InstancesPerRule,
    int TransferRules,
    int DrawsPerRule,
    int HeldOutRules,
    int HeldOutInstances,
    int ScorerRules,
    int DenoiseInstances,
    int Candidates,
    int TrainCandidates,
    int TaskEpochs,
    int TransferEpochs,
    int Layers,
    int Heads,
    int DModel)
{
    /// <summary>The paper's candidates per task and denoising instances (methods.md §2; the original code's 32-sample files).</summary>
    public const int PaperCandidates = 32, PaperDenoiseInstances = 32;

    public static TransferScale Preset(string name) => name switch
    {
        "tiny" => new("tiny", 24, 2, 8, 1, 4, 6, 12, 2, 3, 2, 1, 1, 2, 2, 64),
        "demo" => new("demo", 2000, 5, 400, 1, 16, 12, 1000, 4, PaperCandidates, 4, 5, 6, 4, 4, 128),
        "small" => new("small", 4000, 5, 800, 1, 32, 12, 2000, 4, PaperCandidates, 8, 6, 8, 4, 4, 128),
        _ => throw new ArgumentException($"unknown scale '{name}' (tiny, demo, small)"),
    };

    /// <summary>Where this scale's denoising differs from the paper's; written into every result.</summary>
    public IReadOnlyList<ScaleDeviation> Deviations()
    {
        var list = new List<ScaleDeviation>();
        if (Candidates != PaperCandidates)
        {
            list.Add(new("candidates (held-out tasks)", $"{Candidates}", $"{PaperCandidates}", "a preset for tests or a short run"));
        }
        if (TrainCandidates != PaperCandidates)
        {
            list.Add(new("candidates (training tasks)", $"{TrainCandidates}", $"{PaperCandidates}",
                $"{PaperCandidates} samples for each of the {TaskRules * 3 / 4} non-NIV2 training tasks would dominate a seed's time on 2 cores"));
        }
        if (DenoiseInstances != PaperDenoiseInstances)
        {
            list.Add(new("denoise instances (m)", $"{DenoiseInstances}", $"{PaperDenoiseInstances}",
                $"a held-out rule has {HeldOutInstances} instances: {DenoiseInstances} score, the rest are evaluated; a training rule has {InstancesPerRule}"));
        }
        list.Add(new("scorer", $"a {Layers}-layer byte model trained apart on {ScorerRules} other rules' NIV2 tasks, never evaluated",
            "GPT-J-6B as pretrained, never tuned or evaluated", "no pretrained model reads these synthetic definitions; the judge shares only the format with the evaluated models"));
        list.Add(new("denoise prompt examples", "0", "2", "the byte models' 192-token context holds no examples"));
        list.Add(new("denoise aggregation", "token-weighted mean with EOS (the original code's mean of batch means without EOS recorded beside it)",
            "mean of 4 batch means of 8, no EOS", DenoiseInstances <= 8 ? $"with m = {DenoiseInstances} there is one batch, so the two differ only by the EOS token" : ""));
        list.Add(new("transfer model", $"a {Layers}-layer byte model trained from scratch, lr 1e-3", "GPT-J-6B fine-tuned, lr 1e-6, batch 16, 2 epochs",
            "no pretrained base at this scale"));
        return list;
    }
}
