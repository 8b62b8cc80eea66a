using ActiveIT.Client.Local;
using ActiveIT.Engine;
using ActiveIT.Engine.Checkpoints;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Client.Tests;

/// <summary>
/// A Llama-family Hugging Face folder (the engine's tiny golden checkpoint, with its tokenizer.json) used as a user would
/// use a real one: `score` with it, and an experiment whose rounds train LoRA adapters on it.
/// </summary>
public sealed class LlamaExperimentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-llama-").FullName;
    private readonly string _base;

    public LlamaExperimentTests()
    {
        // A copy, so the test can show the base was not written to.
        _base = Path.Combine(_dir, "llama");
        Directory.CreateDirectory(_base);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama")))
        {
            File.Copy(file, Path.Combine(_base, Path.GetFileName(file)));
        }
    }

    private string Data => $"--data-dir {_dir}/data";

    private void Ok(string commandLine)
    {
        var (code, _, stderr) = CliRunner.Run(commandLine);
        Assert.True(code == 0, $"{commandLine}: {stderr}");
    }

    [Fact]
    public async Task Experiment_LoraRoundsOnALlamaFolder_SaveAdaptersInPeftLayout_RecordTheBase_AndLeaveTheBaseUntouched()
    {
        var baseVersion = CheckpointVersion.Of(_base);
        Ok($"pool generate --pool rewrite --rules 12 --instances 6 {Data}");
        Assert.Contains("training.adapter: adapters train on a base", CliRunner.Run($"experiment create bad --pool rewrite --adapter lora {Data}").Stderr);
        Ok($"experiment create lora --pool rewrite --strategy random --initial-tasks 3 --tasks-per-round 2 --rounds 1 --instances-per-task 4 " +
            $"--eval-tasks 2 --eval-instances 2 --eval-max-new-tokens 4 --context 64 --epochs 2 --batch-size 4 --warmup-steps 1 --lr 1e-2 --seeds 1 " +
            $"--base-checkpoint {_base} --adapter lora --lora-rank 4 --lora-alpha 8 --lora-targets q_proj,v_proj {Data}");
        var start = CliRunner.Run($"experiment start lora --threads 1 {Data}");
        Assert.True(start.ExitCode == 0, start.Stderr);
        Assert.Contains("seed 1 round 1: 5 tasks (+2)", start.Stdout);

        await using var local = await LocalCluster.ConnectAsync(Path.Combine(_dir, "data"));
        var experiment = (await new ExperimentService(local.Grains, Path.Combine(_dir, "data", "experiments")).GetAsync("lora"))!;
        Assert.Equal(RunStatus.Completed, experiment.Status);
        foreach (var round in experiment.Runs.Single().Rounds)
        {
            var training = round.Training!;
            var folder = Path.Combine(_dir, "data", "experiments", training.Checkpoint);
            Assert.EndsWith($"round-{round.Round}.adapter", training.Checkpoint);
            Assert.True(File.Exists(Path.Combine(folder, "adapter_config.json")) && File.Exists(Path.Combine(folder, "adapter_model.safetensors")));
            Assert.Equal((_base, baseVersion), (training.Base, training.BaseVersion));
            Assert.Equal(CheckpointVersion.Of(folder), training.ModelVersion);
            Assert.True(training.TokensPerSecond > 0 && training.Steps > 0);
            using var model = GptModel.Load(folder);  // the PEFT folder loads onto the base it names
            Assert.Equal((4, 8.0), (model.Adapter!.Rank, model.Adapter.Alpha));
            Assert.Equal(["q_proj", "v_proj"], model.Adapter!.Targets);
            Assert.NotNull(round.Evaluation);
        }
        Assert.Equal(baseVersion, CheckpointVersion.Of(_base));

        // The adapters score a pool like any checkpoint: `score --model` takes the adapter folder.
        var adapter = Path.Combine(_dir, "data", "experiments", experiment.Runs.Single().Rounds.Single(r => r.Round == 1).Training!.Checkpoint);
        var scored = CliRunner.Run($"score --pool rewrite --model {adapter} --instances 2 --perturbations 2 --max-new-tokens 4 --json {Data}");
        Assert.True(scored.ExitCode == 0, scored.Stderr);
        Assert.Equal(12, scored.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);  // a JSON line per task

        // Shown and merged on request: the merged checkpoint answers as the base with its adapters did.
        var shown = CliRunner.Run($"model show {adapter}");
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Contains("architecture  llama: 2 layers, width 32, 4 heads of 8, 2 key/value heads", shown.Stdout);
        Assert.Contains("adapters      LoRA r 4, alpha 8 on q_proj, v_proj", shown.Stdout);
        var merged = Path.Combine(_dir, "merged.safetensors");
        var merge = CliRunner.Run($"model merge {adapter} --out {merged}");
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        // float32 by name: the default is process-wide, and another class's CLI run may hold bf16 while this one loads.
        using var adapted = GptModel.Load(adapter, precision: Precision.Fp32);
        using var plain = GptModel.Load(merged, precision: Precision.Fp32);
        Assert.False(plain.HasAdapter);
        int[] row = [298, 5, 70, 260, 12, 40];
        var (a, b) = (adapted.NextLogits([row])[0], plain.NextLogits([row])[0]);
        Assert.All(Enumerable.Range(0, a.Length), v => Assert.Equal(a[v], b[v], 1e-4));
        Assert.Equal(adapted.Tokenizer.Encode("the cat sat"), plain.Tokenizer.Encode("the cat sat"));
        Assert.Contains("is not a LoRA adapter folder", CliRunner.Run($"model merge {_base} --out {merged}").Stderr);
    }

    [Fact]
    public void Experiment_ChatTemplatePrompts_RunOnTheBase_AndNeedOne()
    {
        Ok($"pool generate --pool rewrite --rules 8 --instances 4 {Data}");
        const string common = "--pool rewrite --strategy random --initial-tasks 2 --tasks-per-round 2 --rounds 1 --instances-per-task 3 --eval-tasks 2 " +
            "--eval-instances 2 --eval-max-new-tokens 4 --context 64 --epochs 1 --batch-size 4 --warmup-steps 1 --seeds 1 --chat-template";
        Assert.Contains("model.chat_template: the chat template is the base checkpoint's", CliRunner.Run($"experiment create c0 {common} {Data}").Stderr);
        Ok($"experiment create chat {common} --base-checkpoint {_base} {Data}");
        var start = CliRunner.Run($"experiment start chat --threads 1 {Data}");
        Assert.True(start.ExitCode == 0, start.Stderr);
        Assert.Contains("seed 1 round 1: 4 tasks (+2)", start.Stdout);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ActiveIT.Tests.Scratch.Delete(_dir);
    }
}
