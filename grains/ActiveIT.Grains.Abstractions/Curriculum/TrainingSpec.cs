namespace ActiveIT.Grains.Curriculum;

/// <summary>AdamW training of each round's model; <see cref="ContinueTraining"/> starts from the previous round's model instead of the base;
/// <see cref="SelectBestEpoch"/> keeps the epoch that scores best on the dev tasks (Active-IT's <c>--load_best_model_at_end</c>).</summary>
[GenerateSerializer, Immutable, Alias("activeit.TrainingSpec")]
public sealed record TrainingSpec
{
    [Id(0)]
    public int Epochs { get; init; } = 4;
    [Id(1)]
    public int BatchSize { get; init; } = 32;
    [Id(2)]
    public double LearningRate { get; init; } = 1e-3;
    [Id(3)]
    public int WarmupSteps { get; init; } = 20;
    [Id(4)]
    public string Schedule { get; init; } = "linear";
    [Id(5)]
    public double WeightDecay { get; init; } = 0.01;
    [Id(6)]
    public bool ContinueTraining { get; init; }

    /// <summary>Evaluate the dev tasks after every epoch with the experiment's metric and keep the best epoch's weights
    /// (the earliest on a tie) as the round's model; needs dev tasks (evaluation.dev_task_ids or evaluation.dev_tasks).</summary>
    [Id(7)]
    public bool SelectBestEpoch { get; init; }

    /// <summary><c>shuffled</c>: a fresh permutation of the round's examples each epoch. <c>by-content</c>: each example's
    /// place follows a hash of its tokens, salted by the seed, round and epoch, so strategies of a seed that share tasks
    /// train on those tasks' examples in the same relative order (less noise in their paired difference).</summary>
    [Id(8)]
    public string ExampleOrder { get; init; } = ShuffledOrder;

    /// <summary><c>none</c>: every weight trains. <c>lora</c>: the base checkpoint stays frozen and each round trains fresh
    /// low-rank adapters (<see cref="LoraRank"/>, <see cref="LoraAlpha"/>, <see cref="LoraTargets"/>), saved per round in
    /// PEFT's layout; needs model.base_checkpoint of the Llama family.</summary>
    [Id(9)]
    public string Adapter { get; init; } = NoAdapter;
    [Id(10)]
    public int LoraRank { get; init; } = 8;
    [Id(11)]
    public double LoraAlpha { get; init; } = 16;
    [Id(12)]
    public IReadOnlyList<string> LoraTargets { get; init; } = [.. ActiveIT.Core.LoraConfig.DefaultTargets];

    public const string NoAdapter = "none";
    public const string LoraAdapter = "lora";

    [System.Text.Json.Serialization.JsonIgnore]
    public ActiveIT.Core.LoraConfig? Lora => Adapter == LoraAdapter ? new(LoraRank, LoraAlpha, LoraTargets) : null;

    public const string ShuffledOrder = "shuffled";
    public const string ByContentOrder = "by-content";

    public IEnumerable<string> Validate()
    {
        if (Epochs is < 1 or > 1000)
        {
            yield return "training.epochs: must be 1-1000";
        }
        if (BatchSize is < 1 or > 4096)
        {
            yield return "training.batch_size: must be 1-4096";
        }
        if (!(LearningRate > 0 && LearningRate < 1))
        {
            yield return "training.learning_rate: must be within (0, 1)";
        }
        if (WarmupSteps < 0)
        {
            yield return "training.warmup_steps: must not be negative";
        }
        if (Schedule is not ("constant" or "linear" or "cosine"))
        {
            yield return $"training.schedule: '{Schedule}' is not one of constant, linear, cosine";
        }
        if (ExampleOrder is not (ShuffledOrder or ByContentOrder))
        {
            yield return $"training.example_order: '{ExampleOrder}' is not one of shuffled, by-content";
        }
        if (WeightDecay is < 0 or > 1)
        {
            yield return "training.weight_decay: must be within 0-1";
        }
        if (Adapter is not (NoAdapter or LoraAdapter))
        {
            yield return $"training.adapter: '{Adapter}' is not one of none, lora";
        }
        foreach (var error in Lora?.Validate() ?? [])
        {
            yield return "training." + error;
        }
    }
}
