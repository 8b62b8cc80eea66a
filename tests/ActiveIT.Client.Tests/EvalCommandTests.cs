using System.Text.Json;
using ActiveIT.Core.Metrics;

namespace ActiveIT.Client.Tests;

public sealed class EvalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("activeit-eval-").FullName;

    [Fact]
    public void Eval_ComputesNiv2MetricNamesAndValues_FromNiv2Files()
    {
        // The golden metric cases as an NIV2 evaluation set: two categories, three tasks, one prediction missing.
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "metrics_golden.json")));
        var cases = golden.RootElement.GetProperty("cases").EnumerateArray().ToArray();
        var references = new List<string>();
        var predictions = new List<string>();
        for (var i = 0; i < cases.Length; i++)
        {
            var category = i % 2 == 0 ? "Question Answering" : "Title Generation";
            references.Add(JsonSerializer.Serialize(new { id = $"i{i}", references = cases[i].GetProperty("references"), task_id = $"task{i % 3}", task_category = category, track = "default" }));
            if (i != 5)
            {
                predictions.Add(JsonSerializer.Serialize(new { id = $"i{i}", prediction = cases[i].GetProperty("prediction").GetString() }));
            }
        }
        File.WriteAllLines(Path.Combine(_dir, "refs.jsonl"), references);
        File.WriteAllLines(Path.Combine(_dir, "preds.jsonl"), predictions);

        var (code, stdout, stderr) = CliRunner.Run($"eval --predictions {_dir}/preds.jsonl --references {_dir}/refs.jsonl --json");
        Assert.True(code == 0, stderr);
        Assert.Contains("No prediction for 1 instances", stderr);
        var metrics = JsonDocument.Parse(stdout).RootElement;

        double Expected(Func<int, bool> include, bool rouge)
        {
            var rows = Enumerable.Range(0, cases.Length).Where(include).Select(i => i == 5 ? (rouge ? Niv2Metrics.RougeL("", Refs(i)) : Niv2Metrics.ExactMatch("", Refs(i)))
                : rouge ? cases[i].GetProperty("rougeL").GetDouble() : cases[i].GetProperty("exact_match").GetDouble()).ToArray();
            return Math.Round(100 * rows.Sum() / rows.Length, 4);
        }
        string[] Refs(int i) => [.. cases[i].GetProperty("references").EnumerateArray().Select(r => r.GetString()!)];

        Assert.Equal(Expected(_ => true, rouge: true), metrics.GetProperty("rougeL_default_track").GetDouble());
        Assert.Equal(Expected(_ => true, rouge: false), metrics.GetProperty("exact_match_default_track").GetDouble());
        Assert.Equal(Expected(i => i % 2 == 1, rouge: true), metrics.GetProperty("rougeL_for_title_generation_default_track").GetDouble());
        Assert.Equal(Expected(i => i % 3 == 2, rouge: false), metrics.GetProperty("exact_match_for_task2_default_track").GetDouble());
        Assert.Equal(2 + 2 * 2 + 3 * 2, metrics.EnumerateObject().Count());

        var table = CliRunner.Run($"eval --predictions {_dir}/preds.jsonl --references {_dir}/refs.jsonl");
        Assert.Contains("rougeL_for_question_answering_default_track: ", table.Stdout);
    }

    [Fact]
    public void Eval_BadLineNamesFileLineAndField()
    {
        File.WriteAllLines(Path.Combine(_dir, "refs.jsonl"), ["{\"id\": \"a\", \"references\": [\"x\"]}", "{\"id\": \"b\", \"references\": \"x\"}"]);
        File.WriteAllLines(Path.Combine(_dir, "preds.jsonl"), ["{\"id\": \"a\", \"prediction\": \"x\"}"]);
        var (code, _, stderr) = CliRunner.Run($"eval --predictions {_dir}/preds.jsonl --references {_dir}/refs.jsonl");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("refs.jsonl:line 2: references: expected a list of strings", stderr);
    }

    public void Dispose() => ActiveIT.Tests.Scratch.Delete(_dir);
}
