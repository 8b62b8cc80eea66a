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
        Assert.Equal(["model"], paper.ScaleDeviations.Select(d => d.Field));
        Assert.Equal((68, 68, 4, 200, 5), (paper.InitialTasks, paper.TasksPerRound, paper.Rounds, paper.InstancesPerTask, paper.Seeds.Count));
        Assert.Equal((8, 128, 5e-5, "constant"), (paper.Training.Epochs, paper.Training.BatchSize, paper.Training.LearningRate, paper.Training.Schedule));
        Assert.Equal((119, 100, 128), (paper.Evaluation.Tasks, paper.Evaluation.InstancesPerTask, paper.Evaluation.MaxNewTokens));
        // Active-IT scores each test task's first 100 instances and keeps the best epoch on 68 dev tasks × 100 instances.
        Assert.Equal(("first", true, 68, 100), (paper.Evaluation.Instances, paper.Training.SelectBestEpoch, paper.Evaluation.DevTasks, paper.Evaluation.DevInstancesPerTask));
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

    [Fact]
    public void ModelSelection_IsADeviationUntilBestEpochSelectionIsOnWithDevTasks()
    {
        Assert.Contains(Defaults.ScaleDeviations, d => (d.Field, d.Ours, d.Paper) == ("model_selection", "the last epoch's model", "the best epoch by ROUGE-L on 68 dev tasks"));
        var selecting = Defaults with
        {
            Evaluation = Defaults.Evaluation with { DevTaskIds = ["d1", "d2"] }, Training = Defaults.Training with { SelectBestEpoch = true },
        };
        Assert.Empty(selecting.Validate());
        var deviations = selecting.ScaleDeviations.ToDictionary(d => d.Field);
        Assert.False(deviations.ContainsKey("model_selection"));
        Assert.Equal(("2", "68"), (deviations["evaluation.dev_tasks"].Ours, deviations["evaluation.dev_tasks"].Paper));
        Assert.Equal(("20", "100"), (deviations["evaluation.dev_instances_per_task"].Ours, deviations["evaluation.dev_instances_per_task"].Paper));
        Assert.Equal(("sampled", "first"), (deviations["evaluation.instances"].Ours, deviations["evaluation.instances"].Paper));

        // Named dev tasks (a split read with --split-dir) survive the preset; it draws 68 only where none are named.
        var paper = PaperSetting.Apply(selecting);
        Assert.Equal(["d1", "d2"], paper.Evaluation.DevTaskIds);
        Assert.Contains(paper.ScaleDeviations, d => d.Field == "evaluation.dev_tasks");
    }

    [Fact]
    public void Validate_BestEpochWithoutDevTasks_AndDevTasksThatAreAlsoTestTasks_AreNamed()
    {
        var errors = (Defaults with { Training = Defaults.Training with { SelectBestEpoch = true } }).Validate();
        Assert.Contains("training.select_best_epoch: needs dev tasks to select on: set evaluation.dev_task_ids or evaluation.dev_tasks", errors);
        var overlap = (Defaults with { Evaluation = Defaults.Evaluation with { TaskIds = ["t1"], DevTaskIds = ["t1"], Instances = "last" } }).Validate();
        Assert.Contains("evaluation.dev_task_ids: 't1' is also a held-out test task (evaluation.task_ids)", overlap);
        Assert.Contains("evaluation.instances: 'last' is not one of first, sampled", overlap);
    }

    [Theory]
    [InlineData(5e-5, "5e-5")]
    [InlineData(1e-3, "1e-3")]
    [InlineData(0.2, "0.2")]
    [InlineData(0.356, "0.356")]
    [InlineData(128, "128")]
    public void Numbers_AreWrittenAsTheDocsWriteThem(double value, string text) => Assert.Equal(text, ScaleDeviation.Format(value));
}
