using System.Text.Json;

namespace ActiveIT.Client.Tests;

/// <summary>
/// A tiny copy of the files Active-IT publishes, written by the test in their layout: NIV2 task files under
/// <c>tasks/</c> (without the label flag, as NIV2 ships them), <c>task_metadata.json</c> keyed by task file name, and one
/// per-round split folder (<c>splits/tiny/init/</c>: train, dev, test and remain lists, one task name a line).
/// Classification tasks name their labels; generation tasks rewrite a word. No real data is copied.
/// </summary>
internal sealed class ActiveItLayout
{
    private static readonly string[] Words = ["apple", "river", "stone", "cloud", "amber", "grape", "lemon", "night", "ocean", "tiger", "bread", "chair"];

    public ActiveItLayout(string root)
    {
        Root = root;
        Directory.CreateDirectory(TasksDir);
        Directory.CreateDirectory(SplitDir);
        var tasks = new List<(string Name, bool Classification, string Category)>();
        for (var i = 0; i < 14; i++)
        {
            var classification = i % 3 == 0;  // 5 of 14, near the paper's share
            var name = $"task{100 + i:D3}_tiny_{(classification ? "contains" : "rewrite")}_{i}";
            var category = classification ? "Text Categorization" : "Text Completion";
            WriteTask(name, i, classification, category, withCategories: i != 1);
            tasks.Add((name, classification, category));
        }
        Metadata = Path.Combine(Root, "task_metadata.json");
        var entries = tasks.ToDictionary(t => t.Name + ".json", t => (object)new Dictionary<string, object>
        {
            ["DefHasLabel"] = t.Classification ? "ExactMentioned" : "NotMentioned",
            ["Categories"] = new[] { t.Category },
            ["Split"] = t.Name.EndsWith("_12", StringComparison.Ordinal) || t.Name.EndsWith("_13", StringComparison.Ordinal) ? "test" : "train",
            ["CLS_GEN"] = t.Classification ? "CLS" : "GEN",
        });
        entries["task999_not_imported.json"] = new Dictionary<string, object> { ["DefHasLabel"] = "ExactMentioned", ["Categories"] = new[] { "Other" } };
        File.WriteAllText(Metadata, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
        Names = [.. tasks.Select(t => t.Name)];
        Classification = [.. tasks.Where(t => t.Classification).Select(t => t.Name)];
        // init: 3 trained in round 0, 2 dev, 2 test, the other 7 remain for selection.
        WriteSplit("train_tasks.txt", Names.Take(3));
        WriteSplit("dev_tasks.txt", Names.Skip(3).Take(2));
        WriteSplit("remain_tasks.txt", Names.Skip(5).Take(7));
        WriteSplit("test_tasks.txt", Names.Skip(12));
    }

    public string Root { get; }
    public string TasksDir => Path.Combine(Root, "tasks");
    public string SplitDir => Path.Combine(Root, "splits", "tiny", "init");
    public string Metadata { get; }
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<string> Classification { get; }

    public string Split(string file) => Path.Combine(SplitDir, file);

    public IReadOnlyList<string> Lines(string file) => File.ReadAllLines(Split(file));

    private void WriteSplit(string file, IEnumerable<string> names) => File.WriteAllText(Split(file), string.Join("\n", names) + "\n");

    private void WriteTask(string name, int index, bool classification, string category, bool withCategories)
    {
        var letter = "aeiou"[index % 5];
        string Answer(string word) => classification
            ? (word.Contains(letter, StringComparison.Ordinal) ? "yes" : "no")
            : (index % 2 == 0 ? new string([.. word.Reverse()]) : word.ToUpperInvariant());
        var definition = classification
            ? $"Does the word contain the letter {letter}? Answer yes or no."
            : index % 2 == 0 ? "Write the word backwards." : "Write the word in capital letters.";
        // A different rotation of the words per task, so tasks' first instances differ.
        var words = Words.Skip(index % Words.Length).Concat(Words.Take(index % Words.Length)).ToArray();
        var task = new Dictionary<string, object>
        {
            ["Contributors"] = new[] { "ActiveIT tests" },
            ["Source"] = new[] { "generated" },
            ["Definition"] = new[] { definition },
            ["Positive Examples"] = words[..2].Select(w => new { input = w, output = Answer(w), explanation = "" }).ToArray(),
            ["Negative Examples"] = Array.Empty<object>(),
            ["Input_language"] = new[] { "English" },
            ["Output_language"] = new[] { "English" },
            ["Instruction_language"] = new[] { "English" },
            ["Domains"] = new[] { "Words" },
            ["Instances"] = words[2..].Select((w, j) => new { id = $"{name}-{j}", input = w, output = new[] { Answer(w) } }).ToArray(),
            ["Instance License"] = new[] { "CC0" },
        };
        if (withCategories)
        {
            task["Categories"] = new[] { category };
        }
        File.WriteAllText(Path.Combine(TasksDir, name + ".json"), JsonSerializer.Serialize(task));
    }
}
