using System.Text.Json;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Transfer;

namespace ActiveIT.Client.Tests;

/// <summary>`activeit transfer` embedded, end to end on the local engine: train, run, status, show, export, experiment, bad input.</summary>
public sealed class TransferCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-transfer-cmd-").FullName;

    [Fact]
    public void TrainThenRun_Local_WritesTheChosenTransfersToTheOutPool_AndTheReadsShowThem()
    {
        // A transfer model that learned one answer for the pool's own tasks (what `pool generate --seed 1` makes):
        // the CLI's plumbing is under test here, not what a tiny model generalises to.
        var pairs = Path.Combine(_dir, "pairs.jsonl");
        var sources = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 3, 6, seed: 1);
        File.WriteAllLines(pairs, sources.Select(t => JsonSerializer.Serialize(new { source = TaskText.Source(t), target = "Definition: Copy the input." })));
        var train = CliRunner.Run($"transfer train --pairs {pairs} --out {_dir}/t.safetensors --size tiny --context 320 --epochs 60 --batch-size 3 --lr 1e-2");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("trained on 3 pairs", train.Stdout);

        var common = $"--data-dir {_dir}/data";
        Assert.Equal(0, CliRunner.Run($"pool generate --rules 3 --instances 6 --pool src {common}").ExitCode);
        var run = CliRunner.Run($"transfer run --pool src --out-pool out --model {_dir}/t.safetensors --candidates 2 --temperature 0 --max-tokens 40 " +
                                $"--scorer {_dir}/t.safetensors --denoise-instances 3 {common} --json");
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var state = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal("completed", state.GetProperty("status").GetString());
        Assert.Equal(6, state.GetProperty("requests").GetInt64());
        var outcomes = state.GetProperty("outcomes").EnumerateObject().Select(o => o.Value).ToArray();
        Assert.Equal(3, outcomes.Length);
        Assert.All(outcomes, o => Assert.Equal("transferred", o.GetProperty("status").GetString()));

        var exported = Path.Combine(_dir, "niv2");
        Assert.Equal(0, CliRunner.Run($"pool export --pool out --out {exported} {common}").ExitCode);
        var files = Directory.GetFiles(exported);
        Assert.Equal(3, files.Length);
        foreach (var file in files)
        {
            var task = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
            Assert.Equal("Copy the input.", task.GetProperty("Definition")[0].GetString());
            var source = sources.Single(t => t.Id == Path.GetFileNameWithoutExtension(file));
            Assert.Equal(source.PositiveExamples.Select(e => e.Input),                 // the source's own examples
                task.GetProperty("Positive Examples").EnumerateArray().Select(e => e.GetProperty("input").GetString()));
            Assert.Equal(source.Instances.Select(i => i.Input),                        // every instance, inputs verbatim
                task.GetProperty("Instances").EnumerateArray().Select(i => i.GetProperty("input").GetString()));
        }

        // The source pool grows after the run began: the run pinned its version, so running it again reads the same three tasks.
        Assert.Equal(0, CliRunner.Run($"pool generate --rules 5 --instances 6 --pool src --seed 7 {common}").ExitCode);
        var again = CliRunner.Run($"transfer run --pool src --out-pool out --model {_dir}/t.safetensors --candidates 2 --temperature 0 --max-tokens 40 " +
                                  $"--scorer {_dir}/t.safetensors --denoise-instances 3 {common}");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("3 of 3 tasks transferred, 0 failed; 6 requests", again.Stdout);  // resumed from the cache: no new request

        var status = CliRunner.Run($"transfer status --out-pool out {common}");
        Assert.Contains("transfer of pool 'src' to niv2 → pool 'out': completed", status.Stdout);
        Assert.Equal(3L, JsonDocument.Parse(CliRunner.Run($"transfer status --out-pool out {common} --json").Stdout).RootElement
            .GetProperty("spec").GetProperty("source_version").GetInt64());
        var taskId = outcomes[0].GetProperty("task_id").GetString();
        var show = CliRunner.Run($"transfer show {taskId} --out-pool out {common}");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Single(show.Stdout.Split("[chosen]").Skip(1));
        Assert.Contains("Definition: Copy the input.", show.Stdout);
        var export = CliRunner.Run($"transfer export --out-pool out {common} --out {_dir}/transfers.jsonl");
        Assert.True(export.ExitCode == 0, export.Stderr);
        var lines = File.ReadAllLines(Path.Combine(_dir, "transfers.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal(2, l.GetProperty("state").GetProperty("candidates").GetArrayLength()));

        var other = CliRunner.Run($"transfer run --pool src --out-pool out --model {_dir}/t.safetensors --candidates 3 --no-denoise {common}");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("pool 'out' holds the transfer of pool 'src'", other.Stderr);
        Assert.Equal(2, CliRunner.Run($"transfer status --out-pool nothing-here {common}").ExitCode);
    }

    [Fact]
    public void Train_WithAPretrainedGptJBase_UsesAndRecordsAFineTuningLearningRate()
    {
        var pairs = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(pairs, [JsonSerializer.Serialize(new { source = "pattern: ab [SEP] replacement: ba", target = "Definition: Swap." }),
            JsonSerializer.Serialize(new { source = "pattern: c [SEP] replacement: d", target = "Definition: Replace." })]);
        var gptj = Path.Combine(AppContext.BaseDirectory, "Golden", "hf", "gptj-f32");  // a Hugging Face GPT-J folder (tiny, same layout as GPT-J-6B)

        var based = CliRunner.Run($"transfer train --pairs {pairs} --out {_dir}/ft.safetensors --base {gptj} --epochs 1 --batch-size 2");
        Assert.True(based.ExitCode == 0, based.Stderr);
        Assert.Contains("lr 1e-6", based.Stdout);
        using (var model = ActiveIT.Engine.GptModel.Load($"{_dir}/ft.safetensors"))
        {
            Assert.Equal("1e-6", model.GetMetadata("transfer_train_lr"));  // the paper's GPT-J rate, not the from-scratch 1e-3
            Assert.Equal(gptj, model.GetMetadata("transfer_train_base"));
        }

        var scratch = CliRunner.Run($"transfer train --pairs {pairs} --out {_dir}/new.safetensors --size tiny --context 64 --epochs 1 --batch-size 2");
        Assert.True(scratch.ExitCode == 0, scratch.Stderr);
        using (var model = ActiveIT.Engine.GptModel.Load($"{_dir}/new.safetensors"))
        {
            Assert.Equal("1e-3", model.GetMetadata("transfer_train_lr"));
            Assert.Equal("none", model.GetMetadata("transfer_train_base"));
        }
        // A base of ActiveIT's own is fine-tuned at a tenth of the from-scratch rate, and a given --lr always wins.
        var own = CliRunner.Run($"transfer train --pairs {pairs} --out {_dir}/own.safetensors --base {_dir}/new.safetensors --epochs 1 --batch-size 2");
        Assert.True(own.ExitCode == 0, own.Stderr);
        using (var model = ActiveIT.Engine.GptModel.Load($"{_dir}/own.safetensors"))
        {
            Assert.Equal("1e-4", model.GetMetadata("transfer_train_lr"));
        }
        var given = CliRunner.Run($"transfer train --pairs {pairs} --out {_dir}/given.safetensors --base {gptj} --epochs 1 --batch-size 2 --lr 5e-5");
        Assert.True(given.ExitCode == 0, given.Stderr);
        using (var model = ActiveIT.Engine.GptModel.Load($"{_dir}/given.safetensors"))
        {
            Assert.Equal("5e-5", model.GetMetadata("transfer_train_lr"));
        }
    }

    [Fact]
    public void Run_BadSeedPairs_NamesFileLineAndField_AndChangesNothing()
    {
        var pairs = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllLines(pairs, ["{\"source\": \"a\", \"target\": \"b\"}", "{\"source\": \"c\"}"]);
        var common = $"--data-dir {_dir}/data";
        Assert.Equal(0, CliRunner.Run($"pool generate --rules 2 --instances 3 --pool src {common}").ExitCode);
        var run = CliRunner.Run($"transfer run --pool src --out-pool out --backend http://127.0.0.1:9/v1 --model m --seed-pairs {pairs} --no-denoise {common}");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{pairs}:line 2", run.Stderr);
        Assert.Contains("target", run.Stderr);
        Assert.Equal(2, CliRunner.Run($"transfer status --out-pool out {common}").ExitCode);  // no run was recorded
    }

    [Fact]
    public void Experiment_TinyScale_WritesResultsWithEveryCondition()
    {
        var result = CliRunner.Run($"transfer experiment --scale tiny --seeds 1 --out {_dir}/exp --json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "exp", "results.json"))).RootElement;
        var seed = json.GetProperty("results")[0];
        Assert.Equal(4 * 3, seed.GetProperty("cases").GetArrayLength());  // held-out rules × source formats
        var conditions = seed.GetProperty("evals").EnumerateArray().Select(e => e.GetProperty("condition").GetString()).ToArray();
        Assert.Contains("niv2 (reference definition)", conditions);
        Assert.Contains("Flan transferred", conditions);
        Assert.Contains("mixed raw formats", conditions);
        Assert.Contains("unified (greedy transfers)", conditions);
        Assert.Contains("unified (denoised transfers)", conditions);
        Assert.All(seed.GetProperty("evals").EnumerateArray(), e => Assert.Equal(4 * 4, e.GetProperty("total").GetInt32()));
        Assert.Equal("tiny", json.GetProperty("scale").GetProperty("name").GetString());
        Assert.Equal(24 * 3 / 4, seed.GetProperty("training_cases").GetArrayLength());  // the non-NIV2 training rules, each unified greedy and denoised
        Assert.All(seed.GetProperty("cases").EnumerateArray(), c => Assert.Equal(3, c.GetProperty("candidates").GetInt32()));
        // The tiny preset's 3 candidates are recorded against the paper's 32, and so is the scorer.
        var deviations = json.GetProperty("scale_deviations").EnumerateArray().ToDictionary(d => d.GetProperty("field").GetString()!, d => d);
        Assert.Equal("3", deviations["candidates (held-out tasks)"].GetProperty("ours").GetString());
        Assert.Equal("32", deviations["candidates (held-out tasks)"].GetProperty("paper").GetString());
        Assert.Contains("GPT-J", deviations["scorer"].GetProperty("paper").GetString());
        Assert.Contains("Transfer accuracy on held-out rules", File.ReadAllText(Path.Combine(_dir, "exp", "summary.md")));

        // Run again into the same folder: the finished seed is kept, not retrained, and the sessions say who ran what.
        var again = CliRunner.Run($"transfer experiment --scale tiny --seeds 1 --out {_dir}/exp --json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("seed 1: kept from", again.Stderr);
        var resumed = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "exp", "results.json"))).RootElement;
        Assert.Equal(seed.GetRawText(), resumed.GetProperty("results")[0].GetRawText());
        var sessions = resumed.GetProperty("sessions").EnumerateArray().ToArray();
        Assert.Equal([1UL], sessions[0].GetProperty("seeds").EnumerateArray().Select(x => x.GetUInt64()));
        Assert.Empty(sessions[1].GetProperty("seeds").EnumerateArray());
        // Another scale's results are not overwritten.
        var other = CliRunner.Run($"transfer experiment --scale demo --seeds 1 --out {_dir}/exp");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds results of another scale", other.Stderr);
    }

    [Fact]
    public void Experiment_TinyScale_ScoresCandidatesWithAModelItNeverEvaluates_OnInstancesItNeverEvaluates()
    {
        var result = CliRunner.Run($"transfer experiment --scale tiny --seeds 1 --out {_dir}/exp");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var scoring = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "exp", "results.json"))).RootElement
            .GetProperty("results")[0].GetProperty("scoring");
        var scorer = scoring.GetProperty("scorer").GetString();
        var evaluated = scoring.GetProperty("evaluated_models").EnumerateArray().Select(m => m.GetString()).ToArray();
        Assert.Contains("niv2 task model", evaluated);
        Assert.DoesNotContain(scorer, evaluated);
        var scored = scoring.GetProperty("scored_instances").EnumerateArray().Select(i => i.GetString()).ToHashSet();
        var tested = scoring.GetProperty("evaluated_instances").EnumerateArray().Select(i => i.GetString()).ToHashSet();
        Assert.NotEmpty(scored);
        Assert.Equal(4 * 4, tested.Count);  // held-out rules × evaluation instances
        Assert.Empty(scored.Intersect(tested));
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
