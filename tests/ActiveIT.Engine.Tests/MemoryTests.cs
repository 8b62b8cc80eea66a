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

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.WorkingSet64;
    }
}
