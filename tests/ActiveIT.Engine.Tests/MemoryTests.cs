using System.Diagnostics;
using TorchSharp;

namespace ActiveIT.Engine.Tests;

/// <summary>Every tensor a call creates is disposed before it returns: long runs keep native memory flat.</summary>
[Collection(SerialCollection.Name)]  // measures the process's memory
public sealed class MemoryTests
{
    [Fact]
    public void ThousandTrainingSteps_LeaveNoTensorsAndFlatMemory()
    {
        using var model = GptModel.Create(Models.Tiny, seed: 1);
        using var trainer = model.CreateTrainer(TrainedModels.Config(1000));
        var batch = Models.Batch(TrainedModels.Pairs);
        var statistics = DisposeScopeManager.Statistics.TensorStatistics;
        long liveAfter100 = 0, rssAfter100 = 0;
        for (var i = 1; i <= 1000; i++)
        {
            trainer.Step(batch);
            if (i % 100 == 0)
            {
                _ = model.Score(batch);
                _ = model.Generate([[ByteTokenizer.Bos, 97]], new GenerationOptions(4, []));
            }
            if (i == 100)
            {
                liveAfter100 = statistics.ThreadTotalLiveCount;
                rssAfter100 = Rss();
            }
        }
        Assert.Equal(liveAfter100, statistics.ThreadTotalLiveCount);  // the tensors alive are the weights, grads and optimizer state
        var growth = Rss() - rssAfter100;
        Assert.True(growth < 64L << 20, $"resident memory grew by {growth >> 20} MiB over 900 steps");
    }

    /// <summary>Blocks below the 32 MiB mmap threshold stay in the heap when freed (that keeps training steps fast); between
    /// runs the engine hands them back, as the arena's long process needs (it held 5.9 GB after four experiments without).</summary>
    [Fact]
    public void FreedTensorMemory_StaysInTheHeap_UntilReleasedBetweenRuns()
    {
        // Earlier tests' tensors are finalized first, then their memory released: nothing is freed while this measures.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        EngineRuntime.ReleaseFreedMemory();
        var before = ResidentNow();
        var blocks = new List<torch.Tensor>();
        for (var i = 0; i < 256; i++)
        {
            blocks.Add(torch.ones(256 * 1024, dtype: torch.ScalarType.Float32));  // 1 MiB each, 256 MiB in all
        }
        var held = ResidentNow() - before;
        foreach (var b in blocks)
        {
            b.Dispose();
        }
        var kept = ResidentNow() - before;
        EngineRuntime.ReleaseFreedMemory();
        var released = ResidentNow() - before;
        Assert.True(held > 200L << 20, $"only {held >> 20} MiB resident while 256 MiB of blocks lived");
        Assert.True(kept > 150L << 20, $"freed blocks went back at once ({kept >> 20} MiB kept): the heap settings are not in force");
        Assert.True(released < 48L << 20, $"{released >> 20} MiB still resident after the release ({kept >> 20} MiB before it)");
    }

    private static long ResidentNow()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
