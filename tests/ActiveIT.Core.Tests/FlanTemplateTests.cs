using System.Text;
using ActiveIT.Core.Formats;

namespace ActiveIT.Core.Tests;

public sealed class FlanTemplateTests
{
    private static IReadOnlyDictionary<string, IReadOnlyList<FlanTemplate>> ReadReal()
    {
        using var stream = File.OpenRead(SharedData.Path("flan", "templates.json"));
        return FlanTemplates.Read(stream, "flan/templates.json");
    }

    [Fact]
    public void RealFile_Has61DatasetsAnd610Templates()
    {
        var templates = ReadReal();
        Assert.Equal(61, templates.Count);
        Assert.Equal(610, templates.Values.Sum(t => t.Count));
        Assert.Equal(["premise", "hypothesis", "options_", "answer"], templates["rte"][0].Fields);
    }

    [Fact]
    public void Rte_RendersWithOptions()
    {
        var rte = ReadReal()["rte"][0];
        var row = new Dictionary<string, string> { ["premise"] = "A cat sat.", ["hypothesis"] = "An animal sat.", ["answer"] = "yes" };
        var (input, target) = rte.Render(row, ["yes", "no"]);
        Assert.Equal("A cat sat.\n\nBased on the paragraph above can we conclude that \"An animal sat.\"?\n\nOPTIONS:\n- yes\n- no", input);
        Assert.Equal("yes", target);
    }

    [Fact]
    public void EveryRealTemplate_RendersFromARowOfItsFields()
    {
        foreach (var template in ReadReal().Values.SelectMany(t => t))
        {
            var row = template.Fields.Where(f => f != FlanTemplate.OptionsField).ToDictionary(f => f, f => $"<{f}>");
            var (input, target) = template.Render(row, ["first", "second"]);
            foreach (var field in row.Keys)
            {
                Assert.True(input.Contains($"<{field}>") || target.Contains($"<{field}>"), $"{template.Dataset}[{template.Index}] lost {field}");
            }
            Assert.Equal(template.Fields.Contains(FlanTemplate.OptionsField), input.Contains("OPTIONS:\n- first\n- second") || target.Contains("OPTIONS:"));
        }
    }

    [Fact]
    public void MissingField_NamesTemplateAndField()
    {
        var rte = ReadReal()["rte"][2];
        var e = Assert.Throws<TaskFormatException>(() => rte.Render(new Dictionary<string, string> { ["premise"] = "p", ["answer"] = "a" }, ["yes", "no"]));
        Assert.Equal("flan/templates.json:$.rte[2].input: template refers to field 'hypothesis', which the data lacks (it has: answer, premise)", e.Message);
    }

    [Fact]
    public void ToTask_RendersRowsRoundRobin_AndBadFilesAreRejected()
    {
        var templates = ReadReal()["rte"];
        var rows = Enumerable.Range(0, 12).Select(i => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
            { ["premise"] = $"p{i}", ["hypothesis"] = $"h{i}", ["answer"] = "no" }).ToArray();
        var task = FlanTemplates.ToTask("rte", templates, rows, ["yes", "no"]);
        Assert.Equal(12, task.Instances.Count);
        Assert.Equal(templates[3].Render(rows[3], ["yes", "no"]).Input, task.Instances[3].Input);
        Assert.Equal(templates[0].Render(rows[10], ["yes", "no"]).Input, task.Instances[10].Input);
        Assert.Equal(["no"], task.Instances[10].Outputs);

        var bad = Assert.Throws<TaskFormatException>(() => FlanTemplates.Read(new MemoryStream(Encoding.UTF8.GetBytes("{\"x\": [{\"input\": \"{a\", \"target\": \"b\"}]}")), "t.json"));
        Assert.Equal("t.json:$.x[0].input: unbalanced '{' or '}' (write '{{' or '}}' for a literal brace)", bad.Message);
        var literal = FlanTemplates.Read(new MemoryStream(Encoding.UTF8.GetBytes("{\"x\": [{\"input\": \"{{a}} {b}\", \"target\": \"t\"}]}")), "t.json")["x"][0];
        Assert.Equal("{a} B", literal.Render(new Dictionary<string, string> { ["b"] = "B" }).Input);
    }
}
