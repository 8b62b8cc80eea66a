namespace ActiveIT.Engine;

/// <summary>How <see cref="TrainingLoop"/> orders an epoch's examples.</summary>
public enum ExampleOrder
{
    /// <summary>A fresh seeded permutation of the examples each epoch.</summary>
    Shuffled,

    /// <summary>Each example's place follows a hash of its content salted by the seed and epoch: two runs of one seed
    /// that share examples (two strategies' rounds that share tasks) see those examples in the same relative order,
    /// so the difference between the runs comes from the examples that differ, not from a reshuffle of the common ones.</summary>
    ByContent,
}
