using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace ActiveIT.Client.Tests;

public sealed class DiversityCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-cli-").FullName;

    // A few seconds: two instruction counts, two seeds, a one-layer model, one epoch.
    private string Small => $"--instructions 2,8 --seeds 1,2 --budget 64 --epochs 1 --batch-size 16 --test-rules 8 --test-examples 20 " +
                            $"--layers 1 --heads 2 --d-model 32 --threads 2 --out {_dir}";

    [Fact]
    public void Diversity_WritesTableCsvRunJsonAndSvg()
    {
        var (code, stdout, stderr) = CliRunner.Run($"diversity {Small}");
        Assert.True(code == 0, stderr);
        Assert.Contains("scale 'demo'", stdout);
        Assert.Contains("unseen mean", stdout);

        var rows = File.ReadAllLines(Path.Combine(_dir, "results.csv"));
        Assert.Equal(5, rows.Length);
        Assert.StartsWith("instructions,alpha,effective_instructions,perplexity_instructions,unseen_pattern_seen,unseen_either_seen," +
                          "examples_per_instruction,seed,unseen_acc", rows[0]);
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Split(',');
            Assert.InRange(double.Parse(cells[8], CultureInfo.InvariantCulture), 0, 1);
            Assert.Equal("20", cells[15]);
            Assert.Equal(cells[0], cells[2]);  // uniform: every rule gets examples
        }

        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "run.json")));
        var config = run.RootElement.GetProperty("config");
        Assert.Equal(64, config.GetProperty("example_budget").GetInt32());
        Assert.Equal(32, config.GetProperty("model").GetProperty("d_model").GetInt32());
        Assert.Equal(4, config.GetProperty("training").GetProperty("total_steps").GetInt32());  // 64 examples / batch 16 × 1 epoch
        Assert.Equal([1UL, 2UL], config.GetProperty("seeds").EnumerateArray().Select(e => e.GetUInt64()));
        var environment = run.RootElement.GetProperty("environment");
        Assert.False(string.IsNullOrEmpty(environment.GetProperty("code_version").GetString()));
        Assert.StartsWith("2.10", environment.GetProperty("torch_version").GetString());  // TorchSharp-cpu 0.107's libtorch
        Assert.Equal("fp32", environment.GetProperty("precision").GetString());
        Assert.Equal(4, run.RootElement.GetProperty("results").GetArrayLength());
        Assert.Equal(2, run.RootElement.GetProperty("summary").GetArrayLength());
        Assert.True(run.RootElement.GetProperty("total_seconds").GetDouble() > 0);
        Assert.Equal(1, run.RootElement.GetProperty("steps").GetArrayLength());  // 2 → 8, paired over both seeds
        Assert.Equal(2, run.RootElement.GetProperty("steps")[0].GetProperty("pairs").GetInt32());

        // One epoch of a one-layer model cannot reach 0.95 on seen rules at the top count: the run says so.
        var convergence = run.RootElement.GetProperty("convergence").EnumerateArray().Single();
        Assert.Equal(8, convergence.GetProperty("largest_count").GetInt32());
        Assert.False(convergence.GetProperty("converged").GetBoolean());
        Assert.Contains("UNCONVERGED (α 1.000): seen-rule accuracy", stdout);
        Assert.Contains("steps of the unseen-rule curve", stdout);

        var svg = XDocument.Load(Path.Combine(_dir, "accuracy.svg"));
        Assert.Equal(4, svg.Descendants().Count(e => e.Name.LocalName == "circle"));
    }

    [Fact]
    public void Diversity_SameSeedsReproduceResults()
    {
        CliRunner.Run($"diversity {Small} --seeds 3");
        var first = File.ReadAllLines(Path.Combine(_dir, "results.csv")).Select(r => string.Join(',', r.Split(',')[..18])).ToArray();
        CliRunner.Run($"diversity {Small} --seeds 3");
        var second = File.ReadAllLines(Path.Combine(_dir, "results.csv")).Select(r => string.Join(',', r.Split(',')[..18])).ToArray();
        Assert.Equal(first, second);
    }

    [Fact]
    public void Diversity_JsonPrintsOneObjectPerModel()
    {
        var (code, stdout, _) = CliRunner.Run($"diversity {Small} --json");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("unseen", out _)));
    }

    [Fact]
    public void Presets_SampleTheTransitionWithoutNoOps()
    {
        var command = new Commands.DiversityCommand();
        Grains.Diversity.DiversityConfig Preset(string args) => command.BuildConfig(command.Parse($"{args}"));
        foreach (var scale in new[] { "demo", "small" })
        {
            var config = Preset($"--scale {scale}");
            Assert.Equal(0, config.Generator.NoOpShare);
            var counts = config.InstructionCounts;
            for (var n = 16; n <= 1024; n *= 2)
            {
                Assert.Contains(n, counts);
            }
            config.Validate();
        }
        var paper = Preset("--scale paper");
        Assert.Equal(0, paper.Generator.NoOpShare);
        Assert.Equal("fixed 20", paper.Generator.PatternLengthReading);
        Assert.Equal([10, 20, 50, 100, 200, 300, 400, 500, 600, 1000, 2000, 2500, 5000, 10_000, 100_000, 1_000_000], paper.InstructionCounts);
        Assert.Equal("range 1..20", Preset("--scale paper --min-pattern 1").Generator.PatternLengthReading);
        var skew = Preset("--scale skew");
        Assert.Equal(ActiveIT.Core.Rewriting.InstructionFrequency.PowerLawIndex, skew.Frequency);
        Assert.Equal([1, 0.5, 0.2, 0.1], skew.Alphas);
        Assert.Equal(0.1, Preset("--scale demo --no-op-share 0.1").Generator.NoOpShare);  // no-ops stay a variant
        Assert.Equal(ActiveIT.Core.Rewriting.UnseenSplit.Strings, Preset("--scale small --shape mirrored --max-pattern 6 --input-length 16").Unseen);
    }

    [Fact]
    public void Diversity_AlphaSweepAndStrictSplit_AreRecordedPerModel()
    {
        var (code, stdout, stderr) = CliRunner.Run(
            $"diversity {Small.Replace("--seeds 1,2", "--seeds 1")} --frequency power-law-index --alpha 1,0.1 --unseen strings --alphabet 10");
        Assert.True(code == 0, stderr);
        Assert.Contains("unseen = new patterns and replacements", stdout);
        var rows = File.ReadAllLines(Path.Combine(_dir, "results.csv")).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(["1", "1", "0.1", "0.1"], rows.Select(r => r[1]));
        Assert.All(rows, r => Assert.Equal("0", r[5]));  // no unseen rule shares x or y with training
        var effective = rows.Select(r => int.Parse(r[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(effective[3] < 8, $"α 0.1 trains fewer than all 8 rules ({effective[3]})");
        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "run.json")));
        Assert.Equal(2, run.RootElement.GetProperty("convergence").GetArrayLength());  // one check per α
    }

    [Fact]
    public void Diversity_UnseenAccuracyByLengthClass_IsInCsvRunJsonJsonLinesAndTable()
    {
        var (code, stdout, stderr) = CliRunner.Run($"diversity {Small} --unseen strings");
        Assert.True(code == 0, stderr);
        Assert.Contains("unseen-rule accuracy by length class", stdout);
        Assert.Contains("95% interval", stdout);

        var lines = File.ReadAllLines(Path.Combine(_dir, "results.csv"));
        var header = lines[0].Split(',');
        // Appended after the original 21 columns, so index-based readers of the CSV keep working.
        Assert.Equal("train_tok_s", header[20]);
        string[] classes = ["deletion", "shrinking", "same", "growing", "x1", "x2", "x3"];
        Assert.Equal(classes.SelectMany(c => new[] { $"unseen_{c}_acc", $"unseen_{c}_n" }), header[21..]);
        foreach (var row in lines.Skip(1).Select(l => l.Split(',')))
        {
            int N(string c) => int.Parse(row[Array.IndexOf(header, $"unseen_{c}_n")], CultureInfo.InvariantCulture);
            double Correct(string c) => N(c) == 0 ? 0 : N(c) * double.Parse(row[Array.IndexOf(header, $"unseen_{c}_acc")], CultureInfo.InvariantCulture);
            var total = int.Parse(row[14], CultureInfo.InvariantCulture);
            var accuracy = double.Parse(row[8], CultureInfo.InvariantCulture);
            // Both partitions cover every unseen example once, and their correct answers add up to the overall accuracy.
            Assert.Equal(total, classes[..4].Sum(N));
            Assert.Equal(total, classes[4..].Sum(N));
            Assert.Equal(accuracy * total, classes[..4].Sum(Correct), 6);
            Assert.Equal(accuracy * total, classes[4..].Sum(Correct), 6);
        }

        using var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "run.json")));
        var byLength = run.RootElement.GetProperty("by_length").EnumerateArray().ToArray();
        Assert.Equal(2 * classes.Length, byLength.Length);  // two counts × seven classes
        Assert.All(byLength, c => Assert.Equal(2, c.GetProperty("seeds").GetInt32()));
        Assert.All(run.RootElement.GetProperty("summary").EnumerateArray(),
            s => Assert.InRange(s.GetProperty("unseen_mean").GetDouble(), s.GetProperty("unseen_low").GetDouble(), s.GetProperty("unseen_high").GetDouble()));
        Assert.True(run.RootElement.GetProperty("results")[0].GetProperty("unseen_by_length").TryGetProperty("by_pattern_length", out _));

        var (_, json, _) = CliRunner.Run($"diversity {Small} --unseen strings --json");
        Assert.All(json.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => Assert.Equal(3, JsonDocument.Parse(l).RootElement.GetProperty("unseen_by_length").GetProperty("by_pattern_length").GetArrayLength()));
    }

    [Theory]
    [InlineData("--shape repeated --max-pattern 4", "--max-pattern (4) must be at least 6 for Repeated patterns")]
    [InlineData("--alpha 0.5,0.2", "--alpha takes several values only with --frequency")]
    [InlineData("--no-op-share 1.5", "NoOpShare must be in [0, 1]")]
    [InlineData("--alphabet 40", "AlphabetSize must be in 2..26")]
    [InlineData("--max-pattern 50", "InputLength must be >= MaxPatternLength")]
    [InlineData("--seeds 3,3", "--seeds lists a seed twice")]
    [InlineData("--instructions 2,2", "--instructions lists a count twice")]
    [InlineData("--silo localhost:5080", "--silo 'localhost:5080': an http(s) URL")]
    public void Diversity_InvalidConfigNamesTheOption(string extra, string message)
    {
        var (code, _, stderr) = CliRunner.Run($"diversity {Small} {extra}");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void Diversity_BudgetBelowInstructionCountIsRejected()
    {
        var (code, _, stderr) = CliRunner.Run("diversity " + Small.Replace("--instructions 2,8", "--instructions 2,128"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--budget (64) must be at least the largest instruction count (128)", stderr);
    }

    [Fact]
    public void Diversity_UnparsableOptionIsRejected()
    {
        var (code, _, stderr) = CliRunner.Run($"diversity {Small} --instructions 2,x");
        Assert.NotEqual(0, code);
        Assert.Contains("'x' is not a non-negative integer", stderr);
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
