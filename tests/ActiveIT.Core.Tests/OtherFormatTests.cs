using System.Text;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Tests;

public sealed class OtherFormatTests
{
    private static MemoryStream Utf8(string s) => new(Encoding.UTF8.GetBytes(s));

    [Theory]
    [InlineData("seed_tasks.jsonl", 175)]
    [InlineData("user_oriented_instructions.jsonl", 252)]
    public void SelfInstruct_ReadsEveryTask(string name, int count)
    {
        using var stream = File.OpenRead(SharedData.Path("self_instruct", name));
        var tasks = SelfInstructReader.Read(stream, name);
        Assert.Equal(count, tasks.Count);
        Assert.All(tasks, t => Assert.NotEmpty(t.Instances));
        Assert.All(tasks, t => Assert.NotEmpty(t.Definition));
        if (name.StartsWith("seed", StringComparison.Ordinal))
        {
            Assert.Equal("breakfast_suggestion", tasks[0].Metadata["name"]);
            Assert.Contains(tasks, t => t.Metadata["is_classification"] == "true");
        }
    }

    [Fact]
    public void SelfInstruct_MalformedLineNamesLine()
    {
        var e = Assert.Throws<TaskFormatException>(() => SelfInstructReader.Read(Utf8("{\"id\": \"a\", \"instruction\": \"x\", \"instances\": []}\n\n{\"id\": oops}\n"), "s.jsonl"));
        Assert.StartsWith("s.jsonl:line 3, column", e.Message);
        var dup = Assert.Throws<TaskFormatException>(() => SelfInstructReader.Read(Utf8("{\"id\": \"a\", \"instruction\": \"x\", \"instances\": []}\n{\"id\": \"a\", \"instruction\": \"y\", \"instances\": []}"), "s.jsonl"));
        Assert.Equal("s.jsonl:line 2.id: duplicate task id 'a'", dup.Message);
    }

    [Fact]
    public void Alpaca_JsonArrayGroupsConsecutiveInstructions()
    {
        var json = "[{\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"}, {\"instruction\": \"Add\", \"input\": \"2 2\", \"output\": \"4\"}, {\"instruction\": \"Greet\", \"input\": \"\", \"output\": \"Hi\"}]";
        var tasks = AlpacaReader.Read(Utf8(json), "alpaca_data.json");
        Assert.Equal(2, tasks.Count);
        Assert.Equal(["alpaca_data-00000", "alpaca_data-00001"], tasks.Select(t => t.Id));
        Assert.Equal(2, tasks[0].Instances.Count);
        Assert.Equal("4", tasks[0].Instances[1].Outputs[0]);
        var e = Assert.Throws<TaskFormatException>(() => AlpacaReader.Read(Utf8("[{\"instruction\": \"Add\", \"output\": 3}]"), "a.json"));
        Assert.Equal("a.json:$[0].output: expected a string, found a number", e.Message);
    }

    [Fact]
    public void CrossFit_RoundTripsAndDerivesKeywordSignature()
    {
        var tsv = "premise: A man sleeps. [SEP] hypothesis: A man rests.\tentailment\npremise: Cats. [SEP] hypothesis: Dogs.\tneutral [SEP] contradiction\n";
        var task = CrossFitTsv.Read(Utf8(tsv), "glue-rte_train.tsv");
        Assert.Equal("glue-rte_train", task.Id);
        Assert.Equal("premise: [SEP] hypothesis:", task.Definition);
        Assert.Equal(["neutral", "contradiction"], task.Instances[1].Outputs);
        var writer = new StringWriter();
        CrossFitTsv.Write(task, writer);
        Assert.Equal(tsv, writer.ToString());
    }

    [Fact]
    public void CrossFit_BadLineNamesLine()
    {
        var e = Assert.Throws<TaskFormatException>(() => CrossFitTsv.Read(Utf8("a: 1\tb\nc: 2\td\te\n"), "x.tsv"));
        Assert.Equal("x.tsv:line 2: expected 2 tab-separated fields (input, output), found 3", e.Message);
    }
}
