using System.Text.Json;

namespace ActiveIT.Client.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public void BenchEngine_JsonLineHasThroughputAndPeakFields()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench engine --config tiny --seconds 0.2 --json");
        Assert.True(code == 0, stderr);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("tiny", json.GetProperty("config").GetString());
        foreach (var field in new[] { "train_tokens_per_s", "score_tokens_per_s", "train_gflops", "matmul_peak_gflops" })
        {
            Assert.True(json.GetProperty(field).GetDouble() > 0, field);
        }
        Assert.Equal(64, json.GetProperty("batch").GetInt32());
        Assert.Equal(64, json.GetProperty("seq_len").GetInt32());
        Assert.True(json.GetProperty("environment").TryGetProperty("code_version", out _));
    }

    [Fact]
    public void BenchEngine_TablePrintsOneRowPerConfig()
    {
        var (code, stdout, _) = CliRunner.Run("bench engine --config tiny --seconds 0.2");
        Assert.Equal(0, code);
        Assert.Contains("peak GFLOP/s", stdout);
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("tiny", StringComparison.Ordinal));
    }

    [Fact]
    public void BenchEngine_UnknownConfigIsRejected()
    {
        var (code, _, stderr) = CliRunner.Run("bench engine --config huge");
        Assert.NotEqual(0, code);
        Assert.Contains("huge", stderr);
    }
}
