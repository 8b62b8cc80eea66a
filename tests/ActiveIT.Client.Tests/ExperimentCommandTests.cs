using ActiveIT.Core.Metrics;
using ActiveIT.Grains.Runs;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Xml.Linq;
using ActiveIT.Client.Experiments;
using ActiveIT.Client.Output;
using ActiveIT.Client.Local;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Runs;
using ActiveIT.Engine.Checkpoints;

namespace ActiveIT.Client.Tests;

public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-exp-cli-").FullName;

    private string Data => $"--data-dir {_dir}";

    private const string Tiny = "--pool rewrite --initial-tasks 4 --tasks-per-round 3 --rounds 2 --instances-per-task 4 --eval-tasks 3 --eval-instances 3 " +
        "--eval-max-new-tokens 8 --layers 1 --heads 2 --d-model 32 --context 192 --epochs 1 --batch-size 8 --warmup-steps 1 --score-instances 2 " +
        "--perturbations 2 --score-max-new-tokens 8 --seeds 1,2";

    private void Ok(string commandLine)
    {
        var (code, _, stderr) = CliRunner.Run(commandLine);
        Assert.True(code == 0, $"{commandLine}: {stderr}");
    }

    [Fact]
    public void Local_CreateStartStatusCompareResultsDelete()
    {
        Ok($"pool generate --pool rewrite --rules 20 --instances 6 {Data}");
        Ok($"experiment create rnd --strategy random {Tiny} {Data}");
        var created = CliRunner.Run($"experiment create pu --strategy prompt-uncertainty {Tiny} {Data}");
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Contains("scale deviation: scoring.max_new_tokens 8 (paper: 128): reference outputs capped shorter", created.Stdout);
        Assert.Contains("scale deviation: training.learning_rate 1e-3 (paper: 5e-5)", created.Stdout);

        var start = CliRunner.Run($"experiment start rnd --threads 2 {Data}");
        Assert.True(start.ExitCode == 0, start.Stderr);
        Assert.Contains("seed 2 round 2: 10 tasks (+3) · exact_match", start.Stdout);
        Assert.Matches(@"2\s+10\s+\d+\.\d\d ± \d+\.\d\d \(2\)", start.Stdout);  // the learning curve over both seeds
        var status = CliRunner.Run($"experiment status {Data}");
        Assert.Matches(@"pu\s+rewrite\s+prompt-uncertainty\s+created\s+2\s+0/6", status.Stdout);
        Assert.Matches(@"rnd\s+rewrite\s+random\s+completed\s+2\s+6/6", status.Stdout);
        Ok($"experiment start pu {Data}");

        var svg = Path.Combine(_dir, "curves.svg");
        var compare = CliRunner.Run($"experiment compare rnd pu --svg {svg} {Data}");
        Assert.Equal(0, compare.ExitCode);
        Assert.Matches(@"round\s+tasks\s+rnd\s+pu", compare.Stdout);
        Assert.Matches(@"\n\s*1\s+7\s+\d+\.\d\d ± \d+\.\d\d \(2\)\s+\d+\.\d\d ± \d+\.\d\d \(2\)", compare.Stdout);
        var plot = XDocument.Load(svg);
        Assert.Equal(6, plot.Descendants().Count(e => e.Name.LocalName == "circle"));  // 2 experiments × 3 rounds
        Assert.Contains(plot.Descendants().Select(e => e.Value), v => v == "pu");
        Assert.Contains("difference to rnd, paired by seed, with its 95 % t interval", compare.Stdout);
        var paired = JsonDocument.Parse(CliRunner.Run($"experiment compare rnd pu --json {Data}").Stdout).RootElement;
        Assert.Equal("rnd", paired.GetProperty("baseline").GetString());
        var overall = paired.GetProperty("paired").EnumerateArray().Where(r => r.GetProperty("category").GetString() == "(overall)").ToArray();
        Assert.Equal([0, 1, 2], overall.Select(r => r.GetProperty("round").GetInt32()));
        Assert.All(overall, r => Assert.Equal(2, r.GetProperty("seeds").GetInt32()));
        // Round 0 trains both strategies of a seed on the same initial tasks from the same base: no difference at all.
        Assert.Equal((0.0, 0.0, 0.0), (overall[0].GetProperty("mean").GetDouble(), overall[0].GetProperty("low").GetDouble(), overall[0].GetProperty("high").GetDouble()));
        Assert.All(overall.Skip(1), r => Assert.True(r.GetProperty("low").GetDouble() <= r.GetProperty("mean").GetDouble() && r.GetProperty("mean").GetDouble() <= r.GetProperty("high").GetDouble()));
        // Beside each interval, the difference these two seeds could detect at the spread they show.
        // (none where the differences do not spread: the JSON says NaN, the table "-")
        Assert.All(overall, r => Assert.Equal(PairedPower.MinimumDetectableDifference(r.GetProperty("sd").GetDouble(), 2),
            double.Parse(r.GetProperty("minimum_detectable").ToString(), System.Globalization.CultureInfo.InvariantCulture), 9));
        Assert.Matches(@"difference\s+95 % interval\s+sd\s+detectable", compare.Stdout);
        // and the arena's ranking of the same pairs: the baseline's row and pu's, at one round
        Assert.Matches(@"rank\s+strategy\s+round\s+seeds\s+gain\s+95 % interval\s+detectable\s+select s/round\s+train s/round", compare.Stdout);
        Assert.Matches(@"\d\s+random\s+2\s+2\s+0\.00\s+\(baseline\)", compare.Stdout);
        Assert.Equal(2, paired.GetProperty("ranking").GetArrayLength());
        var rankingSvg = Path.Combine(_dir, "ranking.svg");
        Assert.Equal(0, CliRunner.Run($"experiment compare rnd pu --ranking-svg {rankingSvg} {Data}").ExitCode);
        Assert.Equal(2, XDocument.Load(rankingSvg).Descendants().Count(e => e.Name.LocalName == "circle"));  // the baseline's row and pu's
        // The stored experiments as a pilot: the last round's spread and what it implies.
        var plan = CliRunner.Run($"experiment plan rnd pu --seeds 4 --json {Data}");
        Assert.True(plan.ExitCode == 0, plan.Stderr);
        var pilot = JsonDocument.Parse(plan.Stdout).RootElement.GetProperty("plans").EnumerateArray().Single();
        Assert.Equal(("pu", 2, 2), (pilot.GetProperty("experiment").GetString(), pilot.GetProperty("round").GetInt32(), pilot.GetProperty("pilot_seeds").GetInt32()));
        Assert.Equal(overall[2].GetProperty("sd").GetDouble(), pilot.GetProperty("sd").GetDouble(), 9);

        var csv = Path.Combine(_dir, "pu.csv");
        var json = Path.Combine(_dir, "pu.json");
        Ok($"experiment results pu --csv {csv} --json-out {json} {Data}");
        var rows = File.ReadAllLines(csv);
        Assert.Equal(7, rows.Length);
        Assert.StartsWith("experiment,pool,strategy,class_balance,seed,round,training_tasks", rows[0]);
        Assert.Contains("\"{\"\"name\"\":\"\"pu\"\"", rows[1]);  // the full config travels with every row
        var record = JsonSerializer.Deserialize<Experiment>(File.ReadAllText(json), Json.Options)!;
        Assert.Equal("prompt-uncertainty", record.Config.Strategy);
        // Every training and evaluation prompt is counted as it fitted the context.
        Assert.All(record.Runs.SelectMany(r => r.Rounds), r =>
        {
            Assert.Equal(r.Training!.Examples, r.Training.Prompts!.Prompts);
            Assert.Equal(r.Evaluation!.Instances + (r.Evaluation.UnseenCategories?.Instances ?? 0), r.Evaluation.Prompts!.Prompts);
            Assert.InRange(r.Training.Prompts.Cut, 0, r.Training.Prompts.Prompts);
        });
        Assert.Contains(record.Config.ScaleDeviations, d => (d.Field, d.Ours, d.Paper) == ("scoring.max_new_tokens", "8", "128"));
        Assert.Contains(record.Config.ScaleDeviations, d => (d.Field, d.Ours, d.Paper) == ("instances_per_task", "4", "200"));
        // The results file carries them with the config, the paper's value beside ours.
        var written = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("config").GetProperty("scale_deviations").EnumerateArray()
            .Single(d => d.GetProperty("field").GetString() == "training.epochs");
        Assert.Equal(("1", "8"), (written.GetProperty("ours").GetString(), written.GetProperty("paper").GetString()));
        Assert.Equal(RunEnvironment.Version, record.Sessions.Single().CodeVersion);
        Assert.All(record.Runs.SelectMany(r => r.Rounds).Where(r => r.Round > 0), r => Assert.NotNull(r.Selection.Selected[0].PromptUncertainty));

        Ok($"experiment delete rnd {Data}");
        Assert.DoesNotContain("rnd", CliRunner.Run($"experiment status {Data}").Stdout);
        Assert.False(Directory.Exists(Path.Combine(_dir, "experiments", "rnd")));
    }

    [Fact]
    public void IfdAndLongestResponse_RankByWhatTheyRecord()
    {
        Ok($"pool generate --pool rewrite --rules 20 --instances 6 {Data}");
        Ok($"experiment create ifd --strategy ifd {Tiny.Replace("--seeds 1,2", "--seeds 1")} {Data}");
        Ok($"experiment create long --strategy longest-response {Tiny.Replace("--seeds 1,2", "--seeds 1")} {Data}");
        Ok($"experiment start ifd --threads 2 {Data}");
        Ok($"experiment start long --threads 2 {Data}");
        Experiment Record(string name)
        {
            var json = Path.Combine(_dir, $"{name}.json");
            Ok($"experiment results {name} --json-out {json} {Data}");
            return JsonSerializer.Deserialize<Experiment>(File.ReadAllText(json), Json.Options)!;
        }
        var ifd = Record("ifd").Runs.Single().Rounds.Where(r => r.Round > 0).ToArray();
        Assert.Equal(2, ifd.Length);
        foreach (var round in ifd)
        {
            var picked = round.Selection.Selected;
            Assert.All(picked, t => Assert.True(t.Ifd > 0 && t.LabelLoss > 0, $"{t.TaskId}: ifd {t.Ifd}, label loss {t.LabelLoss}"));
            // Tasks whose instruction helps (IFD < 1) first, each part by descending IFD.
            Assert.Equal(picked.OrderBy(t => t.Ifd < 1 ? 0 : 1).ThenByDescending(t => t.Ifd).Select(t => t.TaskId), picked.Select(t => t.TaskId));
        }
        // Longest references first, with no model involved: each round's shortest pick is at least the next round's longest.
        var lengths = Record("long").Runs.Single().Rounds.Where(r => r.Round > 0).OrderBy(r => r.Round)
            .Select(r => r.Selection.Selected.Select(t => t.ResponseLength!.Value).ToArray()).ToArray();
        Assert.All(lengths, l => Assert.Equal(l.OrderDescending(), l));
        Assert.True(lengths[0].Min() >= lengths[1].Max(), $"{string.Join(",", lengths[0])} then {string.Join(",", lengths[1])}");
    }

    [Fact]
    public void BadInput_NamesTheFieldOrFile()
    {
        Ok($"pool generate --pool rewrite --rules 20 --instances 6 {Data}");
        var strategy = CliRunner.Run($"experiment create x {Tiny} --strategy loudest {Data}");
        Assert.Equal(2, strategy.ExitCode);
        Assert.Contains("strategy: 'loudest' is not one of", strategy.Stderr);
        var size = CliRunner.Run($"experiment create x {Tiny.Replace("--rounds 2", "--rounds 50")} {Data}");
        Assert.Contains("rounds: 4 initial + 50 rounds × 3 tasks = 154 tasks, but pool 'rewrite' has 17 candidates", size.Stderr);

        var config = Path.Combine(_dir, "config.json");
        File.WriteAllText(config, "{\n  \"pool\": \"rewrite\",\n  \"rounds\": \"many\"\n}");
        var file = CliRunner.Run($"experiment create x --config {config} {Data}");
        Assert.Equal(2, file.ExitCode);
        Assert.Contains($"{config}: at $.rounds (line 3)", file.Stderr);
        Assert.Equal(2, CliRunner.Run($"experiment start nope {Data}").ExitCode);

        // The paper preset sets the published sizes, which a 17-task pool cannot hold; an unknown preset is named.
        var paper = CliRunner.Run($"experiment create x --preset paper --pool rewrite {Data}");
        Assert.Equal(2, paper.ExitCode);
        Assert.Contains("rounds: 68 initial + 4 rounds × 68 tasks = 340 tasks, but pool 'rewrite' has 0 candidates after 119 held out and 68 dev", paper.Stderr);
        Assert.DoesNotContain("seeds", paper.Stderr);  // the preset's five seeds, kept when --seeds is absent
        Assert.Contains("--preset: 'tiny' is not one of paper", CliRunner.Run($"experiment create x --preset tiny {Data}").Stderr);

        var share = CliRunner.Run($"experiment create x {Tiny} --class-balance --class-share half {Data}");
        Assert.Equal(2, share.ExitCode);
        Assert.Contains("--class-share: 'half' is neither a share (0-1) nor 'pool'", share.Stderr);
        Assert.Contains("class_share: must be within 0-1", CliRunner.Run($"experiment create x {Tiny} --class-balance --class-share 1.5 {Data}").Stderr);
        var pool = CliRunner.Run($"experiment create y {Tiny} --class-balance --class-share pool --json {Data}");
        Assert.True(pool.ExitCode == 0, pool.Stderr);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(pool.Stdout).RootElement.GetProperty("config").GetProperty("class_share").ValueKind);
        var noSeeds = CliRunner.Run($"experiment create w {Tiny.Replace("--seeds 1,2", "")} --json {Data}");  // the default seed, not none
        Assert.True(noSeeds.ExitCode == 0, noSeeds.Stderr);
        Assert.Equal(1UL, JsonDocument.Parse(noSeeds.Stdout).RootElement.GetProperty("config").GetProperty("seeds").EnumerateArray().Single().GetUInt64());
        var paperShare = CliRunner.Run($"experiment create z {Tiny} --class-balance --json {Data}");
        Assert.Equal(0.356, JsonDocument.Parse(paperShare.Stdout).RootElement.GetProperty("config").GetProperty("class_share").GetDouble());
    }

    [Fact]
    public void FeatureStrategies_SelectTowardTheDevTasks_OrSpreadTheUncertainOnes_AndRecordWhatTheySaw()
    {
        Ok($"pool generate --pool fam --kind families --tasks 40 --instances 6 --families copy,reverse,contains {Data}");
        var common = Tiny.Replace("--pool rewrite", "--pool fam").Replace("--seeds 1,2", "--seeds 1");
        Assert.Contains("strategy: 'gradient-similarity' selects toward the dev tasks", CliRunner.Run($"experiment create g {common} --strategy gradient-similarity {Data}").Stderr);
        foreach (var strategy in new[] { "gradient-similarity", "hidden-similarity", "diverse-uncertainty" })
        {
            Ok($"experiment create {strategy} {common} --strategy {strategy} --dev-tasks 3 {Data}");
            Ok($"experiment start {strategy} --threads 2 {Data}");
        }
        Experiment Record(string name)
        {
            var json = Path.Combine(_dir, $"{name}.json");
            Ok($"experiment results {name} --json-out {json} {Data}");
            return JsonSerializer.Deserialize<Experiment>(File.ReadAllText(json), Json.Options)!;
        }
        foreach (var (strategy, similarity) in new (string, Func<SelectedTask, double?>)[] { ("gradient-similarity", t => t.GradientSimilarity), ("hidden-similarity", t => t.HiddenSimilarity) })
        {
            var rounds = Record(strategy).Runs.Single().Rounds.Where(r => r.Round > 0).ToArray();
            Assert.Equal(2, rounds.Length);
            foreach (var round in rounds)
            {
                var values = round.Selection.Selected.Select(t => similarity(t)!.Value).ToArray();
                Assert.All(values, v => Assert.InRange(v, -1, 1));
                Assert.Equal(values.OrderDescending(), values);  // most similar to the dev tasks first
                Assert.Contains("/features-v1:dims=2048,", round.Selection.ScoreKey);
            }
            Assert.True(rounds.SelectMany(r => r.Selection.Selected).Select(t => similarity(t)).Distinct().Count() > 1, $"{strategy}: every task alike");
        }
        var diverse = Record("diverse-uncertainty").Runs.Single().Rounds.Where(r => r.Round > 0).ToArray();
        Assert.All(diverse, r => Assert.All(r.Selection.Selected, t => Assert.NotNull(t.PromptUncertainty)));
        Assert.All(diverse, r => Assert.Equal(3, r.Selection.Selected.Count));
    }

    [Fact]
    public async Task EvalStratify_DrawsTheHeldOutTasksEvenlyOverFamilies_AndExampleOrderByContent_Trains()
    {
        Ok($"pool generate --pool fam --kind families --tasks 66 --instances 6 --families copy,reverse,contains {Data}");
        var common = Tiny.Replace("--pool rewrite", "--pool fam").Replace("--eval-tasks 3", "--eval-tasks 6");
        var created = CliRunner.Run($"experiment create even {common} --eval-stratify --example-order by-content --json {Data}");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var config = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("config");
        Assert.True(config.GetProperty("evaluation").GetProperty("stratify_by_category").GetBoolean());
        Assert.Equal("by-content", config.GetProperty("training").GetProperty("example_order").GetString());
        Ok($"experiment create again {common} --eval-stratify --example-order by-content {Data}");
        Ok($"experiment start even --threads 1 {Data}");
        Ok($"experiment start again --threads 1 {Data}");

        await using var local = await LocalCluster.ConnectAsync(_dir);
        var service = new ExperimentService(local.Grains, Path.Combine(_dir, "experiments"));
        var pools = new ActiveIT.Grains.Pools.PoolService(local.Grains);
        var even = (await service.GetAsync("even"))!;
        foreach (var run in even.Runs)
        {
            var families = new List<string>();
            foreach (var id in run.EvaluationTaskIds)
            {
                families.Add((await pools.GetTaskAsync("fam", id))!.Categories[0]);
            }
            Assert.Equal([2, 2, 2], families.GroupBy(f => f).Select(g => g.Count()));  // 6 tasks over 3 families, 2 each, in both seeds
        }
        // Ordered by content, training is as reproducible as shuffled: the same config gives the same weights.
        Assert.Equal(even.Runs.SelectMany(r => r.Rounds).Select(r => r.Training!.ModelVersion),
            (await service.GetAsync("again"))!.Runs.SelectMany(r => r.Rounds).Select(r => r.Training!.ModelVersion));
        Assert.Contains("training.example_order: 'sorted' is not one of shuffled, by-content",
            CliRunner.Run($"experiment create bad {common} --example-order sorted {Data}").Stderr);
    }

    [Fact]
    public async Task SelectionDraw_DrawsOtherTasks_OnTheSeedsOwnSplit_AndAveragesIntoOneBaseline()
    {
        Ok($"pool generate --pool rewrite --rules 20 --instances 6 {Data}");
        Ok($"experiment create d0 --strategy random {Tiny} {Data}");
        Ok($"experiment create d0again --strategy random --selection-draw 0 {Tiny} {Data}");
        var created = CliRunner.Run($"experiment create d1 --strategy random --selection-draw 1 {Tiny} --json {Data}");
        Assert.True(created.ExitCode == 0, created.Stderr);
        Assert.Equal(1, JsonDocument.Parse(created.Stdout).RootElement.GetProperty("config").GetProperty("selection_draw").GetInt32());
        Ok($"experiment create pu --strategy prompt-uncertainty {Tiny} {Data}");
        foreach (var name in new[] { "d0", "d0again", "d1", "pu" })
        {
            Ok($"experiment start {name} --threads 1 {Data}");
        }

        Experiment d0, d0again, d1;
        await using (var local = await LocalCluster.ConnectAsync(_dir))
        {
            var service = new ExperimentService(local.Grains, Path.Combine(_dir, "experiments"));
            (d0, d0again, d1) = ((await service.GetAsync("d0"))!, (await service.GetAsync("d0again"))!, (await service.GetAsync("d1"))!);
        }
        static string Picks(Experiment e, ulong seed, int round) =>
            string.Join(",", e.Runs.Single(r => r.Seed == seed).Rounds.Single(r => r.Round == round).Selection.Selected.Select(t => t.TaskId));
        foreach (var seed in new ulong[] { 1, 2 })
        {
            // The seed's split, initial tasks and evaluation are the draw's too; only the rounds' picks differ.
            Assert.Equal(d0.Runs.Single(r => r.Seed == seed).EvaluationTaskIds, d1.Runs.Single(r => r.Seed == seed).EvaluationTaskIds);
            Assert.Equal(Picks(d0, seed, 0), Picks(d1, seed, 0));
            Assert.Equal([Picks(d0, seed, 1), Picks(d0, seed, 2)], [Picks(d0again, seed, 1), Picks(d0again, seed, 2)]);  // draw 0 is the default
        }
        Assert.NotEqual(new[] { 1, 2 }.SelectMany(r => new[] { Picks(d0, 1, r), Picks(d0, 2, r) }),
            new[] { 1, 2 }.SelectMany(r => new[] { Picks(d1, 1, r), Picks(d1, 2, r) }));

        // Against both draws at once: the mean of their values per seed, and neither draw is compared with it.
        var compare = CliRunner.Run($"experiment compare d0 d1 pu --baseline d0,d1 --endpoint curve --json {Data}");
        Assert.True(compare.ExitCode == 0, compare.Stderr);
        var root = JsonDocument.Parse(compare.Stdout).RootElement;
        Assert.Equal(["d0", "d1"], root.GetProperty("baseline_members").EnumerateArray().Select(x => x.GetString()));
        var paired = root.GetProperty("paired").EnumerateArray().Where(r => r.GetProperty("category").GetString() == "(overall)").ToArray();
        Assert.All(paired, r => Assert.Equal("pu", r.GetProperty("experiment").GetString()));
        Assert.Equal([1, 2], paired.Select(r => r.GetProperty("round").GetInt32()));
        Experiment pu;
        await using (var local = await LocalCluster.ConnectAsync(_dir))
        {
            pu = (await new ExperimentService(local.Grains, Path.Combine(_dir, "experiments")).GetAsync("pu"))!;
        }
        static double Value(Experiment e, ulong seed, int round) => e.Runs.Single(r => r.Seed == seed).Rounds.Single(r => r.Round == round).Evaluation!.Value;
        var expected = new ulong[] { 1, 2 }.Average(seed =>
            (Value(pu, seed, 1) + Value(pu, seed, 2)) / 2 - (Value(d0, seed, 1) + Value(d0, seed, 2) + Value(d1, seed, 1) + Value(d1, seed, 2)) / 4);
        Assert.Equal(expected, paired[1].GetProperty("mean").GetDouble(), 9);
        var text = CliRunner.Run($"experiment compare d0 d1 pu --baseline d0,d1 --endpoint curve {Data}");
        Assert.Contains("difference to the mean of d0, d1, paired by seed (each seed's mean over rounds 1..R; R: the round column)", text.Stdout);
    }

    [Fact]
    public async Task KilledProcess_RestartResumesFromTheLastFinishedStep_ToTheUninterruptedResult()
    {
        Ok($"pool generate --pool rewrite --rules 20 --instances 6 {Data}");
        var slower = Tiny.Replace("--epochs 1", "--epochs 8").Replace("--seeds 1,2", "--seeds 1");
        Ok($"experiment create killed --strategy prompt-uncertainty {slower} {Data}");
        Ok($"experiment create whole --strategy prompt-uncertainty {slower} {Data}");

        using (var child = CliRunner.Start("experiment", "start", "killed", "--threads", "1", "--data-dir", _dir))
        {
            await using var local = await LocalCluster.ConnectAsync(_dir);  // this process as the data directory's second client
            var service = new ExperimentService(local.Grains, Path.Combine(_dir, "experiments"));
            await RunKiller.KillOnceRound1BeginsAsync(child, service, "killed");  // SIGKILL in round 1, or round 2 if round 1 (a fraction of a second) just ended
            var killed = (await service.GetAsync("killed"))!;
            Assert.Equal(RunStatus.Running, killed.Status);  // nobody said otherwise: the lease is left behind
            var rounds = killed.Runs.Single().Rounds;
            Assert.True(rounds.Count < 3 || rounds.Any(r => r.Evaluation is null), "the run was killed after its last round");
        }

        // Restarted as a user would: a fresh process with the same thread count (threads change float summation order).
        foreach (var name in new[] { "killed", "whole" })
        {
            using var run = CliRunner.Start("experiment", "start", name, "--threads", "1", "--data-dir", _dir);  // takes over the dead process's lease
            await run.WaitForExitAsync();
            Assert.Equal(0, run.ExitCode);
        }
        await using var reader = await LocalCluster.ConnectAsync(_dir);
        var experiments = new ExperimentService(reader.Grains, Path.Combine(_dir, "experiments"));
        static string[] Summary(Experiment e) => [.. e.Runs.Single().Rounds.OrderBy(r => r.Round)
            .Select(r => $"{string.Join(",", r.Selection.Selected.Select(s => s.TaskId))} {r.Training!.ModelVersion} {r.Evaluation!.Value}")];
        var resumed = (await experiments.GetAsync("killed"))!;
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(2, resumed.Sessions.Count);
        Assert.Equal(string.Join("\n", Summary((await experiments.GetAsync("whole"))!)), string.Join("\n", Summary(resumed)));
    }

    [Fact]
    public async Task PinnedPool_AKilledRunResumedAfterThePoolChanged_RecordsWhatAnUndisturbedRunDid()
    {
        Ok($"pool generate --pool rewrite --rules 20 --instances 6 {Data}");
        var slower = Tiny.Replace("--epochs 1", "--epochs 8").Replace("--seeds 1,2", "--seeds 1");
        Ok($"experiment create killed --strategy prompt-uncertainty {slower} {Data}");
        Ok($"experiment create whole --strategy prompt-uncertainty --pool rewrite@20 {slower.Replace("--pool rewrite ", "")} {Data}");
        using (var child = CliRunner.Start("experiment", "start", "killed", "--threads", "1", "--data-dir", _dir))
        {
            await using var local = await LocalCluster.ConnectAsync(_dir);
            var service = new ExperimentService(local.Grains, Path.Combine(_dir, "experiments"));
            await RunKiller.KillOnceRound1BeginsAsync(child, service, "killed");

            // Meanwhile the pool moves on: every task's instruction rewritten, and five new tasks.
            var pools = new ActiveIT.Grains.Pools.PoolService(local.Grains);
            var members = await pools.ListAsync("rewrite", 0, 100);
            var changed = new List<ActiveIT.Core.Tasks.InstructionTask>();
            foreach (var m in members)
            {
                var task = (await pools.GetTaskAsync("rewrite", m.TaskId))!;
                changed.Add(task with { Definition = "Do the opposite. " + task.Definition });
            }
            changed.AddRange(changed.Take(5).Select(t => t with { Id = t.Id + "-new" }));
            Assert.Equal(25L + 20, (await pools.ImportAsync("rewrite", changed, "meanwhile")).PoolVersion);
        }
        Ok($"experiment create later --strategy prompt-uncertainty {slower} {Data}");
        foreach (var name in new[] { "killed", "whole" })
        {
            using var run = CliRunner.Start("experiment", "start", name, "--threads", "1", "--data-dir", _dir);
            await run.WaitForExitAsync();
            Assert.Equal(0, run.ExitCode);
        }
        await using var reader = await LocalCluster.ConnectAsync(_dir);
        var experiments = new ExperimentService(reader.Grains, Path.Combine(_dir, "experiments"));
        static string[] Summary(Experiment e) => [.. e.Runs.Single().Rounds.OrderBy(r => r.Round)
            .Select(r => $"{string.Join(",", r.Selection.Selected.Select(s => $"{s.TaskId}:{s.PromptUncertainty}"))} {r.Training!.Examples} {r.Training.ModelVersion} {r.Evaluation!.Value}")];
        var killed = (await experiments.GetAsync("killed"))!;
        var whole = (await experiments.GetAsync("whole"))!;
        Assert.Equal(RunStatus.Completed, killed.Status);
        Assert.Equal(2, killed.Sessions.Count);
        Assert.Equal(new PoolPin("rewrite", 20, killed.Config.Pins.Single().Digest), killed.Config.Pins.Single());  // the head when it was created
        Assert.Equal(killed.Config.Pins, whole.Config.Pins);  // the same version asked for by number
        Assert.Equal(string.Join("\n", Summary(whole)), string.Join("\n", Summary(killed)));
        Assert.Equal(45, (await experiments.GetAsync("later"))!.Config.Pins.Single().Version);  // created after the change: the new head
        Assert.Contains("'x' is not a pool version", CliRunner.Run($"experiment create bad --pool rewrite@x {Data}").Stderr);
        Assert.Contains("has no version 99", CliRunner.Run($"experiment create bad --strategy random --pool rewrite@99 {slower.Replace("--pool rewrite ", "")} {Data}").Stderr);
    }

    [Fact]
    public void Demo_SmokeScale_PretrainsPerSeed_ComparesPairedBySeed_ChecksTheMap_AndResumes()
    {
        var run = CliRunner.Run($"demo --scale smoke --threads 2 --out {_dir}");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"round\s+tasks\s+smoke-random\s+smoke-prompt-uncertainty", run.Stdout);
        Assert.Contains("on tasks of the families held out whole (dedupe, palindrome)", run.Stdout);
        Assert.Matches(@"smoke-prompt-uncertainty\s+2\s+\(overall\)\s+2\s+[-+]?\d+\.\d\d\s+\[", run.Stdout);  // round 2, 2 seeds, an interval
        // Seed by seed, every strategy: after each seed the comparison is whole.
        Assert.Matches(@"smoke-random, seed 1:[\s\S]*smoke-prompt-uncertainty, seed 1:[\s\S]*smoke-random, seed 2:[\s\S]*smoke-prompt-uncertainty, seed 2:", run.Stderr);
        Assert.Contains("ranking: gain over smoke-random at the last round", run.Stdout);
        Assert.Matches(@"\d\s+random\s+2\s+2\s+0\.00\s+\(baseline\)\s+-\s+\d+\.\d\s+\d+\.\d", run.Stdout);
        // detectable: "-" where the two seeds' differences do not spread (the smoke model can answer everything alike)
        Assert.Matches(@"\d\s+prompt-uncertainty\s+2\s+2\s+[-+]?\d+\.\d\d\s+\[-?\d+\.\d\d, -?\d+\.\d\d\]\s+(±\d+\.\d\d|-)\s+\d+\.\d\s+\d+\.\d", run.Stdout);
        Assert.Equal(2, XDocument.Load(Path.Combine(_dir, "ranking.svg")).Descendants().Count(e => e.Name.LocalName == "circle"));
        Assert.Contains("ranking by the curve: each seed's mean over rounds 1..R (R: the round column) against smoke-random's", run.Stdout);
        Assert.Equal(2, XDocument.Load(Path.Combine(_dir, "ranking-curve.svg")).Descendants().Count(e => e.Name.LocalName == "circle"));
        Assert.Contains("task map under smoke-prompt-uncertainty seed 1's round-0 model", run.Stdout);
        Assert.Matches(@"ambiguous\s+\d+\s+Ambiguous", run.Stdout);
        Assert.Matches(@"noisy\s+label loss \(high first\)\s+\d+\s+\d+\s+\d+", run.Stdout);
        Assert.Equal(2, Regex.Matches(run.Stderr, @"base for seed \d: loss \d").Count);
        Assert.DoesNotContain("training dynamics", run.Stderr);  // off at this scale unless asked for (below)
        Assert.DoesNotContain("training confidence", run.Stdout);
        Assert.Equal(13, File.ReadAllLines(Path.Combine(_dir, "results.csv")).Length);  // 2 strategies × 2 seeds × 3 rounds
        using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "results.json"))))
        {
            var experiments = results.RootElement.GetProperty("experiments").Deserialize<Experiment[]>(Json.Options)!;
            Assert.Equal(2, experiments.Length);
            Assert.All(experiments.SelectMany(e => e.Runs).SelectMany(r => r.Rounds), r => Assert.Equal(3, r.Evaluation!.UnseenCategories!.Tasks));
            Assert.Equal(2, results.RootElement.GetProperty("pretraining").GetArrayLength());
            // Round 0 is the same work for both strategies of a seed: the second takes the first's model and records.
            var (random, pu) = (experiments.Single(e => e.Name == "smoke-random"), experiments.Single(e => e.Name == "smoke-prompt-uncertainty"));
            foreach (var seed in new ulong[] { 1, 2 })
            {
                var (mine, theirs) = (pu.Runs.Single(r => r.Seed == seed).Rounds[0], random.Runs.Single(r => r.Seed == seed).Rounds[0]);
                Assert.Equal("smoke-random", mine.Training!.SharedFrom);
                Assert.Null(theirs.Training!.SharedFrom);
                Assert.Equal(theirs.Training.ModelVersion, mine.Training.ModelVersion);
                Assert.Equal(JsonSerializer.Serialize(theirs.Evaluation), JsonSerializer.Serialize(mine.Evaluation));
                Assert.Equal(CheckpointVersion.Of(Path.Combine(_dir, "data", "experiments", mine.Training.Checkpoint)), mine.Training.ModelVersion);
                Assert.NotEqual(theirs.Training.ModelVersion, pu.Runs.Single(r => r.Seed == seed).Rounds[1].Training!.ModelVersion);
            }
            Assert.True(results.RootElement.GetProperty("map_check").GetProperty("rows").GetArrayLength() > 0);
            // Each axis also ranked on its own against the injected kinds, the label-aware one among them.
            var ranks = results.RootElement.GetProperty("map_check").GetProperty("ranks").EnumerateArray().ToArray();
            var noisy = ranks.Single(r => r.GetProperty("score").GetString() == "label loss (high first)" && r.GetProperty("injected").GetString() == "noisy");
            Assert.InRange(noisy.GetProperty("precision_at_half_recall").GetDouble(), 0, 1);
            Assert.True(noisy.GetProperty("head_at_half_recall").GetInt32() >= (noisy.GetProperty("injections").GetInt32() + 1) / 2);
        }
        var svg = XDocument.Load(Path.Combine(_dir, "curves.svg"));
        Assert.Equal(6, svg.Descendants().Count(e => e.Name.LocalName == "circle"));
        Assert.Equal(3, XDocument.Load(Path.Combine(_dir, "paired.svg")).Descendants().Count(e => e.Name.LocalName == "circle"));  // PU − random, rounds 0-2
        var width = double.Parse(svg.Root!.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        var legend = svg.Descendants().Where(e => e.Name.LocalName == "text" && e.Value == "smoke-prompt-uncertainty").Single();
        Assert.True(double.Parse(legend.Attribute("x")!.Value, System.Globalization.CultureInfo.InvariantCulture) + 7 * legend.Value.Length <= width);  // not clipped

        var again = CliRunner.Run($"demo --scale smoke --threads 2 --out {_dir}");  // cached bases, finished experiments are not redone
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(2, Regex.Matches(again.Stderr, @"base for seed \d: .*\(cached\)").Count);
        static string Tables(string stdout) => stdout[..stdout.TrimEnd().LastIndexOf('\n')];  // all but the wall-time line
        Assert.Equal(Tables(run.Stdout), Tables(again.Stdout));

        // A second pool draw beside the first, to check a result on another pool: its own pool and experiments, the same bases.
        var other = CliRunner.Run($"demo --scale smoke --threads 2 --pool-seed 3 --map-dynamics --out {_dir}");
        Assert.True(other.ExitCode == 0, other.Stderr);
        Assert.Contains("task map: training dynamics, seed 1's base trained on the", other.Stderr);
        Assert.Matches(@"noisy\s+training confidence \(low first\)\s+\d+", other.Stdout);
        Assert.Contains("pool (drawn from seed 3): 40 tasks", other.Stderr);
        Assert.Matches(@"round\s+tasks\s+smoke-pool3-random\s+smoke-pool3-prompt-uncertainty", other.Stdout);
        Assert.Contains("task map under smoke-pool3-prompt-uncertainty seed 1's round-0 model", other.Stdout);
        Assert.Equal(2, Regex.Matches(other.Stderr, @"base for seed \d: .*\(cached\)").Count);
        using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "results.json"))))
        {
            Assert.Equal(3UL, results.RootElement.GetProperty("pool_seed").GetUInt64());
            var pools = results.RootElement.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("config").GetProperty("pool").GetString()).Distinct();
            Assert.Equal(["smoke-families-pool3"], pools);
            // Another pool is another round 0: shared within this pool's strategies, never with the first pool's.
            var sharedFrom = results.RootElement.GetProperty("experiments").EnumerateArray().SelectMany(e => e.GetProperty("runs").EnumerateArray())
                .Select(r => r.GetProperty("rounds")[0].GetProperty("training").GetProperty("shared_from")).Where(x => x.ValueKind == JsonValueKind.String)
                .Select(x => x.GetString()).Distinct();
            Assert.Equal(["smoke-pool3-random"], sharedFrom);
        }
        Assert.Contains("--pool-seed: 0 is not a seed", CliRunner.Run($"demo --scale smoke --pool-seed 0 --out {_dir}").Stderr);
        Assert.Contains("the seed of scale 'arena''s evaluation pool", CliRunner.Run($"demo --scale arena --pool-seed 2 --out {_dir}/arena").Stderr);
    }

    [Fact]
    public void Demo_RecordsTheSeedsAllFinished_AndAnotherDataDirectoryRestoresThem_ThenGoesOnWithTheNext()
    {
        var first = CliRunner.Run($"demo --scale smoke --threads 2 --out {_dir}/a");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var records = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "a", DemoRecords.FileName)))!;
        Assert.Equal("[1,2]", records["seeds"]!.ToJsonString());
        Assert.Equal(2, records["experiments"]!.AsArray().Count);
        // As if the run had stopped during seed 2: the records of seed 1 alone.
        records["seeds"] = new System.Text.Json.Nodes.JsonArray(1);
        foreach (var e in records["experiments"]!.AsArray())
        {
            var runs = e!["runs"]!.AsArray();
            runs.Remove(runs.Single(r => r!["seed"]!.GetValue<ulong>() == 2));
        }
        var partial = Path.Combine(_dir, "seed1.json.gz");  // gzipped, as the arena's records are kept in git
        using (var gz = new System.IO.Compression.GZipStream(File.Create(partial), System.IO.Compression.CompressionLevel.Optimal))
        {
            gz.Write(System.Text.Encoding.UTF8.GetBytes(records.ToJsonString()));
        }

        // Another data directory, as on another machine: seed 1 is brought over, not run again; seed 2 runs there.
        var second = CliRunner.Run($"demo --scale smoke --threads 2 --restore {partial} --out {_dir}/b");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains($"smoke-random: restored seeds 1 from {partial}", second.Stderr);
        Experiment[] Experiments(string dir)
        {
            using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, dir, "results.json")));
            return results.RootElement.GetProperty("experiments").Deserialize<Experiment[]>(Json.Options)!;
        }
        var (a, b) = (Experiments("a"), Experiments("b"));
        foreach (var name in new[] { "smoke-random", "smoke-prompt-uncertainty" })
        {
            var (seed1A, seed1B) = (a.Single(e => e.Name == name).Runs.Single(r => r.Seed == 1), b.Single(e => e.Name == name).Runs.Single(r => r.Seed == 1));
            Assert.Equal(JsonSerializer.Serialize(seed1A, Json.Options), JsonSerializer.Serialize(seed1B, Json.Options));  // the record itself, training times included
            var seed2B = b.Single(e => e.Name == name).Runs.Single(r => r.Seed == 2);
            Assert.Equal(3, seed2B.Rounds.Count(r => r.Evaluation is not null));
            Assert.StartsWith(Path.Combine(_dir, "b", "data", "bases"), seed2B.Rounds[0].Training!.Base);  // trained here, from this directory's base
        }
        Assert.Matches(@"smoke-prompt-uncertainty\s+2\s+\(overall\)\s+2\s+[-+]?\d+\.\d\d\s+\[", second.Stdout);  // paired over both seeds

        // Records of another scale, or not records at all, are refused with the file named, and nothing is run.
        var other = CliRunner.Run($"demo --scale demo --threads 2 --restore {partial} --out {_dir}/c");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains($"--restore: {partial}: records of scale 'smoke' on pool seed 1, not of scale 'demo'", other.Stderr);
        File.WriteAllText(Path.Combine(_dir, "bad.json"), "{\n  \"scale\": \"smoke\",\n  \"seeds\": [1, \"x\"]\n}");
        var bad = CliRunner.Run($"demo --scale smoke --restore {_dir}/bad.json --out {_dir}/d");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"--restore: {_dir}/bad.json: line 3, $.seeds[1]", bad.Stderr);
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
