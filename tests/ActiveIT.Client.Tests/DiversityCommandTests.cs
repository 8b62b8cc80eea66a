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
        Assert.StartsWith("instructions,examples_per_instruction,seed,unseen_acc", rows[0]);
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Split(',');
            Assert.InRange(double.Parse(cells[3], CultureInfo.InvariantCulture), 0, 1);
            Assert.Equal("20", cells[9]);
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

        var svg = XDocument.Load(Path.Combine(_dir, "accuracy.svg"));
        Assert.Equal(4, svg.Descendants().Count(e => e.Name.LocalName == "circle"));
    }

    [Fact]
    public void Diversity_SameSeedsReproduceResults()
    {
        CliRunner.Run($"diversity {Small} --seeds 3");
        var first = File.ReadAllLines(Path.Combine(_dir, "results.csv")).Select(r => string.Join(',', r.Split(',')[..12])).ToArray();
        CliRunner.Run($"diversity {Small} --seeds 3");
        var second = File.ReadAllLines(Path.Combine(_dir, "results.csv")).Select(r => string.Join(',', r.Split(',')[..12])).ToArray();
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

    [Theory]
    [InlineData("--no-op-share 1.5", "NoOpShare must be in [0, 1]")]
    [InlineData("--alphabet 40", "AlphabetSize must be in 2..26")]
    [InlineData("--max-pattern 50", "InputLength must be >= MaxPatternLength")]
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

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
