using System.Text;
using ActiveIT.Core;
using ActiveIT.Core.Families;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Templates;
using ActiveIT.Engine;
using ActiveIT.Grains.Import;
using ActiveIT.Testing;
using Xunit.Abstractions;

namespace ActiveIT.Grains.Tests;

/// <summary>
/// A standing fuzz suite (issue #15, item 4): valid inputs of every reader (task files, templates, transfer seed pairs), mutated (bytes flipped, spans deleted or
/// repeated, JSON/YAML tokens inserted, the end cut), must be read or refused with that reader's own error naming
/// the file and where — never another exception. Each run does a fixed seed and a rotating one (the clock); a
/// failure names both the seed and the case, so `ACTIVEIT_FUZZ_SEED=S` replays it.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int CasesPerReader = 100;  // × 2 seeds × 8 readers, + checkpoints: ≥ 1,000 a run

    /// <summary>Runs <paramref name="read"/> on mutations of <paramref name="valid"/>; only <typeparamref name="TError"/> naming the file may escape.</summary>
    private int Fuzz<TError>(string reader, byte[] valid, string file, Action<byte[]> read) where TError : Exception
    {
        read(valid);  // the unmutated input is read without error
        int cases = 0, refused = 0;
        foreach (var seed in Mutations.Seeds())
        {
            var random = SeededRandom.For(seed, $"fuzz/{reader}");
            for (var i = 0; i < CasesPerReader; i++, cases++)
            {
                var input = Mutations.Mutate(valid, random);
                try
                {
                    read(input);
                }
                catch (TError e)
                {
                    refused++;
                    Assert.True(e.Message.StartsWith(file, StringComparison.Ordinal), $"{reader}, seed {seed}, case {i}: the error does not name {file}: {e.Message}");
                }
                catch (Exception e)
                {
                    var at = string.Join(" < ", (e.StackTrace ?? "").Split('\n').Take(4).Select(l => l.Trim()));
                    Assert.Fail($"{reader}, seed {seed}, case {i}: {e.GetType().Name} escaped ({e.Message}) {at}; input: {Convert.ToBase64String(input)}");
                }
            }
        }
        output.WriteLine($"{reader}: {cases} cases, {refused} refused with {typeof(TError).Name}, {cases - refused} read");
        return cases;
    }

    private static byte[] Niv2File()
    {
        var task = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 1, InstancesPerTask: 3, Families: ["reverse"]), seed: 2)[0];
        using var stream = new MemoryStream();
        Niv2Writer.Write(task, stream);
        return stream.ToArray();
    }

    [Fact]
    public void EveryReader_ReadsOrRefusesMutatedInput_NamingTheFile_NeverThrowingAnythingElse()
    {
        var limits = ImportLimits.Default;
        void File(byte[] bytes, string name, TaskFileFormat format)
        {
            using var stream = new MemoryStream(bytes);
            TaskFileReader.Read(stream, name, format, limits);
        }
        var cases = 0;
        cases += Fuzz<TaskFormatException>("niv2", Niv2File(), "task1.json", b => File(b, "task1.json", TaskFileFormat.Niv2));
        cases += Fuzz<TaskFormatException>("alpaca", Encoding.UTF8.GetBytes("""
            [{"instruction": "Reverse the string.", "input": "abc", "output": "cba"}, {"instruction": "Say hi.", "input": "", "output": "hi"}]
            """), "alpaca.json", b => File(b, "alpaca.json", TaskFileFormat.Alpaca));
        cases += Fuzz<TaskFormatException>("self-instruct", Encoding.UTF8.GetBytes(
            "{\"id\": \"seed_task_1\", \"instruction\": \"Reverse the string.\", \"instances\": [{\"input\": \"abc\", \"output\": \"cba\"}], \"is_classification\": false}\n" +
            "{\"id\": \"seed_task_2\", \"instruction\": \"Is it a word?\", \"instances\": [{\"input\": \"cat\", \"output\": \"yes\"}], \"is_classification\": true}\n"),
            "tasks.jsonl", b => File(b, "tasks.jsonl", TaskFileFormat.SelfInstruct));
        cases += Fuzz<TaskFormatException>("crossfit", Encoding.UTF8.GetBytes("premise: a [SEP] hypothesis: b\tentailment\npremise: c [SEP] hypothesis: d\tneutral\n"),
            "glue-rte_train.tsv", b => File(b, "glue-rte_train.tsv", TaskFileFormat.CrossFit));
        cases += Fuzz<TaskFormatException>("promptsource-yaml", System.IO.File.ReadAllBytes(SharedData.Path("promptsource", "ag_news", "templates.yaml")),
            "templates.yaml", b => PromptSourceReader.Read(new MemoryStream(b), "templates.yaml", limits));
        // The first dataset's templates of the real FLAN file (the whole file is 80 KB: slow to mutate a thousand times).
        using (var flan = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllBytes(SharedData.Path("flan", "templates.json"))))
        {
            var first = flan.RootElement.EnumerateObject().First();
            var excerpt = Encoding.UTF8.GetBytes($"{{\"{first.Name}\": {first.Value.GetRawText()}}}");
            cases += Fuzz<TaskFormatException>("flan-templates", excerpt, "templates.json", b => FlanTemplates.Read(new MemoryStream(b), "templates.json", limits));
        }
        cases += Fuzz<TaskFormatException>("seed-pairs", Encoding.UTF8.GetBytes(
            "{\"source\": \"Definition: Reverse it.\", \"target\": \"Reverse the string.\"}\n{\"source\": \"Q: copy\", \"target\": \"Copy the input.\"}\n"),
            "pairs.jsonl", b => ActiveIT.Core.Transfer.SeedPairs.Read(new MemoryStream(b), "pairs.jsonl"));
        cases += Fuzz<JinjaException>("jinja", Encoding.UTF8.GetBytes("{{ text }} {% if label == 1 %}yes{% else %}no{% endif %} ||| {{ answer_choices[label] | lower }}"),
            "", b => new JinjaTemplate(Encoding.UTF8.GetString(b)).Render(new Dictionary<string, object?> { ["text"] = "t", ["label"] = 1L, ["answer_choices"] = new List<object?> { "No", "Yes" } }));
        Assert.True(cases >= 1000, $"{cases} cases");
    }

    [Fact]
    public void Checkpoints_WithMutatedHeaders_LoadOrAreRefusedNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("activeit-fuzz-").FullName;
        try
        {
            var path = Path.Combine(dir, "tiny.safetensors");
            using (var model = GptModel.Create(new ModelConfig(ByteTokenizer.VocabSize, 1, 2, 16, MaxSeqLen: 16, RotaryDim: 4), seed: 1))
            {
                model.Save(path);
            }
            var valid = System.IO.File.ReadAllBytes(path);
            var header = 8 + (int)BitConverter.ToUInt64(valid, 0);
            var mutated = Path.Combine(dir, "mutated.safetensors");
            Fuzz<EngineException>("safetensors", valid, mutated, bytes =>
            {
                // Mutations inside the 8-byte length and the JSON header; the tensor bytes after it are any floats.
                var cut = bytes.Length > header ? bytes[..header] : bytes;
                System.IO.File.WriteAllBytes(mutated, [.. cut, .. valid.Skip(header)]);
                using var loaded = GptModel.Load(mutated);
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
