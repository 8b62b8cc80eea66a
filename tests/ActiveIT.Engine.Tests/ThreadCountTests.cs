using static TorchSharp.torch;

namespace ActiveIT.Engine.Tests;

/// <summary>A model call runs with the thread count last set, on a thread that already ran ops under another count.</summary>
[Collection(SerialCollection.Name)]  // changes libtorch's process-wide thread count
public sealed class ThreadCountTests
{
    [Fact]
    public void AModelCall_OnAThreadThatRanOpsUnderAnEarlierCount_UsesTheCountSetSince()
    {
        using var model = Models.CreateTiny();
        using var earlierDone = new ManualResetEventSlim();
        using var countChanged = new ManualResetEventSlim();
        var (before, untouched, after) = (0, 0, 0);
        var worker = new Thread(() =>
        {
            EngineRuntime.SetThreads(3);
            model.Score(Models.Batch(("ab", "c")));  // this thread now keeps 3 in libtorch unless told otherwise
            before = get_num_threads();
            earlierDone.Set();
            countChanged.Wait();
            untouched = get_num_threads();  // what libtorch alone would use here
            model.Score(Models.Batch(("ab", "c")));
            after = get_num_threads();
        });
        try
        {
            worker.Start();
            earlierDone.Wait();
            EngineRuntime.SetThreads(1);  // from another thread, as a command sets it on whichever thread runs it
            countChanged.Set();
            worker.Join();
            Assert.Equal(3, before);
            Assert.Equal(3, untouched);
            Assert.Equal(1, after);
            Assert.Equal(1, EngineRuntime.Info.Threads);
        }
        finally
        {
            EngineRuntime.SetThreads(Environment.ProcessorCount);
        }
    }
}
