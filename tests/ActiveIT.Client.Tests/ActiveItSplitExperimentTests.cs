using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActiveIT.Client.Local;
using ActiveIT.Client.Output;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Grains.Runs;

namespace ActiveIT.Client.Tests;

/// <summary>Experiments on Active-IT's split layout: `experiment create --split-dir`, dev tasks and best-epoch selection.</summary>
public sealed class ActiveItSplitExperimentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-split-exp-").FullName;
    private readonly ActiveItLayout _layout;

    public ActiveItSplitExperimentTests() => _layout = new ActiveItLayout(Path.Combine(_dir, "published"));

    private string Data => $"--data-dir {_dir}/data";

    // Round 0 = train_tasks.txt (3), one round of 2 from remain_tasks.txt, a 1-layer byte model.
    private const string Tiny = "--pool niv2 --strategy random --class-balance --tasks-per-round 2 --rounds 1 --instances-per-task 6 --eval-instances 4 " +
        "--eval-max-new-tokens 8 --dev-instances 4 --layers 1 --heads 2 --d-model 32 --context 192 --batch-size 4 --warmup-steps 1 --seeds 1";

    private (int Code, string Stdout, string Stderr) Run(string args) => CliRunner.Run($"{args} {Data}");

    private void Ok(string args)
    {
        var (code, _, stderr) = Run(args);
        Assert.True(code == 0, $"{args}: {stderr}");
    }

    private JsonElement CreateJson(string args)
    {
        var created = Run($"experiment create {args} --json");
        Assert.True(created.Code == 0, created.Stderr);
        return JsonDocument.Parse(created.Stdout).RootElement.GetProperty("config");
    }

    private static string[] Strings(JsonElement list) => [.. list.EnumerateArray().Select(x => x.GetString()!)];

    [Fact]
    public void ExperimentCreate_SplitDir_ReadsEachListIntoItsField_AndThePaperPresetSelectsOnTheDevSplit()
    {
        Ok($"pool import {_layout.TasksDir} --metadata {_layout.Metadata} --pool niv2");
        var config = CreateJson($"a --split-dir {_layout.SplitDir} {Tiny}");
        Assert.Equal(_layout.Lines("test_tasks.txt"), Strings(config.GetProperty("evaluation").GetProperty("task_ids")));
        Assert.Equal(_layout.Lines("dev_tasks.txt"), Strings(config.GetProperty("evaluation").GetProperty("dev_task_ids")));
        Assert.Equal(_layout.Lines("train_tasks.txt"), Strings(config.GetProperty("initial_task_ids")));
        Assert.Equal(_layout.Lines("remain_tasks.txt"), Strings(config.GetProperty("candidate_task_ids")));
        Assert.False(config.GetProperty("training").GetProperty("select_best_epoch").GetBoolean());
        Assert.Contains(config.GetProperty("scale_deviations").EnumerateArray(), d => d.GetProperty("field").GetString() == "model_selection");

        // The paper preset with the split: first instances, best epoch on the split's dev tasks; sizes overridden to fit.
        var paper = CreateJson($"p --preset paper --split-dir {_layout.SplitDir} --tasks-per-round 2 --rounds 1 --pool niv2");
        Assert.Equal("first", paper.GetProperty("evaluation").GetProperty("instances").GetString());
        Assert.True(paper.GetProperty("training").GetProperty("select_best_epoch").GetBoolean());
        Assert.Equal(_layout.Lines("dev_tasks.txt"), Strings(paper.GetProperty("evaluation").GetProperty("dev_task_ids")));
        var deviations = paper.GetProperty("scale_deviations").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToArray();
        Assert.DoesNotContain("model_selection", deviations);
        Assert.DoesNotContain("evaluation.instances", deviations);
        Assert.Contains("evaluation.dev_tasks", deviations);  // 2 dev tasks, not 68

        // NIV2's own layout (no remain_tasks.txt): train_tasks.txt is the candidates, the initial tasks are drawn from it.
        var niv2 = Path.Combine(_dir, "niv2-default");
        Directory.CreateDirectory(niv2);
        File.Copy(_layout.Split("test_tasks.txt"), Path.Combine(niv2, "test_tasks.txt"));
        File.WriteAllLines(Path.Combine(niv2, "train_tasks.txt"), _layout.Names.Take(12));
        var plain = CreateJson($"n --split-dir {niv2} {Tiny} --initial-tasks 3");
        Assert.Equal(_layout.Names.Take(12), Strings(plain.GetProperty("candidate_task_ids")));
        Assert.Empty(Strings(plain.GetProperty("initial_task_ids")));

        // Errors name the folder's missing list, or the split file and line.
        File.Delete(Path.Combine(niv2, "test_tasks.txt"));
        Assert.Contains($"--split-dir {niv2}: no test_tasks.txt (the held-out tasks)", Run($"experiment create m --split-dir {niv2} {Tiny}").Stderr);
        File.WriteAllText(Path.Combine(niv2, "test_tasks.txt"), $"{_layout.Names[12]}\n{_layout.Names[13]}.json\n");
        Assert.Contains($"{Path.Combine(niv2, "test_tasks.txt")}:line 2: '{_layout.Names[13]}.json' is not a task name", Run($"experiment create m --split-dir {niv2} {Tiny}").Stderr);
        File.WriteAllText(Path.Combine(niv2, "test_tasks.txt"), "task555_not_in_the_pool\n");
        Assert.Contains("evaluation.task_ids: pool 'niv2' has no task 'task555_not_in_the_pool'", Run($"experiment create m --split-dir {niv2} {Tiny}").Stderr);
        Assert.Contains("training.select_best_epoch: needs dev tasks", Run($"experiment create m {Tiny} --select-best-epoch").Stderr);
    }

    [Fact]
    public async Task ExperimentStart_SelectBestEpoch_RecordsEveryEpochsDevScore_KeepsTheBest_AndAKilledRunResumesToTheSameResult()
    {
        Ok($"pool import {_layout.TasksDir} --metadata {_layout.Metadata} --pool niv2");
        // Three rounds, not Tiny's one: a killed run must still be running when round 1 shows up, and one tiny round can
        // end before the record is read again on a fast machine.
        var threeRounds = Tiny.Replace("--rounds 1", "--rounds 3");
        var selecting = $"--split-dir {_layout.SplitDir} {threeRounds} --epochs 6 --select-best-epoch --eval-instances-from first";
        Ok($"experiment create best {selecting}");
        Ok($"experiment create killed {selecting}");
        Ok($"experiment create last --split-dir {_layout.SplitDir} {threeRounds} --epochs 6 --eval-instances-from first");

        var start = Run("experiment start best --threads 1");
        Assert.True(start.Code == 0, start.Stderr);
        Assert.Matches(@"seed 1 round 1: 5 tasks \(\+2\) · rouge_l .* · dev rouge_l by epoch( \d+\.\d\d){6} → epoch [1-6]", start.Stdout);
        Ok("experiment start last --threads 1");

        await using (var local = await LocalCluster.ConnectAsync(Path.Combine(_dir, "data")))
        {
            var service = new ExperimentService(local.Grains, Path.Combine(_dir, "data", "experiments"));
            var best = (await service.GetAsync("best"))!.Runs.Single();
            var last = (await service.GetAsync("last"))!.Runs.Single();
            Assert.Equal(_layout.Lines("dev_tasks.txt"), best.DevTaskIds);
            Assert.Equal(_layout.Lines("test_tasks.txt"), best.EvaluationTaskIds);
            foreach (var round in best.Rounds)
            {
                var training = round.Training!;
                Assert.Equal(6, training.DevScores!.Count);
                Assert.Equal("rouge_l", training.DevMetric);
                // The chosen epoch is the first with the highest dev score.
                Assert.Equal(training.DevScores.ToList().IndexOf(training.DevScores.Max()) + 1, training.BestEpoch);
                // Its weights are the round's model: the last epoch's exactly when the last epoch won.
                var lastEpoch = last.Rounds.Single(x => x.Round == round.Round).Training!;
                Assert.Equal(training.BestEpoch == 6, training.ModelVersion == lastEpoch.ModelVersion);
                Assert.Null(lastEpoch.DevScores);
                Assert.Equal(8, round.Evaluation!.Instances);  // 2 test tasks × their first 4
            }
            // Round 1 draws from remain_tasks.txt only, and the metadata's flag decided every task's kind.
            Assert.All(best.Rounds.Single(r => r.Round == 1).Selection.Selected, s => Assert.Contains(s.TaskId, _layout.Lines("remain_tasks.txt")));
            Assert.All(best.Rounds.SelectMany(r => r.Selection.Selected), s => Assert.Equal("metadata", s.KindRule));
            Assert.All(best.Rounds.SelectMany(r => r.Selection.Selected), s => Assert.Equal(_layout.Classification.Contains(s.TaskId), s.Classification));
        }

        // Killed once round 1 has begun (in round 1, 2 or 3), restarted as a user would: the killed round is trained once
        // more from its start, not continued, so the dev scores, chosen epochs and weights are the uninterrupted run's.
        using (var child = CliRunner.Start("experiment", "start", "killed", "--threads", "1", "--data-dir", Path.Combine(_dir, "data")))
        {
            await using var local = await LocalCluster.ConnectAsync(Path.Combine(_dir, "data"));
            var service = new ExperimentService(local.Grains, Path.Combine(_dir, "data", "experiments"));
            await RunKiller.KillOnceRound1BeginsAsync(child, service, "killed");
            Assert.Equal(RunStatus.Running, (await service.GetAsync("killed"))!.Status);
        }
        var resumed = Run("experiment start killed --threads 1");
        Assert.True(resumed.Code == 0, resumed.Stderr);
        await using var reader = await LocalCluster.ConnectAsync(Path.Combine(_dir, "data"));
        var experiments = new ExperimentService(reader.Grains, Path.Combine(_dir, "data", "experiments"));
        static string[] Summary(Experiment e) => [.. e.Runs.Single().Rounds.OrderBy(r => r.Round).Select(r =>
            $"{string.Join(",", r.Selection.Selected.Select(s => s.TaskId))} {r.Training!.ModelVersion} {r.Training.Steps} " +
            $"{string.Join(" ", r.Training.DevScores!.Select(x => x.ToString(CultureInfo.InvariantCulture)))} {r.Training.BestEpoch} {r.Evaluation!.Value}")];
        var killed = (await experiments.GetAsync("killed"))!;
        Assert.Equal(RunStatus.Completed, killed.Status);
        Assert.Equal(2, killed.Sessions.Count);
        var expected = string.Join("\n", Summary((await experiments.GetAsync("best"))!));
        var actual = string.Join("\n", Summary(killed));
        Assert.True(expected == actual, $"the resumed run differs from the uninterrupted one:\nuninterrupted:\n{expected}\nresumed:\n{actual}");
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "data", "experiments", "killed"), "*.tmp", SearchOption.AllDirectories));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ActiveIT.Tests.Scratch.Delete(_dir);
    }
}
