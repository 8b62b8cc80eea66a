using ActiveIT.Core;
using ActiveIT.Grains.Curriculum;

namespace ActiveIT.Grains.Tests;

/// <summary>The `paper` preset and the deviations every experiment records beside its results.</summary>
public sealed class PaperSettingTests
{
    private static readonly ExperimentConfig Defaults = new() { Name = "x", Pool = "p", Strategy = "prompt-uncertainty" };

    [Fact]
    public void PaperPreset_LeavesOnlyWhatNoConfigCanMatch()
    {
        var paper = PaperSetting.Apply(Defaults);
        Assert.Empty(paper.Validate());
        Assert.Equal(["model", "model_selection"], paper.ScaleDeviations.Select(d => d.Field));
        Assert.Equal((68, 68, 4, 200, 5), (paper.InitialTasks, paper.TasksPerRound, paper.Rounds, paper.InstancesPerTask, paper.Seeds.Count));
        Assert.Equal((8, 128, 5e-5, "constant"), (paper.Training.Epochs, paper.Training.BatchSize, paper.Training.LearningRate, paper.Training.Schedule));
        Assert.Equal((119, 100, 128), (paper.Evaluation.Tasks, paper.Evaluation.InstancesPerTask, paper.Evaluation.MaxNewTokens));
        Assert.Equal(("prompt-uncertainty", "p"), (paper.Strategy, paper.Pool));  // what the preset does not decide is kept
    }

    [Fact]
    public void Defaults_ListEveryScaledDownSetting_WithThePapersValueBesideOurs()
    {
        var deviations = (Defaults with { Scoring = Defaults.Scoring with { MaxNewTokens = 8, Instances = 4 } }).ScaleDeviations.ToDictionary(d => d.Field);
        Assert.Equal(("1e-3", "5e-5"), (deviations["training.learning_rate"].Ours, deviations["training.learning_rate"].Paper));
        Assert.Equal(("20", "200"), (deviations["instances_per_task"].Ours, deviations["instances_per_task"].Paper));
        Assert.Equal(("false", "true"), (deviations["class_balance"].Ours, deviations["class_balance"].Paper));
        Assert.Equal(("8", "128"), (deviations["scoring.max_new_tokens"].Ours, deviations["scoring.max_new_tokens"].Paper));
        Assert.Equal(("4", "10"), (deviations["scoring.instances"].Ours, deviations["scoring.instances"].Paper));
        Assert.False(deviations.ContainsKey("scoring.perturbations"));  // equal to the paper's: not a deviation
        Assert.Equal("training.learning_rate 1e-3 (paper: 5e-5): peak learning rate", deviations["training.learning_rate"].ToString());

        // Random selection never scores: its scorer settings are no deviation of the run.
        Assert.DoesNotContain((Defaults with { Strategy = "random", Scoring = Defaults.Scoring with { MaxNewTokens = 8 } }).ScaleDeviations,
            d => d.Field.StartsWith("scoring.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5e-5, "5e-5")]
    [InlineData(1e-3, "1e-3")]
    [InlineData(0.2, "0.2")]
    [InlineData(0.356, "0.356")]
    [InlineData(128, "128")]
    public void Numbers_AreWrittenAsTheDocsWriteThem(double value, string text) => Assert.Equal(text, ScaleDeviation.Format(value));
}
