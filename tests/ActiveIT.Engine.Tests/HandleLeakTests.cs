using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

/// <summary>Every model and trainer is counted gone: by Dispose, by the finalizer, and when creation fails.</summary>
[Collection(SerialCollection.Name)]  // counts process-wide objects: nothing else may create models meanwhile
public sealed class HandleLeakTests
{
    [Fact]
    public void DisposedAndFailedObjects_LeaveNoLiveNativeHandles()
    {
        using var dir = new TempDirectory();
        using (var saved = Models.CreateTiny())
        {
            saved.Save(dir.File("m.safetensors"));
        }
        var baseline = EngineRuntime.LiveObjects;
        for (var i = 0; i < 50; i++)
        {
            using var model = i % 2 == 0 ? Models.CreateTiny((ulong)i) : GptModel.Load(dir.File("m.safetensors"));
            using var trainer = model.CreateTrainer(TrainedModels.Config(1));
            Assert.Equal((baseline.Models + 1, baseline.Trainers + 1), EngineRuntime.LiveObjects);
            Assert.Throws<EngineException>(() => model.CreateTrainer(new TrainingConfig(LearningRate: -1)));
            Assert.Throws<EngineException>(() => GptModel.Create(Models.Tiny with { Heads = 5 }, 1));
            Assert.Throws<EngineException>(() => GptModel.Load(dir.File("absent.safetensors")));
        }
        Assert.Equal(baseline, EngineRuntime.LiveObjects);
    }

    [Fact]
    public void UndisposedObjects_AreFreedByTheirFinalizers()
    {
        var baseline = EngineRuntime.LiveObjects;
        CreateAndDrop(20);
        for (var i = 0; i < 10 && EngineRuntime.LiveObjects != baseline; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal(baseline, EngineRuntime.LiveObjects);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void CreateAndDrop(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var model = Models.CreateTiny((ulong)i);
            model.CreateTrainer(TrainedModels.Config(1));
        }
    }
}
