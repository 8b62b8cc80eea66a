using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class ExampleOrderTests
{
    private static TokenPair Pair(int i) => new([1, i, 2], [i + 100, 3]);

    /// <summary>The order in which an epoch visits <paramref name="examples"/>, as their first prompt token.</summary>
    private static int[][] Epochs(TokenPair[] examples, ExampleOrder order, int epochs, ulong seed = 7) =>
        [.. TrainingLoop.EpochOrders(examples, seed, order).Take(epochs).Select(e => e.Select(i => examples[i].Prompt[1]).ToArray())];

    [Fact]
    public void ByContent_TwoRunsKeepTheirSharedExamplesInOneRelativeOrder_EveryEpoch()
    {
        // Two rounds of one seed: examples 0-19 in both, each with 20 others (as two strategies sharing their initial tasks).
        var a = Enumerable.Range(0, 40).Select(Pair).ToArray();
        var b = Enumerable.Range(0, 20).Concat(Enumerable.Range(500, 20)).Reverse().Select(Pair).ToArray();
        var shared = Enumerable.Range(0, 20).ToHashSet();
        var byContentA = Epochs(a, ExampleOrder.ByContent, 3);
        var byContentB = Epochs(b, ExampleOrder.ByContent, 3);
        var shuffledA = Epochs(a, ExampleOrder.Shuffled, 3);
        var shuffledB = Epochs(b, ExampleOrder.Shuffled, 3);
        for (var epoch = 0; epoch < 3; epoch++)
        {
            Assert.Equal(byContentA[epoch].Where(shared.Contains), byContentB[epoch].Where(shared.Contains));
            Assert.NotEqual(shuffledA[epoch].Where(shared.Contains), shuffledB[epoch].Where(shared.Contains));
            Assert.Equal(Enumerable.Range(0, 40), byContentA[epoch].Order());  // a permutation
        }
        Assert.NotEqual(byContentA[0], byContentA[1]);  // reshuffled each epoch
        Assert.NotEqual(byContentA[0], Enumerable.Range(0, 40));
        Assert.NotEqual(byContentA[0], Epochs(a, ExampleOrder.ByContent, 1, seed: 8)[0]);  // and by the seed
    }

    [Fact]
    public void Shuffled_IsTheOrderTrainingAlwaysUsed()
    {
        // The loop before example orders existed: one seeded permutation, reshuffled in place each epoch.
        var examples = Enumerable.Range(0, 25).Select(Pair).ToArray();
        var random = Core.SeededRandom.For(7, "batch-order");
        var order = Enumerable.Range(0, 25).ToArray();
        foreach (var epoch in Epochs(examples, ExampleOrder.Shuffled, 3))
        {
            random.Shuffle(order);
            Assert.Equal(order, epoch);
        }
    }
}
