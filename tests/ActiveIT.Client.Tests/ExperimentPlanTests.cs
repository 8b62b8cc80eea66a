using System.Globalization;
using System.Text;
using System.Text.Json;
using ActiveIT.Core.Metrics;
using ActiveIT.Testing;

namespace ActiveIT.Client.Tests;

/// <summary>`experiment plan` on simulated records whose paired spread is known, and on broken records.</summary>
public sealed class ExperimentPlanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-plan-").FullName;

    /// <summary>Records as `experiment compare --csv` writes them (its leading columns): per seed, a baseline value and,
    /// per strategy, the baseline plus a normal difference of the given mean and sd.</summary>
    private string Simulate(int seeds, params (string Name, double Mean, double Sd)[] strategies)
    {
        var random = new Random(7);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var text = new StringBuilder("experiment,pool,strategy,class_balance,seed,round,training_tasks,new_tasks,metric,value\n");
        for (var seed = 1; seed <= seeds; seed++)
        {
            foreach (var round in new[] { 0, 1 })
            {
                var baseline = 20 + 3 * Normal();
                text.Append(CultureInfo.InvariantCulture, $"base,p,random,false,{seed},{round},10,10,rouge_l,{baseline:R}\n");
                foreach (var (name, mean, sd) in strategies)
                {
                    var value = round == 0 ? baseline : baseline + mean + sd * Normal();
                    text.Append(CultureInfo.InvariantCulture, $"{name},p,{name},false,{seed},{round},10,10,rouge_l,{value:R}\n");
                }
            }
        }
        var path = Path.Combine(_dir, $"sim-{seeds}.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void Plan_FromSimulatedRecords_RecoversTheKnownSpread_AndTheSeedsItImplies()
    {
        var csv = Simulate(400, ("calm", 0.5, 2), ("noisy", 0, 6));
        var run = CliRunner.Run($"experiment plan --csv {csv} --seeds 5,10 --target 1 --json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var plans = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("plans").EnumerateArray().ToDictionary(p => p.GetProperty("experiment").GetString()!);
        foreach (var (name, sd) in new[] { ("calm", 2.0), ("noisy", 6.0) })
        {
            var p = plans[name];
            Assert.Equal(("base", 1, 400), (p.GetProperty("baseline").GetString(), p.GetProperty("round").GetInt32(), p.GetProperty("pilot_seeds").GetInt32()));
            var estimate = p.GetProperty("sd").GetDouble();
            Assert.InRange(estimate, 0.9 * sd, 1.1 * sd);  // the sd of a 400-seed estimate is 3.5 % of σ
            Assert.InRange(p.GetProperty("sd_upper").GetDouble(), estimate, 1.1 * estimate);
            Assert.Equal(PairedPower.MinimumDetectableDifference(estimate, 10), p.GetProperty("detectable_by_seeds").GetProperty("10").GetDouble(), 9);
            Assert.InRange(p.GetProperty("seeds_needed").GetInt32(), PairedPower.PairsNeeded(1, 0.9 * sd)!.Value, PairedPower.PairsNeeded(1, 1.1 * sd)!.Value);
        }
        // Known σ: 2 needs ~34 seeds for a difference of 1, 6 needs ~285.
        Assert.InRange(plans["calm"].GetProperty("seeds_needed").GetInt32(), 25, 45);
        Assert.InRange(plans["noisy"].GetProperty("seeds_needed").GetInt32(), 230, 350);

        // Round 0 trains every strategy like the baseline here: no spread, anything is detectable.
        var first = JsonDocument.Parse(CliRunner.Run($"experiment plan --csv {csv} --round 0 --json").Stdout).RootElement.GetProperty("plans")[0];
        Assert.Equal((0, 0.0), (first.GetProperty("round").GetInt32(), first.GetProperty("sd").GetDouble()));
        Assert.Equal(2, first.GetProperty("seeds_needed").GetInt32());

        var table = CliRunner.Run($"experiment plan --csv {csv} --seeds 5,10 --target 1");
        Assert.Matches(@"experiment\s+round\s+pilot seeds\s+difference\s+sd\s+sd ≤ \(95 %\)\s+detectable @5\s+detectable @10\s+seeds for 1\s+at sd bound", table.Stdout);
        Assert.Matches(@"\ncalm\s+1\s+400\s+\+0\.\d\d\s+[12]\.\d\d", table.Stdout);

        // A two-seed pilot estimates the spread loosely: its 95 % upper bound is ~16 times the estimate.
        var small = Simulate(2, ("calm", 0.5, 2));
        var pilot = JsonDocument.Parse(CliRunner.Run($"experiment plan --csv {small} --json").Stdout).RootElement.GetProperty("plans")[0];
        Assert.InRange(pilot.GetProperty("sd_upper").GetDouble() / pilot.GetProperty("sd").GetDouble(), 15.5, 16.5);
    }

    [Fact]
    public void Plan_BadRecordsOrOptions_AreNamedAndRefused()
    {
        var csv = Simulate(3, ("calm", 0.5, 2));
        var lines = File.ReadAllLines(csv);
        var broken = Path.Combine(_dir, "broken.csv");
        File.WriteAllLines(broken, [lines[0], lines[1], lines[2][..lines[2].LastIndexOf(',')] + ",abc"]);
        Assert.Contains($"{broken}:line 3: value: 'abc' is not a valid number", CliRunner.Run($"experiment plan --csv {broken}").Stderr);
        File.WriteAllLines(broken, [lines[0], lines[1], lines[1]]);
        Assert.Contains($"{broken}:line 3: experiment 'base' has seed 1 round 0 twice", CliRunner.Run($"experiment plan --csv {broken}").Stderr);
        File.WriteAllLines(broken, ["experiment,strategy,seed,round", "base,random,1,0"]);
        Assert.Contains($"{broken}:line 1: no 'value' column", CliRunner.Run($"experiment plan --csv {broken}").Stderr);
        Assert.Contains("name the pilot experiments, or give --csv", CliRunner.Run("experiment plan").Stderr);
        Assert.Contains("--round 7: no experiment has that round", CliRunner.Run($"experiment plan --csv {csv} --round 7").Stderr);
        Assert.Contains("--seeds: '1' is not a count of at least 2", CliRunner.Run($"experiment plan --csv {csv} --seeds 1").Stderr);
        Assert.Contains("--target: -1 is not a positive difference", CliRunner.Run($"experiment plan --csv {csv} --target -1").Stderr);
        Assert.Contains("--baseline 'nope' is not among", CliRunner.Run($"experiment plan --csv {csv} --baseline nope").Stderr);
        var missing = Path.Combine(_dir, "absent.csv");
        var absent = CliRunner.Run($"experiment plan --csv {missing}");
        Assert.NotEqual(0, absent.ExitCode);
        Assert.Contains(missing, absent.Stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
