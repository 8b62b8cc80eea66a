using System.Globalization;
using System.Text;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Rewriting;
using ActiveIT.Core.Tasks;
using ActiveIT.Core.Transfer;

namespace ActiveIT.Core.Tests;

/// <summary>Format transfer's pure parts: reading candidates out of LLM answers, label maps, budgets and prices, seed pairs, applying a candidate.</summary>
public sealed class TransferParsingTests
{
    // ---- CandidateParser.ParseNiv2 on answers as models write them ----

    [Fact]
    public void Niv2_ChatterBeforeTheDefinition_IsIgnored_AndQuotesInsideTheDefinitionAreKeptVerbatim()
    {
        const string raw = """
            Sure! Here is the task rewritten in the Natural Instructions format.

            Definition: Replace "ab" with "ba".
            Positive Example 1 -
            Input: xaby
            Output: xbay
            Explanation: The first "ab" becomes "ba".
            """;
        var c = CandidateParser.ParseNiv2(raw);
        Assert.Equal("Replace \"ab\" with \"ba\".", c.Definition);
        Assert.Equal([new TaskExample("xaby", "xbay", "The first \"ab\" becomes \"ba\".")], c.Examples);
        Assert.Empty(c.Warnings);
    }

    [Fact]
    public void Niv2_CodeFencesAndBoldLabels_AreRead()
    {
        const string raw = """
            Here you go:
            ```text
            **Definition:** Swap every "a" for "b".

            **Positive Example 1 -**
            **Input:** aa
            **Output:** ba
            **Explanation:** Only the leftmost "a" changes.
            ```
            """;
        var c = CandidateParser.ParseNiv2(raw);
        Assert.Equal("Swap every \"a\" for \"b\".", c.Definition);
        Assert.Equal([new TaskExample("aa", "ba", "Only the leftmost \"a\" changes.")], c.Examples);
        Assert.Empty(c.Warnings);
    }

    [Fact]
    public void Niv2_RemarksAfterTheFencedTask_StayOut()
    {
        const string raw = """
            Here you go:
            ```
            Definition: Copy the input.
            Positive Example 1 -
            Input: ab
            Output: ab
            Explanation: The input is copied.
            ```
            Let me know if you need anything else!
            """;
        var parsed = CandidateParser.ParseNiv2(raw);
        Assert.Equal("The input is copied.", Assert.Single(parsed.Examples).Explanation);
    }

    [Fact]
    public void Niv2_NegativeExamples_AreNotReadAsPositive()
    {
        const string raw = """
            Definition: Copy the input.
            Positive Example 1 -
            Input: ab
            Output: ab
            Explanation: Copied.
            Negative Example 1 -
            Input: cd
            Output: dc
            Explanation: Reversed, not copied.
            Positive Example 2 -
            Input: ef
            Output: ef
            Explanation: Copied too.
            """;
        var parsed = CandidateParser.ParseNiv2(raw);
        Assert.Equal([("ab", "ab"), ("ef", "ef")], parsed.Examples.Select(e => (e.Input, e.Output)));
        Assert.Equal("Copied too.", parsed.Examples[1].Explanation);
    }

    [Fact]
    public void Niv2_ExampleLabelAndInputOnOneLine_KeepsTheInput()
    {
        var parsed = CandidateParser.ParseNiv2("Definition: Copy the input.\nExample 1: Input: abc\nOutput: abc\nExplanation: Copied.");
        var example = Assert.Single(parsed.Examples);
        Assert.Equal(("abc", "abc", "Copied."), (example.Input, example.Output, example.Explanation));
    }

    [Fact]
    public void Niv2_DefinitionWrappedWholeInQuotes_IsUnwrapped_ButNotWhenItHasQuotesInside()
    {
        Assert.Equal("Reverse the string.", CandidateParser.ParseNiv2("Definition: \"Reverse the string.\"").Definition);
        Assert.Equal("\"ab\" becomes \"ba\"", CandidateParser.ParseNiv2("Definition: \"ab\" becomes \"ba\"").Definition);
    }

    [Fact]
    public void Niv2_MultiLineDefinition_KeepsItsLines()
    {
        const string raw = "Definition: Replace the first \"ab\"\nwith \"ba\" in the input.\n\nPositive Example 1 -\nInput: ab\nOutput: ba\nExplanation: e\n";
        var c = CandidateParser.ParseNiv2(raw);
        Assert.Equal("Replace the first \"ab\"\nwith \"ba\" in the input.", c.Definition);
        Assert.Single(c.Examples);
    }

    [Fact]
    public void Niv2_ExamplesNumberedWithoutPositive_AndCrLfLineEnds_AreRead()
    {
        const string raw = "Definition: Copy.\r\nExample 1:\r\nInput: a\r\nOutput: a\r\nExplanation: copied\r\nExample 2:\r\nInput: b\r\nOutput: b\r\nExplanation: copied too\r\n";
        var c = CandidateParser.ParseNiv2(raw);
        Assert.Equal("Copy.", c.Definition);
        Assert.Equal([new TaskExample("a", "a", "copied"), new TaskExample("b", "b", "copied too")], c.Examples);
    }

    [Fact]
    public void Niv2_MissingExplanation_IsKeptWithAWarning()
    {
        var c = CandidateParser.ParseNiv2("Definition: Copy.\nPositive Example 1 -\nInput: a\nOutput: a\nPositive Example 2 -\nInput: b\nOutput: b\nExplanation: copied\n");
        Assert.Equal([new TaskExample("a", "a"), new TaskExample("b", "b", "copied")], c.Examples);
        Assert.Equal(["example 1 has no explanation"], c.Warnings);
    }

    [Fact]
    public void Niv2_ExampleWithoutOutput_IsDroppedWithAWarning()
    {
        var c = CandidateParser.ParseNiv2("Definition: Copy.\nPositive Example 1 -\nInput: a\nExplanation: ?\nPositive Example 2 -\nInput: b\nOutput: b\nExplanation: copied\n");
        Assert.Equal([new TaskExample("b", "b", "copied")], c.Examples);
        Assert.Equal(["example 1 dropped: no output"], c.Warnings);
    }

    [Fact]
    public void Niv2_Truncated_DropsTheLastExample()
    {
        const string raw = "Definition: Copy.\nPositive Example 1 -\nInput: a\nOutput: a\nExplanation: copied\nPositive Example 2 -\nInput: b\nOutput: b\nExplanation: cop";
        var whole = CandidateParser.ParseNiv2(raw);
        Assert.Equal(2, whole.Examples.Count);
        var cut = CandidateParser.ParseNiv2(raw, truncated: true);
        Assert.Equal([new TaskExample("a", "a", "copied")], cut.Examples);
        Assert.Equal(["example 2 dropped: the response was cut off in it"], cut.Warnings);
        Assert.Equal("Copy.", cut.Definition);
    }

    [Fact]
    public void Niv2_TruncatedInsideTheDefinition_Throws()
    {
        var e = Assert.Throws<TransferParseException>(() => CandidateParser.ParseNiv2("Definition: Replace the leftmost occurrence of \"a", truncated: true));
        Assert.Contains("cut off", e.Message);
        Assert.Contains("definition", e.Message);
    }

    [Fact]
    public void Niv2_NoDefinition_Throws()
    {
        var e = Assert.Throws<TransferParseException>(() => CandidateParser.ParseNiv2("I'm sorry, here are some examples:\nInput: a\nOutput: b\n"));
        Assert.Equal("no 'Definition:' in the response", e.Message);
        Assert.Equal("the definition is empty", Assert.Throws<TransferParseException>(() => CandidateParser.ParseNiv2("Definition:\nPositive Example 1 -\nInput: a\nOutput: a")).Message);
    }

    [Fact]
    public void Niv2_RoundTripsTaskText()
    {
        const string definition = "Replace the leftmost \"ab\" with \"ba\".\nLeave inputs without \"ab\" unchanged.";
        TaskExample[] examples = [new("xaby", "xbay", "The first \"ab\" becomes \"ba\"."), new("ccc", "ccc", "No \"ab\", so nothing changes.")];
        var c = CandidateParser.ParseNiv2(TaskText.Niv2(definition, examples));
        Assert.Equal(definition, c.Definition);
        Assert.Equal(examples, c.Examples);
        Assert.Empty(c.Warnings);
        Assert.Equal(TaskText.Niv2(definition, examples), TaskText.Niv2(c.Definition, c.Examples));
    }

    // ---- CandidateParser.ParseFlan ----

    [Fact]
    public void Flan_KeepsTemplatesWithThePlaceholder_AndDropsTheOthersWithWarnings()
    {
        const string raw = """
            Here are the templates:
            Template 1: Rewrite "{input}" by replacing the first "ab" with "ba".
            **Template 2:** {input}

            Swap the leftmost "ab" for "ba". Which string results?
            Template 3: Replace ab with ba.
            """;
        var c = CandidateParser.ParseFlan(raw);
        Assert.Equal(["Rewrite \"{input}\" by replacing the first \"ab\" with \"ba\".", "{input}\n\nSwap the leftmost \"ab\" for \"ba\". Which string results?"], c.Templates);
        Assert.Equal(["template 3 dropped: no {input} placeholder"], c.Warnings);
    }

    [Fact]
    public void Flan_NoUsableTemplate_Throws_AndTruncationDropsTheLast()
    {
        Assert.Equal("no 'Template N:' line in the response", Assert.Throws<TransferParseException>(() => CandidateParser.ParseFlan("Definition: x")).Message);
        var e = Assert.Throws<TransferParseException>(() => CandidateParser.ParseFlan("Template 1: no placeholder here"));
        Assert.StartsWith("no usable template (template 1 dropped: no {input} placeholder", e.Message);
        var cut = CandidateParser.ParseFlan("Template 1: a {input}\nTemplate 2: b {input} and", truncated: true);
        Assert.Equal(["a {input}"], cut.Templates);
        Assert.Equal(["template 2 dropped: the response was cut off in it"], cut.Warnings);
        string[] templates = ["Q: {input}", "{input}\nAnswer:"];
        Assert.Equal(templates, CandidateParser.ParseFlan(TaskText.Flan(templates)).Templates);
    }

    // ---- LabelMap ----

    [Fact]
    public void LabelMap_Parse_MapsKeysAndKeepsTheRest()
    {
        var map = LabelMap.Parse("1=yes,0=no");
        Assert.False(map.Strict);
        Assert.False(map.IsIdentity);
        Assert.Equal("yes", map.Apply("1", "w"));
        Assert.Equal("no", map.Apply("0", "w"));
        Assert.Equal("maybe", map.Apply("maybe", "w"));
        Assert.Equal("0=no,1=yes", map.ToString());
        Assert.Equal("strict:0=no,1=yes", LabelMap.Parse("strict:1=yes,0=no").ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("keep")]
    public void LabelMap_EmptyOrKeep_IsIdentity_AndLeavesTheTaskAlone(string? text)
    {
        var map = LabelMap.Parse(text);
        Assert.True(map.IsIdentity);
        var task = LabelTask();
        Assert.Same(task, map.Apply(task));
        Assert.Equal("keep", map.ToString());
    }

    [Theory]
    [InlineData("1=yes,1=no", "'1' is mapped twice")]
    [InlineData("1yes", "entry '1yes'")]
    [InlineData("1=,0=no", "entry '1='")]
    [InlineData("strict:=yes", "entry '=yes'")]
    public void LabelMap_BadText_IsRejected(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => LabelMap.Parse(text)).Message);

    [Fact]
    public void LabelMap_Strict_NamesTheTaskAndInstanceOfAnUnmappedLabel()
    {
        var map = LabelMap.Parse("strict:1=yes,0=no");
        var task = LabelTask() with { Instances = [new TaskInstance("i1", "x", ["1"]), new TaskInstance("i2", "y", ["2"])] };
        var e = Assert.Throws<ArgumentException>(() => map.Apply(task));
        Assert.Contains("task 'labels'", e.Message);
        Assert.Contains("instance 'i2'", e.Message);
        Assert.Contains("label '2'", e.Message);
        // Lenient: the unknown label is kept.
        Assert.Equal(["yes", "2"], LabelMap.Parse("1=yes,0=no").Apply(task).Instances.Select(i => i.Outputs[0]));
    }

    [Fact]
    public void LabelMap_Apply_MapsInstancesAndExamples()
    {
        var mapped = LabelMap.Parse("strict:1=yes,0=no").Apply(LabelTask());
        Assert.Equal(["yes", "no"], mapped.PositiveExamples.Select(e => e.Output));
        Assert.Equal(["good", "bad"], mapped.PositiveExamples.Select(e => e.Input));
        Assert.Equal("fine", mapped.PositiveExamples[0].Explanation);
        Assert.Equal(["no"], mapped.NegativeExamples.Select(e => e.Output));
        Assert.Equal(new[] { new[] { "yes" }, ["no", "yes"] }, mapped.Instances.Select(i => i.Outputs.ToArray()));
        Assert.Equal(["great", "awful"], mapped.Instances.Select(i => i.Input));
        Assert.Equal(LabelTask().Definition, mapped.Definition);
    }

    private static InstructionTask LabelTask() => new("labels", "test", TaskFormat.Niv2, "Is the review positive? Answer 1 or 0.",
        [new TaskExample("good", "1", "fine"), new TaskExample("bad", "0")], [new TaskExample("meh", "0")],
        [new TaskInstance("i1", "great", ["1"]), new TaskInstance("i2", "awful", ["0", "1"])], [], [], [], null, new Dictionary<string, string>());

    // ---- Budget, prices, spend ----

    [Fact]
    public void Budget_IsExhaustedOnEachLimit_AndNotBelow()
    {
        var budget = new TransferBudget(MaxRequests: 5, MaxTokens: 1000, MaxCost: 0.5m);
        Assert.Null(budget.Exhausted(new TransferSpend(4, 500, 499, 0.4999m)));
        Assert.Equal("request budget reached (5 of 5)", budget.Exhausted(new TransferSpend(5, 0, 0, 0)));
        Assert.StartsWith("token budget reached", budget.Exhausted(new TransferSpend(1, 600, 400, 0)));
        Assert.Equal("cost budget reached ($0.5 of $0.5)", budget.Exhausted(new TransferSpend(1, 0, 0, 0.5m)));
        Assert.Null(TransferBudget.Unlimited.Exhausted(new TransferSpend(1_000_000, 1_000_000_000, 1_000_000_000, 1_000_000m)));
        Assert.Null(new TransferBudget(MaxRequests: 5).Exhausted(new TransferSpend(4, 1_000_000, 1_000_000, 99m)));
        Assert.Equal("unlimited", TransferBudget.Unlimited.ToString());
        Assert.Equal("5 requests, 1000 tokens, $0.5", budget.ToString());
    }

    [Fact]
    public void PriceTable_ParsesInvariantly_AndCostsAreExactDecimals()
    {
        var before = CultureInfo.CurrentCulture;
        // A culture with a decimal comma (the build runs in invariant-globalization mode, so it is made by hand) must not change the parse.
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        (comma.NumberFormat.NumberDecimalSeparator, comma.NumberFormat.NumberGroupSeparator) = (",", ".");
        CultureInfo.CurrentCulture = comma;
        try
        {
            var prices = PriceTable.Parse("0.15,0.60");
            Assert.Equal(new PriceTable(0.15m, 0.60m), prices);
            Assert.Equal(0.75m, prices.Cost(1_000_000, 1_000_000));
            Assert.Equal(0.0005253m, prices.Cost(1234, 567));
            var spend = TransferSpend.None;
            for (var i = 0; i < 10; i++)
            {
                spend = spend.Add(1, 0, new PriceTable(0.1m, 0));
            }
            Assert.Equal(0.000001m, spend.Cost);  // ten 1e-7 costs: exactly 1e-6 (a double would not be)
            Assert.Equal(new TransferSpend(10, 10, 0, 0.000001m), spend);
            var two = TransferSpend.None.Add(1000, 500, prices).Add(1000, 500, prices);
            Assert.Equal(new TransferSpend(2, 2000, 1000, 0.0009m), two);
            Assert.Equal(3000, two.Tokens);
            Assert.Equal("2 requests, 2,000 prompt + 1,000 completion tokens, $0.0009", two.ToString());
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0.15")]
    [InlineData("0.15,0.60,1")]
    [InlineData("-1,2")]
    [InlineData("1,x")]
    public void PriceTable_BadText_IsRejected(string text) =>
        Assert.Contains("--price", Assert.Throws<ArgumentException>(() => PriceTable.Parse(text)).Message);

    [Fact]
    public void PriceTable_Empty_IsFree() => Assert.Equal(0m, PriceTable.Parse(null).Cost(1_000_000, 1_000_000));

    // ---- Seed pairs ----

    private static IReadOnlyList<SeedPair> ReadPairs(string text, string file = "pairs.jsonl") => SeedPairs.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), file);

    [Fact]
    public void SeedPairs_ReadsJsonlAndArrays()
    {
        Assert.Equal([new SeedPair("a", "b"), new SeedPair("c", "d")], ReadPairs("{\"source\":\"a\",\"target\":\"b\"}\n{\"source\":\"c\",\"target\":\"d\"}\n"));
        Assert.Equal([new SeedPair("a", "b")], ReadPairs("[{\"source\":\"a\",\"target\":\"b\"}]", "pairs.json"));
        Assert.NotEqual(SeedPairs.Hash([new SeedPair("a", "b")]), SeedPairs.Hash([new SeedPair("ab", "")]));
    }

    [Fact]
    public void SeedPairs_Errors_NameFileLineAndField()
    {
        var missing = Assert.Throws<TaskFormatException>(() => ReadPairs("{\"source\":\"a\",\"target\":\"b\"}\n{\"source\":\"c\"}\n"));
        Assert.Equal("pairs.jsonl", missing.File);
        Assert.Equal("line 2.target", missing.Location);
        Assert.Contains("missing required field 'target'", missing.Message);

        var empty = Assert.Throws<TaskFormatException>(() => ReadPairs("{\"source\":\"  \",\"target\":\"b\"}\n"));
        Assert.Equal("line 1.source", empty.Location);
        Assert.Contains("must not be empty", empty.Message);

        var inArray = Assert.Throws<TaskFormatException>(() => ReadPairs("[{\"source\":\"a\",\"target\":\"b\"}, {\"target\":\"d\"}]", "pairs.json"));
        Assert.Equal("$[1].source", inArray.Location);

        var none = Assert.Throws<TaskFormatException>(() => ReadPairs(""));
        Assert.Equal("pairs.jsonl", none.File);
        Assert.Contains("no seed pairs", none.Message);
    }

    // ---- RewriteFormats.StatesRule ----

    [Theory]
    [InlineData("Replace the first \"ab\" with \"ba\".", true)]
    [InlineData("Replace the leftmost occurrence of \"ab\" with \"ba\", once. Example: \"abab\".", true)]
    [InlineData("Replace the first \"ba\" with \"ab\".", false)]
    [InlineData("Replace the first \"ab\" with \"b\".", false)]
    [InlineData("Replace the first \"ab\".", false)]
    [InlineData("Replace ab with ba.", false)]
    [InlineData("Given \"xabx\", replace \"ab\" with \"ba\".", false)]
    public void StatesRule_ComparesTheFirstTwoQuotedStrings(string definition, bool expected) =>
        Assert.Equal(expected, RewriteFormats.StatesRule(definition, new RewriteRule("ab", "ba")));

    [Fact]
    public void StatesRule_HoldsForTheRulesOwnDefinition_WithAnEmptyReplacement() =>
        Assert.True(RewriteFormats.StatesRule(RewriteTaskSource.Definition(new RewriteRule("ab", "")), new RewriteRule("ab", "")));

    // ---- TransferApply.ToNiv2 ----

    private static readonly Dictionary<string, string> Provenance = new() { ["config"] = "k", ["candidate"] = "3" };

    [Fact]
    public void ToNiv2_TakesExamplesFromTheFirstInstancesWithOutputs_AndKeepsTheRestVerbatim()
    {
        TaskInstance[] instances =
        [
            new("s-0", "Text: q\nWhat is the text after substituting?", []),  // no output: cannot be an example
            new("s-1", "Text: xaby\nWhat is the text after substituting \"ba\" for the first \"ab\"?", ["1"]),
            new("s-2", "In \"ab\", change the leftmost \"ab\" into \"ba\". Result:", ["0"]),
            new("s-3", "  spaced input  ", ["1"]),
            new("s-4", "ccc", ["0", "1"]),
        ];
        var source = new InstructionTask("src", "string-rewrite", TaskFormat.PromptSource, "{{text}}\nReplace the first \"ab\" with \"ba\".", [], [],
            instances, ["String Rewriting"], [], ["English"], null, new Dictionary<string, string> { ["pattern"] = "ab" });
        var candidate = new Niv2Candidate("Replace the leftmost \"ab\" with \"ba\".",
            [new TaskExample("In \"ab\", change the leftmost \"ab\" into \"ba\". Result:  ", "WRONG", "Explained by the model."),
             new TaskExample("unrelated", "x", "Not matched.")], []);

        var task = TransferApply.ToNiv2(source, candidate, LabelMap.Parse("1=yes,0=no"), Provenance);

        Assert.Equal(TaskFormat.Niv2, task.Format);
        Assert.Equal("src", task.Id);
        Assert.Equal(candidate.Definition, task.Definition);
        // Examples: the source's inputs and (mapped) outputs — never the model's output — with the model's explanation where its input matches.
        Assert.Equal([new TaskExample(instances[1].Input, "yes"), new TaskExample(instances[2].Input, "no", "Explained by the model.")], task.PositiveExamples);
        Assert.Empty(task.NegativeExamples);
        // Instances: the rest, inputs and ids verbatim, labels mapped.
        Assert.Equal(["s-0", "s-3", "s-4"], task.Instances.Select(i => i.Id));
        Assert.Equal([instances[0].Input, instances[3].Input, instances[4].Input], task.Instances.Select(i => i.Input));
        Assert.Equal(new[] { Array.Empty<string>(), ["yes"], ["no", "yes"] }, task.Instances.Select(i => i.Outputs.ToArray()));
        Assert.Equal("PromptSource", task.Metadata["transfer_source_format"]);
        Assert.Equal("k", task.Metadata["transfer_config"]);
        Assert.Equal("3", task.Metadata["transfer_candidate"]);
        Assert.Equal("ab", task.Metadata["pattern"]);
        Assert.Equal(5, source.Instances.Count);  // the source is not changed
    }

    [Fact]
    public void ToNiv2_LabelMap_RewritesLabelWordsInTheGeneratedDefinitionAndExplanations_ButNotOtherNumbers()
    {
        var source = LabelTask() with { Format = TaskFormat.PromptSource, PositiveExamples = [], NegativeExamples = [] };
        var candidate = new Niv2Candidate("Is the review positive? Answer \"1\" for positive or 0 otherwise (reviews rate 1-5; 10 reviews at most).",
            [new TaskExample("great", "1", "Positive, so 1.")], []);

        var task = TransferApply.ToNiv2(source, candidate, LabelMap.Parse("1=yes,0=no"), Provenance);

        // The instances say yes/no now, so the definition must too; numbers that are no label stay as written.
        Assert.Equal("Is the review positive? Answer \"yes\" for positive or no otherwise (reviews rate 1-5; 10 reviews at most).", task.Definition);
        Assert.Equal("Positive, so yes.", task.PositiveExamples[0].Explanation);
        Assert.Equal(["yes", "no"], task.PositiveExamples.Select(e => e.Output));
        // Labels are swapped at once, not one after the other.
        Assert.Equal("Say no or yes.", TransferApply.ToNiv2(source, candidate with { Definition = "Say yes or no." }, LabelMap.Parse("yes=no,no=yes"), Provenance).Definition);
        Assert.Equal(candidate.Definition, TransferApply.ToNiv2(source, candidate, LabelMap.Keep, Provenance).Definition);

        var flan = TransferApply.ToFlan(source with { Format = TaskFormat.Niv2 }, new FlanCandidate(["{input}\nAnswer 1 or 0."], []), LabelMap.Parse("1=yes,0=no"), Provenance);
        Assert.Equal("great\nAnswer yes or no.", flan.Instances[0].Input);
    }

    [Fact]
    public void ToNiv2_KeepsTheSourcesOwnExamples_AndEveryInstance()
    {
        var source = RewriteTaskSource.Tasks(new RewriteGenerator(RewriteGeneratorOptions.Demo), 1, 4, seed: 5)[0];
        var first = source.PositiveExamples[0];
        var candidate = new Niv2Candidate("Rewrite.", [new TaskExample(first.Input, first.Output, "Because.")], []);
        var task = TransferApply.ToNiv2(source, candidate, LabelMap.Keep, Provenance);
        Assert.Equal([first with { Explanation = "Because." }, source.PositiveExamples[1]], task.PositiveExamples);
        Assert.Equal(source.Instances, task.Instances);
        Assert.Equal("Rewrite.", task.Definition);
    }
}
