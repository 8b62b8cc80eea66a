using ActiveIT.Core.Curriculum;
using ActiveIT.Core.Families;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Tests;

public sealed class FamilyTaskSourceTests
{
    private static readonly IReadOnlyList<InstructionTask> Pool = FamilyTaskSource.Tasks(new FamilyPoolOptions(Tasks: 300, InstancesPerTask: 30), seed: 7);

    [Fact]
    public void EveryCleanLabel_IsWhatTheFamilysRuleGives_RecomputedIndependently()
    {
        foreach (var task in Pool.Where(t => t.Metadata["injected"] != "noisy"))
        {
            foreach (var (input, output) in task.Instances.Select(i => (i.Input, i.Outputs[0])).Concat(task.PositiveExamples.Select(e => (e.Input, e.Output))))
            {
                Assert.True(Expected(task, input) == output, $"{task.Metadata["family"]} {task.Metadata["parameters"]}: {input} → {output}");
            }
        }
    }

    [Fact]
    public void NoisyTasks_CorruptAboutTheNoiseRate_OfTheirLabels_AndNeverTheirExamples()
    {
        var noisy = Pool.Where(t => t.Metadata["injected"] == "noisy").ToArray();
        Assert.Equal(30, noisy.Length);
        var wrong = noisy.Sum(t => t.Instances.Count(i => Expected(t, i.Input) != i.Outputs[0]));
        Assert.InRange(wrong / (double)noisy.Sum(t => t.Instances.Count), 0.22, 0.38);
        Assert.All(noisy, t => Assert.All(t.PositiveExamples, e => Assert.Equal(Expected(t, e.Input), e.Output)));
    }

    [Fact]
    public void Pool_HasTheStatedKindsInjectionsAndEveryFamily()
    {
        Assert.Equal(107, Pool.Count(t => t.Metadata["kind"] == "classification"));  // round(300 × 0.356)
        Assert.All(Pool, t => Assert.Equal(t.Metadata["kind"] == "classification", TaskKind.Decide(t) is { Classification: true, Rule: "metadata" }));
        Assert.Equal(30, Pool.Count(t => t.Metadata["injected"] == "ambiguous"));
        Assert.Equal(TaskFamilies.All.Select(f => f.Name).Order(), Pool.Select(t => t.Metadata["family"]).Distinct().Order());
        Assert.True(Pool.Select(t => t.Definition).Distinct().Count() > 100, "parameters and phrasings vary");

        // An ambiguous task shows its family's underspecified instruction; the same family's clear tasks never do.
        foreach (var family in Pool.GroupBy(t => t.Metadata["family"]))
        {
            var vague = family.Where(t => t.Metadata["injected"] == "ambiguous").Select(t => t.Definition).Distinct().ToArray();
            Assert.True(vague.Length <= 1);
            Assert.All(family.Where(t => t.Metadata["injected"] != "ambiguous"), t => Assert.DoesNotContain(t.Definition, vague));
        }
    }

    [Fact]
    public void SameSeed_SamePool_FamiliesCanBeHeldOut()
    {
        var options = new FamilyPoolOptions(Tasks: 40, InstancesPerTask: 5);
        Assert.Equal(FamilyTaskSource.Tasks(options, 3).Select(t => t.ContentHash()), FamilyTaskSource.Tasks(options, 3).Select(t => t.ContentHash()));
        Assert.NotEqual(FamilyTaskSource.Tasks(options, 3)[0].ContentHash(), FamilyTaskSource.Tasks(options, 4)[0].ContentHash());
        var only = FamilyTaskSource.Tasks(options with { Families = ["reverse", "palindrome"] }, 3);
        Assert.Equal(["palindrome", "reverse"], only.Select(t => t.Metadata["family"]).Distinct().Order());
        Assert.Contains("unknown task family 'nope'", Assert.Throws<ArgumentException>(() => FamilyTaskSource.Tasks(options with { Families = ["nope"] }, 3)).Message);
        Assert.Contains("--noise-rate", Assert.Throws<ArgumentException>(() => FamilyTaskSource.Tasks(options with { NoiseRate = 0 }, 3)).Message);
    }

    /// <summary>Each family's rule, written again from its name and recorded parameters.</summary>
    private static string Expected(InstructionTask task, string z)
    {
        var p = task.Metadata["parameters"].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => x.Split('=')).ToDictionary(x => x[0], x => x.Length > 1 ? x[1] : "");
        string YesNo(bool b) => b ? "yes" : "no";
        switch (task.Metadata["family"])
        {
            case "copy": return z;
            case "reverse": return string.Concat(z.Reverse());
            case "sort": return string.Concat(p.ContainsKey("descending") ? z.OrderDescending() : z.Order());
            case "rotate": var k = int.Parse(p["k"]); return z.Substring(k) + z.Substring(0, k);
            case "shift": return string.Concat(z.Select(c => (char)('a' + (c - 'a' + int.Parse(p["k"])) % 8)));
            case "dedupe": return string.Concat(z.Where((c, i) => z.IndexOf(c) == i));
            case "filter": return z.Replace(p["c"], "");
            case "count": return z.Count(c => c.ToString() == p["c"]).ToString();
            case "rewrite": var at = z.IndexOf(p["x"], StringComparison.Ordinal); return at < 0 ? z : z.Remove(at, p["x"].Length).Insert(at, p["y"]);
            case "add": return (int.Parse(z) + int.Parse(p["n"])).ToString();
            case "contains": return YesNo(z.Contains(p["x"], StringComparison.Ordinal));
            case "palindrome": return YesNo(z == string.Concat(z.Reverse()));
            case "longer": var parts = z.Split(','); return (parts[0].Length > parts[1].Length) == p.ContainsKey("longer") ? "first" : "second";
            case "starts": return YesNo(z.StartsWith(p["c"], StringComparison.Ordinal));
            case "more": return YesNo(z.Count(c => c.ToString() == p["c"]) > int.Parse(p["n"]));
            default: throw new InvalidOperationException(task.Metadata["family"]);
        }
    }
}

public sealed class FamilyCorpusTests
{
    [Fact]
    public void Documents_AreOneDrawnTasksPairs_WithoutInstructions_WithinTheLength()
    {
        var families = new[] { TaskFamilies.Named("reverse"), TaskFamilies.Named("filter") };
        var strings = new FamilyStrings(8, 4, 8);
        for (var index = 0; index < 20; index++)
        {
            var document = FamilyCorpus.Document(families, strings, seed: 4, index, maxChars: 126);
            Assert.Equal(document, FamilyCorpus.Document(families, strings, seed: 4, index, maxChars: 126));  // deterministic
            Assert.InRange(document.Length, 1, 126);
            Assert.DoesNotContain("Definition", document, StringComparison.Ordinal);
            var pairs = System.Text.RegularExpressions.Regex.Matches(document, "Input: ([a-h]+)\\.\nOutput: ([a-h]*)\\.\n\n");
            Assert.True(pairs.Count >= 3);
            Assert.Equal(document.Length, pairs.Sum(m => m.Length));  // nothing but pairs
            if (index % 2 == 0)
            {
                Assert.All(pairs, m => Assert.Equal(new string([.. m.Groups[1].Value.Reverse()]), m.Groups[2].Value));
            }
            else
            {
                // one letter, the document's own parameter, is deleted throughout
                var deleted = pairs.Select(m => m.Groups[1].Value.Except(m.Groups[2].Value).ToArray()).Where(d => d.Length > 0).Select(d => Assert.Single(d)).Distinct();
                Assert.True(deleted.Count() <= 1);
                Assert.All(pairs, m => Assert.Equal(m.Groups[2].Value, new string([.. m.Groups[1].Value.Where(c => !deleted.Contains(c))])));
            }
        }
        Assert.NotEqual(FamilyCorpus.Document(families, strings, 4, 0, 126), FamilyCorpus.Document(families, strings, 5, 0, 126));
    }
}
