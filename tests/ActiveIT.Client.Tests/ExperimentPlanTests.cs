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

        // Round 0 trains every strategy like the baseline here: no spread, so no seed count is stated (nothing to test).
        var first = JsonDocument.Parse(CliRunner.Run($"experiment plan --csv {csv} --round 0 --json").Stdout).RootElement.GetProperty("plans")[0];
        Assert.Equal((0, 0.0), (first.GetProperty("round").GetInt32(), first.GetProperty("sd").GetDouble()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("seeds_needed").ValueKind);

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

    [Fact]
    public void Plan_CurveEndpoint_AndABaselineOfSeveralDraws_PairWhatTheyPromise()
    {
        // Three seeds, rounds 0-2: two draws of random (r1, r2) and one strategy (s), values chosen so each endpoint's
        // mean and spread can be worked out by hand.
        var rows = new (string Name, int Seed, double[] ByRound)[]
        {
            ("r1", 1, [10, 20, 30]), ("r2", 1, [10, 22, 34]), ("s", 1, [10, 25, 31]),
            ("r1", 2, [10, 18, 28]), ("r2", 2, [10, 20, 30]), ("s", 2, [10, 21, 33]),
            ("r1", 3, [10, 19, 26]), ("r2", 3, [10, 19, 30]), ("s", 3, [10, 17, 29]),
        };
        var text = new StringBuilder("experiment,strategy,seed,round,value\n");
        foreach (var (name, seed, values) in rows)
        {
            for (var round = 0; round < values.Length; round++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name},{(name == "s" ? "pu" : "random")},{seed},{round},{values[round]}\n");
            }
        }
        var csv = Path.Combine(_dir, "draws.csv");
        File.WriteAllText(csv, text.ToString());
        JsonElement Plan(string options)
        {
            var run = CliRunner.Run($"experiment plan --csv {csv} --seeds 5 --json {options}");
            Assert.True(run.ExitCode == 0, run.Stderr);
            return JsonDocument.Parse(run.Stdout).RootElement;
        }
        static double Sd(double[] d) => Math.Sqrt(d.Sum(x => Math.Pow(x - d.Average(), 2)) / (d.Length - 1));

        // Round 2 against r1 alone: s − r1 = 1, 5, 3.
        var alone = Plan("--baseline r1").GetProperty("plans").EnumerateArray().Single(p => p.GetProperty("experiment").GetString() == "s");
        Assert.Equal((2, 3.0), (alone.GetProperty("round").GetInt32(), alone.GetProperty("mean").GetDouble()));
        Assert.Equal(Sd([1, 5, 3]), alone.GetProperty("sd").GetDouble(), 9);

        // Against the mean of both draws (32, 29, 28): s − mean = −1, 4, 1; the draws themselves are not planned for.
        var both = Plan("--baseline r1,r2");
        var plans = both.GetProperty("plans").EnumerateArray().ToArray();
        Assert.Equal(["s"], plans.Select(p => p.GetProperty("experiment").GetString()));
        Assert.Equal("r1+r2", plans[0].GetProperty("baseline").GetString());
        Assert.Equal(4.0 / 3, plans[0].GetProperty("mean").GetDouble(), 9);
        Assert.Equal(Sd([-1, 4, 1]), plans[0].GetProperty("sd").GetDouble(), 9);

        // The curve's mean through round 2 (rounds 1 and 2), against the mean of both draws:
        // s: 28, 27, 23; draws: (25 + 28) / 2 = 26.5, (23 + 25) / 2 = 24, (22.5 + 24.5) / 2 = 23.5 → 1.5, 3, −0.5.
        var curve = Plan("--baseline r1,r2 --endpoint curve");
        Assert.Equal("curve", curve.GetProperty("endpoint").GetString());
        var c = curve.GetProperty("plans")[0];
        Assert.Equal((2, 3), (c.GetProperty("round").GetInt32(), c.GetProperty("pilot_seeds").GetInt32()));
        Assert.Equal(4.0 / 3, c.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(Sd([1.5, 3, -0.5]), c.GetProperty("sd").GetDouble(), 9);
        // Through round 1 the curve is round 1 itself.
        var first = Plan("--baseline r1,r2 --endpoint curve --round 1").GetProperty("plans")[0];
        Assert.Equal(Sd([4, 2, -2]), first.GetProperty("sd").GetDouble(), 9);

        var table = CliRunner.Run($"experiment plan --csv {csv} --baseline r1,r2 --endpoint curve");
        Assert.Contains("paired against r1+r2, each seed's mean over rounds 1..R", table.Stdout);
        Assert.Matches(@"experiment\s+rounds 1\.\.\s+pilot seeds", table.Stdout);
        Assert.Contains("--baseline 'r3' is not among", CliRunner.Run($"experiment plan --csv {csv} --baseline r1,r3").Stderr);
        Assert.Contains("names an experiment twice", CliRunner.Run($"experiment plan --csv {csv} --baseline r1,r1").Stderr);
        Assert.NotEqual(0, CliRunner.Run($"experiment plan --csv {csv} --endpoint auc").ExitCode);
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
