using System.Globalization;
using System.Text;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Tests;

public sealed class Niv2FormatTests
{
    private static InstructionTask ReadTask(string file)
    {
        using var stream = File.OpenRead(file);
        return Niv2Reader.Read(stream, file);
    }

    private static InstructionTask Parse(string json, string file = "task_bad.json", ImportLimits? limits = null) =>
        Niv2Reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), file, limits);

    [Fact]
    public void EveryNiv2File_ReadsWithManifestCountsAndCategory()
    {
        var manifest = File.ReadAllLines(SharedData.Path("niv2", "manifest.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(151, manifest.Length);
        var splits = new[] { "train", "test" }.ToDictionary(s => s, s => File.ReadAllLines(SharedData.Path("niv2", "splits", "default", $"{s}_tasks.txt")).ToHashSet());
        foreach (var row in manifest)
        {
            var task = ReadTask(SharedData.Path("niv2", "tasks", row[0]));
            Assert.Equal(Path.GetFileNameWithoutExtension(row[0]), task.Id);
            Assert.Contains(task.Id, splits[row[6]]);
            Assert.Equal(int.Parse(row[2], CultureInfo.InvariantCulture), task.Instances.Count);
            Assert.Equal(row[3], task.Metadata["Instance_Count_Original"]);
            Assert.Contains(row[1], task.Categories);
            Assert.NotEmpty(task.Definition);
            Assert.NotEmpty(task.PositiveExamples);
            Assert.Contains("English", task.Languages);
            Assert.All(task.Instances, i => Assert.NotEmpty(i.Outputs));
        }
    }

    [Fact]
    public void Niv2_WriteThenRead_PreservesEveryFieldAndHash()
    {
        foreach (var file in Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().Take(40))
        {
            var task = ReadTask(file);
            var buffer = new MemoryStream();
            Niv2Writer.Write(task, buffer);
            var again = Niv2Reader.Read(new MemoryStream(buffer.ToArray()), file);
            Assert.Equal(task.ContentHash(), again.ContentHash());
        }
    }

    [Fact]
    public void Niv2_LabelFlag_IsReadIntoMetadata_DecidesTheKind_AndIsWrittenBack()
    {
        var file = Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().First();
        var json = File.ReadAllText(file).TrimEnd().TrimEnd('}') + ", \"DefHasLabel\": \"ExactMentioned\"}";
        var task = Parse(json, Path.GetFileName(file));
        Assert.Equal("ExactMentioned", task.Metadata["DefHasLabel"]);
        Assert.Equal(new Curriculum.TaskKindDecision(true, "metadata"), Curriculum.TaskKind.Decide(task));
        var buffer = new MemoryStream();
        Niv2Writer.Write(task, buffer);
        Assert.Equal(task.ContentHash(), Niv2Reader.Read(new MemoryStream(buffer.ToArray()), file).ContentHash());

        var bad = Assert.Throws<TaskFormatException>(() => Parse(File.ReadAllText(file).TrimEnd().TrimEnd('}') + ", \"DefHasLabel\": 3}"));
        Assert.Contains("$.DefHasLabel", bad.Message);
    }

    [Fact]
    public void Niv2_ToAlpacaAndBack_PreservesDefinitionAndInstances()
    {
        var files = Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().ToArray();
        var tasks = files.Select(ReadTask).ToArray();
        var alpaca = new MemoryStream();
        AlpacaWriter.Write(tasks, alpaca);
        var back = AlpacaReader.Read(new MemoryStream(alpaca.ToArray()), "niv2.jsonl");

        Assert.Equal(tasks.Length, back.Count);
        for (var t = 0; t < tasks.Length; t++)
        {
            Assert.Equal(tasks[t].Id, back[t].Id);
            Assert.Equal(tasks[t].Definition, back[t].Definition);
            Assert.Equal(tasks[t].Instances.Count, back[t].Instances.Count);
            for (var i = 0; i < tasks[t].Instances.Count; i++)
            {
                Assert.Equal(tasks[t].Instances[i].Id, back[t].Instances[i].Id);
                Assert.Equal(tasks[t].Instances[i].Input, back[t].Instances[i].Input);
                Assert.Equal(tasks[t].Instances[i].Outputs, back[t].Instances[i].Outputs);
            }
        }

        // And on to NIV2 again: the instruction and instances survive the whole trip.
        var niv2 = new MemoryStream();
        Niv2Writer.Write(back[0], niv2);
        var final = Niv2Reader.Read(new MemoryStream(niv2.ToArray()), back[0].Id + ".json");
        Assert.Equal(tasks[0].Definition, final.Definition);
        Assert.Equal(tasks[0].Instances.Select(i => (i.Id, i.Input, string.Join("|", i.Outputs))), final.Instances.Select(i => (i.Id, i.Input, string.Join("|", i.Outputs))));
    }

    [Fact]
    public void ContentHash_ChangesWithAnyFieldAndOnlyThen()
    {
        var task = ReadTask(Directory.GetFiles(SharedData.Path("niv2", "tasks")).Order().First());
        var copy = task with { Categories = [.. task.Categories] };
        Assert.Equal(task.ContentHash(), copy.ContentHash());
        Assert.NotEqual(task.ContentHash(), (task with { Definition = task.Definition + " " }).ContentHash());
        Assert.NotEqual(task.ContentHash(), (task with { Instances = task.Instances.Skip(1).ToArray() }).ContentHash());
        Assert.NotEqual(task.ContentHash(), (task with { License = null }).ContentHash());
    }

    [Theory]
    [InlineData("{\"Definition\": [\"x\"], \"Instances\": [}", "task_bad.json:line 1, column 37: malformed JSON")]
    [InlineData("{\"Instances\": []}", "task_bad.json:$.Definition: missing required field 'Definition'")]
    [InlineData("{\"Definition\": [\"  \"], \"Instances\": []}", "task_bad.json:$.Definition: empty definition")]
    [InlineData("{\"Definition\": [\"d\"], \"Instances\": {}}", "task_bad.json:$.Instances: expected a list, found an object")]
    [InlineData("{\"Definition\": [\"d\"], \"Instances\": [{\"id\": \"a\", \"input\": \"i\", \"output\": 3}]}", "task_bad.json:$.Instances[0].output: expected a list, found a number")]
    [InlineData("{\"Definition\": [\"d\"], \"Instances\": [{\"id\": \"a\", \"input\": \"i\", \"output\": [\"o\"]}, {\"id\": \"a\", \"input\": \"j\", \"output\": [\"p\"]}]}", "task_bad.json:$.Instances[1].id: duplicate instance id 'a'")]
    [InlineData("{\"Definition\": [\"d\"], \"Instances\": [{\"id\": \"a\", \"output\": [\"o\"]}]}", "task_bad.json:$.Instances[0].input: missing required field 'input'")]
    [InlineData("{\"Definition\": [\"d\"], \"Positive Examples\": [{\"input\": \"i\"}], \"Instances\": []}", "task_bad.json:$['Positive Examples'][0].output: missing required field 'output'")]
    [InlineData("{\"Definition\": [\"d\"], \"Instances\": [{\"id\": \"\", \"input\": \"i\", \"output\": [\"o\"]}]}", "task_bad.json:$.Instances[0].id: an instance id must not be empty")]
    [InlineData("{\"Definition\": [\"d\"], \"Instances\": [{\"id\": \"a\", \"input\": \"i\", \"output\": \"o\"}]}", "task_bad.json:$.Instances[0].output: expected a list, found a string")]
    [InlineData("{\"Definition\": \"d\", \"Instances\": []}", "task_bad.json:$.Definition: expected a list, found a string")]
    [InlineData("{\"Definition\": [\"d\"], \"Categories\": \"Sentiment Analysis\", \"Instances\": []}", "task_bad.json:$.Categories: expected a list, found a string")]
    public void BadNiv2_ErrorNamesFileLocationAndField(string json, string expected) =>
        Assert.StartsWith(expected, Assert.Throws<TaskFormatException>(() => Parse(json)).Message);

    [Fact]
    public void InvalidUtf8_IsRejectedWithLocation()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"Definition\": [\"ab\"], \"Instances\": []}");
        bytes[17] = 0xFF;
        var e = Assert.Throws<TaskFormatException>(() => Niv2Reader.Read(new MemoryStream(bytes), "task_utf8.json"));
        Assert.StartsWith("task_utf8.json:", e.Message);
        Assert.Contains("UTF-8", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SizeLimits_AreEnforcedWhileReading()
    {
        var json = "{\"Definition\": [\"d\"], \"Instances\": [" + string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"id\": \"{i}\", \"input\": \"x\", \"output\": [\"y\"]}}")) + "]}";
        var bytes = Assert.Throws<TaskFormatException>(() => Parse(json, limits: new ImportLimits(MaxBytes: 100)));
        Assert.Contains("exceeds the size limit of 100 bytes", bytes.Message);
        var instances = Assert.Throws<TaskFormatException>(() => Parse(json, limits: new ImportLimits(MaxInstancesPerTask: 10)));
        Assert.StartsWith("task_bad.json:$.Instances[10]: more than 10 instances", instances.Message);
    }

    [Fact]
    public void Niv2Prompt_RendersTheTkInstructTemplate()
    {
        var task = new InstructionTask("t", "niv2", TaskFormat.Niv2, " Answer the question ", [new("2+2?", "4", null), new("Capital of France?", "Paris!", null), new("x", "y", null)],
            [], [], [], [], [], null, new Dictionary<string, string>());
        var prompt = Niv2Prompt.Render(task, " Is it? ");
        Assert.Equal("Definition: Answer the question.\n\n Positive Example 1 -\nInput: 2+2?\n Output: 4.\n\n Positive Example 2 -\nInput: Capital of France?\n Output: Paris!\n\n" +
                     "Now complete the following example -\nInput: Is it?\nOutput: ", prompt);
    }
}
