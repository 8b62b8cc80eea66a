using System.Text;
using System.Text.Json;
using ActiveIT.Core.Formats;
using ActiveIT.Grains.Import;

namespace ActiveIT.Grains.Tests;

public sealed class PromptSourceTests
{
    private static IReadOnlyList<PromptSourceTemplate> ReadDataset(string dataset)
    {
        var file = SharedData.Path("promptsource", dataset, "templates.yaml");
        using var stream = File.OpenRead(file);
        return PromptSourceReader.Read(stream, file);
    }

    /// <summary>JSON row values as the Jinja engine sees them: strings, longs, doubles, bools, lists, dicts.</summary>
    private static object? Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value)),
        _ => null,
    };

    [Fact]
    public void EveryTemplatesYaml_ReadsAndCompiles()
    {
        var files = Directory.GetFiles(SharedData.Path("promptsource"), "templates.yaml", SearchOption.AllDirectories);
        Assert.Equal(19, files.Length);
        var templates = files.SelectMany(f =>
        {
            using var stream = File.OpenRead(f);
            return PromptSourceReader.Read(stream, f);
        }).ToArray();
        Assert.Equal(180, templates.Length);
        Assert.Contains(templates, t => t.Dataset == "super_glue/rte");
        Assert.Contains(templates, t => t.Dataset == "winogrande/winogrande_xl");
    }

    [Fact]
    public void RealTemplates_RenderExactlyAsJinja2()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "promptsource_golden.json")));
        var cases = golden.RootElement.GetProperty("cases").EnumerateArray().ToArray();
        Assert.True(cases.Length >= 100, $"{cases.Length} golden cases");
        var byDataset = new Dictionary<string, IReadOnlyList<PromptSourceTemplate>>();
        foreach (var c in cases)
        {
            var dataset = c.GetProperty("dataset").GetString()!;
            if (!byDataset.TryGetValue(dataset, out var templates))
            {
                byDataset[dataset] = templates = ReadDataset(dataset);
            }
            var template = templates.Single(t => t.Id == c.GetProperty("id").GetString());
            var row = (Dictionary<string, object?>)Value(c.GetProperty("row"))!;
            var (prompt, target, choices) = template.Render(row);
            Assert.Equal(c.GetProperty("prompt").GetString(), prompt);
            Assert.Equal(c.GetProperty("target").GetString(), target);
            Assert.Equal(c.GetProperty("choices").EnumerateArray().Select(x => x.GetString()), choices);
        }
    }

    [Fact]
    public void RandomChoice_IsSeededAndStaysInRange()
    {
        var template = ReadDataset("coqa").Single(t => t.Name == "missing_answer");
        var row = new Dictionary<string, object?>
        {
            ["story"] = "s",
            ["questions"] = new List<object?> { "q1", "q2", "q3" },
            ["answers"] = new Dictionary<string, object?> { ["input_text"] = new List<object?> { "a1", "a2", "a3" } },
        };
        var first = template.Render(row, seed: 5);
        Assert.Equal(first, template.Render(row, seed: 5));
        Assert.Contains(first.Target, new[] { "a1", "a2", "a3" });
        Assert.DoesNotContain(first.Target, first.Prompt);  // the missing answer is the one left out of the prompt
        var targets = Enumerable.Range(0, 30).Select(s => template.Render(row, (ulong)s).Target).Distinct().Count();
        Assert.Equal(3, targets);
    }

    [Fact]
    public void MissingField_NamesFileTemplateAndField()
    {
        var template = ReadDataset("imdb")[0];
        var e = Assert.Throws<TaskFormatException>(() => template.Render(new Dictionary<string, object?> { ["label"] = 1L }));
        Assert.Contains("imdb", e.File);
        Assert.EndsWith(".jinja", e.Location);
        Assert.Contains("template refers to field 'text', which the data lacks", e.Message);
    }

    [Fact]
    public void BrokenYamlOrJinja_IsRejectedWithLine()
    {
        var yaml = Assert.Throws<TaskFormatException>(() => PromptSourceReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("dataset: x\ntemplates:\n  a: [unclosed\n")), "t.yaml"));
        Assert.StartsWith("t.yaml:line 4, column 1: malformed YAML", yaml.Message);  // where the parser found the list unclosed
        var jinja = Assert.Throws<TaskFormatException>(() => PromptSourceReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(
            "dataset: x\ntemplates:\n  abc: !Template\n    name: broken\n    jinja: '{% if a %}no end'\n")), "t.yaml"));
        Assert.Equal("t.yaml:$.templates['abc'].jinja: template 'broken': 'if' without 'endif'", jinja.Message);
    }

    [Fact]
    public void AKeyThatIsOnlyAColon_InATaggedMapping_IsRefusedAsMalformedYaml()
    {
        // Found by FuzzTests (seed 639320884149651647): YamlDotNet raised an ArgumentException from its node loader here.
        const string text = "dataset: x\ntemplates:\n  a: !Template\n    metadata: !TemplateMetadata\n     :  choices_in_prompt: true\n      languages:\n      - en\n";
        var e = Assert.Throws<TaskFormatException>(() => PromptSourceReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t.yaml"));
        Assert.Contains("t.yaml", e.Message);
        Assert.Contains("malformed YAML", e.Message);
    }

    [Fact]
    public void ToTask_RendersRows_SkippingEmptyTargets()
    {
        var template = ReadDataset("super_glue/rte").First(t => t.Jinja.Contains("label != -1", StringComparison.Ordinal));
        IReadOnlyDictionary<string, object?>[] rows =
        [
            new Dictionary<string, object?> { ["premise"] = "P1.", ["hypothesis"] = "H1.", ["label"] = 0L },
            new Dictionary<string, object?> { ["premise"] = "P2.", ["hypothesis"] = "H2.", ["label"] = -1L },  // unlabelled: no target
        ];
        var task = PromptSourceTasks.ToTask(template, rows);
        var instance = Assert.Single(task.Instances);
        Assert.Contains("P1.", instance.Input);
        Assert.Equal(["Yes"], instance.Outputs);
        Assert.Equal(ActiveIT.Core.Tasks.TaskFormat.PromptSource, task.Format);
    }
}
