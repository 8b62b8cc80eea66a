using System.Text.Json;

namespace ActiveIT.Client.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public void BenchEngine_JsonLinesCoverEngineFp32Bf16AndTheReference()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench engine --config tiny --seconds 0.2 --rounds 2 --json");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["engine fp32", "engine bf16", "reference fp32"], rows.Select(r => $"{r.GetProperty("model").GetString()} {r.GetProperty("precision").GetString()}"));
        foreach (var json in rows)
        {
            Assert.Equal("tiny", json.GetProperty("config").GetString());
            foreach (var field in new[] { "train_tokens_per_s", "score_tokens_per_s", "train_gflops", "matmul_peak_gflops", "matmul_peak_fp32_gflops", "matmul_peak_bf16_gflops", "train_vs_reference" })
            {
                Assert.True(json.GetProperty(field).GetDouble() > 0, field);
            }
            Assert.Equal(64, json.GetProperty("batch").GetInt32());
            Assert.Equal(64, json.GetProperty("seq_len").GetInt32());
            Assert.Equal(2, json.GetProperty("rounds").GetInt32());
            Assert.False(string.IsNullOrEmpty(json.GetProperty("cpu").GetString()));
            Assert.True(json.GetProperty("environment").TryGetProperty("code_version", out _));
        }
        // Each row's peak is the measured rate of its own precision; the reference is its own yardstick.
        Assert.Equal(rows[1].GetProperty("matmul_peak_bf16_gflops").GetDouble(), rows[1].GetProperty("matmul_peak_gflops").GetDouble());
        Assert.Equal(rows[0].GetProperty("matmul_peak_fp32_gflops").GetDouble(), rows[0].GetProperty("matmul_peak_gflops").GetDouble());
        Assert.Equal(1.0, rows[2].GetProperty("train_vs_reference").GetDouble());
    }

    [Fact]
    public void BenchScoring_ComparesTheScorerWithRawScoringOfTheSamePairs()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench scoring --source families --tasks 4 --rounds 1 --tasks-per-call 1 4 --precision fp32 --json");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["raw 0", "pu 1", "pu 4"], rows.Select(r => $"{r.GetProperty("measure").GetString()} {r.GetProperty("tasks_per_call").GetInt32()}"));
        Assert.Equal(1.0, rows[0].GetProperty("share_of_raw").GetDouble());
        Assert.Single(rows.Select(r => r.GetProperty("scored_tokens").GetInt64()).Distinct());  // every measure scores the same pairs
        Assert.Equal([8, 2], rows[1..].Select(r => r.GetProperty("engine_calls").GetInt32()));  // a generate and a score request per request of tasks
        Assert.All(rows[1..], r => Assert.True(r.GetProperty("generate_seconds").GetDouble() > 0 && r.GetProperty("share_of_raw").GetDouble() > 0));
        Assert.All(rows, r => Assert.True(r.GetProperty("environment").TryGetProperty("code_version", out _)));
    }

    [Fact]
    public void BenchEngine_TablePrintsOneRowPerModelAndNamesTheProcessor()
    {
        var (code, stdout, _) = CliRunner.Run("bench engine --config tiny --seconds 0.2 --rounds 1 --precision fp32 --no-reference");
        Assert.Equal(0, code);
        Assert.Contains("peaks = measured 1024³ matmul: fp32", stdout);
        Assert.Contains("bf16 matrix units", stdout);
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("tiny", StringComparison.Ordinal));
    }

    [Fact]
    public void BenchEngine_Adapters_AddALlamaTrainedFullyAndWithLora_WithTheirTrainingState()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench engine --config tiny --seconds 0.2 --rounds 1 --precision fp32 --no-reference --adapters --json");
        Assert.True(code == 0, stderr);
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["engine", "llama", "llama-lora"], rows.Select(r => r.GetProperty("model").GetString()));
        var (full, lora) = (rows[1], rows[2]);
        Assert.Equal(full.GetProperty("parameters").GetInt64(), lora.GetProperty("parameters").GetInt64());
        Assert.Equal(full.GetProperty("parameters").GetInt64(), full.GetProperty("trainable_parameters").GetInt64());
        // Rank 8 on q, k, v, o of 2 layers at width 64 with 1 key/value head of 32: 8·(64+64) + 8·(64+32) · 2 + 8·(64+64) per layer.
        Assert.Equal(2 * (8 * (64 + 64) + 2 * 8 * (64 + 32) + 8 * (64 + 64)), lora.GetProperty("trainable_parameters").GetInt64());
        Assert.True(lora.GetProperty("train_state_mib").GetDouble() < full.GetProperty("train_state_mib").GetDouble() / 2);
        Assert.All(rows, r => Assert.True(r.GetProperty("train_tokens_per_s").GetDouble() > 0));
    }

    [Fact]
    public void BenchEngine_UnknownConfigIsRejected()
    {
        var (code, _, stderr) = CliRunner.Run("bench engine --config huge");
        Assert.NotEqual(0, code);
        Assert.Contains("huge", stderr);
    }
}
