using ActiveIT.Core.Curriculum;
using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class TaskFeaturesTests
{
    [Fact]
    public void MeanHidden_IsTheSameAloneOrBesideALongerRow_AndDiffersBetweenTexts()
    {
        using var model = Models.CreateTiny();
        int[] shortRow = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("abc")];
        int[] longRow = [ByteTokenizer.Bos, .. ByteTokenizer.Encode("a longer row")];
        var alone = TaskFeatures.MeanHidden(model, [shortRow])[0];
        var batched = TaskFeatures.MeanHidden(model, [longRow, shortRow]);
        Assert.Equal(Models.Tiny.DModel, alone.Length);
        Assert.All(alone.Zip(batched[1]), p => Assert.Equal(p.First, p.Second, 1e-5f));  // padding is left out of the mean
        Assert.True(FeatureVectors.Cosine(batched[0], batched[1]) < 0.9999);
    }

    [Fact]
    public void GradientSketch_KeepsTheGradientsNorm_LeavesTheWeights_AndIsFixedBySeed()
    {
        using var model = Models.CreateTiny();
        var batch = Models.Batch(("copy: abc", "abc"), ("copy: hello", "hello"));
        var before = model.Score(batch);
        // With far more coordinates than weights, a count sketch rarely folds two weights together: its norm is the gradient's.
        var sketch = TaskFeatures.GradientSketch(model, batch, dims: 1 << 22, seed: 3);
        Assert.Equal(before, model.Score(batch));  // weights untouched
        using var trainer = model.CreateTrainer(new TrainingConfig(LearningRate: 1e-3f, TotalSteps: 1, GradClip: 0));
        var norm = trainer.Step(batch).GradNorm;  // libtorch's total norm of the same gradient, before the update
        Assert.Equal(norm, Math.Sqrt(sketch.Sum(x => (double)x * x)), norm * 0.02);

        using var fresh = Models.CreateTiny();
        var small = TaskFeatures.GradientSketch(fresh, batch, dims: 512, seed: 3);
        Assert.Equal(small, TaskFeatures.GradientSketch(fresh, batch, dims: 512, seed: 3));
        Assert.NotEqual(small, TaskFeatures.GradientSketch(fresh, batch, dims: 512, seed: 4));
        // One example's gradient points more nearly the way of a batch holding it than of a batch without it.
        var with = TaskFeatures.GradientSketch(fresh, Models.Batch(("copy: abc", "abc")), 512, 3);
        var other = TaskFeatures.GradientSketch(fresh, Models.Batch(("reverse: xyz", "zyx")), 512, 3);
        Assert.True(FeatureVectors.Cosine(with, small) > FeatureVectors.Cosine(other, small));
    }

    [Fact]
    public void MeanDirection_WeighsEachVectorAlike()
    {
        var mean = FeatureVectors.MeanDirection([[10, 0], [0, 1]]);
        Assert.Equal([0.5f, 0.5f], mean);
        Assert.Equal(1.0, FeatureVectors.Cosine([1, 1], mean), 12);
        Assert.Equal(0.0, FeatureVectors.Cosine([0, 0], mean));
    }
}
