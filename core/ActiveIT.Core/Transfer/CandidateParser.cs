using System.Text;
using System.Text.RegularExpressions;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// Reads the task out of an LLM's answer as models actually write them: chatter before the task, code fences,
/// Markdown bold labels, numbered examples without "Positive", missing explanations, a cut-off ending. Quotes inside a
/// definition are kept verbatim; a definition wrapped whole in one pair of quotes (and with none inside) is unwrapped.
/// </summary>
public static partial class CandidateParser
{
    private enum Label { Definition, Example, NegativeExample, Input, Output, Explanation, Other }

    public static Niv2Candidate ParseNiv2(string raw, bool truncated = false)
    {
        var lines = Clean(raw);
        var warnings = new List<string>();
        var definition = new StringBuilder();
        var examples = new List<(StringBuilder Input, StringBuilder? Output, StringBuilder? Explanation)>();
        StringBuilder? current = null;
        var seenDefinition = false;
        var negative = false;  // inside a "Negative Example" block: read past it, it is not a positive example
        var discard = new StringBuilder();
        void Read(string line)
        {
            var (label, rest) = Classify(line);
            if (!seenDefinition && label != Label.Definition)
            {
                return;  // chatter before the task
            }
            switch (label)
            {
                case Label.Definition when !seenDefinition:
                    seenDefinition = true;
                    current = definition.Append(rest);
                    return;
                case Label.Example or Label.NegativeExample:
                    negative = label == Label.NegativeExample;
                    current = negative ? discard : null;
                    if (!negative)
                    {
                        examples.Add((new StringBuilder(), null, null));
                    }
                    if (rest.Length > 0)
                    {
                        Read(rest);  // "Example 1: Input: abc" on one line
                    }
                    return;
                case Label.Input or Label.Output or Label.Explanation when negative:
                    current = discard;
                    return;
                case Label.Input:
                    if (examples.Count == 0 || examples[^1].Input.Length > 0)
                    {
                        examples.Add((new StringBuilder(), null, null));
                    }
                    current = examples[^1].Input.Append(rest);
                    return;
                case Label.Output when examples.Count > 0:
                    examples[^1] = examples[^1] with { Output = new StringBuilder(rest) };
                    current = examples[^1].Output;
                    return;
                case Label.Explanation when examples.Count > 0:
                    examples[^1] = examples[^1] with { Explanation = new StringBuilder(rest) };
                    current = examples[^1].Explanation;
                    return;
                default:
                    current?.Append('\n').Append(line);  // a continuation line of the field being read
                    return;
            }
        }
        foreach (var line in lines)
        {
            Read(line);
        }
        if (!seenDefinition)
        {
            throw new TransferParseException("no 'Definition:' in the response");
        }
        var text = Unwrap(definition.ToString().Trim());
        if (text.Length == 0)
        {
            throw new TransferParseException("the definition is empty");
        }
        if (truncated && examples.Count == 0)
        {
            throw new TransferParseException("the response was cut off (length limit) inside the definition");
        }
        var parsed = new List<TaskExample>();
        for (var i = 0; i < examples.Count; i++)
        {
            var (input, output, explanation) = examples[i];
            var cutHere = truncated && i == examples.Count - 1;
            if (input.ToString().Trim().Length == 0 || output is null || cutHere)
            {
                warnings.Add($"example {i + 1} dropped: {(cutHere ? "the response was cut off in it" : output is null ? "no output" : "no input")}");
                continue;
            }
            if (explanation is null)
            {
                warnings.Add($"example {i + 1} has no explanation");
            }
            parsed.Add(new TaskExample(input.ToString().Trim(), output.ToString().Trim(), explanation?.ToString().Trim()));
        }
        return new Niv2Candidate(text, parsed, warnings);
    }

    public static FlanCandidate ParseFlan(string raw, bool truncated = false)
    {
        var warnings = new List<string>();
        var templates = new List<string>();
        var lines = Clean(raw);
        for (var i = 0; i < lines.Count; i++)
        {
            var match = TemplateLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            var template = new StringBuilder(match.Groups["text"].Value);
            // A template may span lines until the next "Template N:" line.
            while (i + 1 < lines.Count && !TemplateLine().IsMatch(lines[i + 1]))
            {
                template.Append('\n').Append(lines[++i]);
            }
            var text = Unwrap(template.ToString().Trim());
            var cutHere = truncated && i == lines.Count - 1;
            if (cutHere)
            {
                warnings.Add($"template {templates.Count + 1} dropped: the response was cut off in it");
            }
            else if (!text.Contains("{input}", StringComparison.Ordinal))
            {
                warnings.Add($"template {templates.Count + 1} dropped: no {{input}} placeholder");
            }
            else
            {
                templates.Add(text);
            }
        }
        return templates.Count > 0 ? new FlanCandidate(templates, warnings)
            : throw new TransferParseException(warnings.Count > 0 ? $"no usable template ({string.Join("; ", warnings)})" : "no 'Template N:' line in the response");
    }

    /// <summary>
    /// Lines without code fences and Markdown emphasis around labels. When the answer fences a block that holds the
    /// task (a "Definition:" or "Template N:" line), only that block is read, so remarks after the fence stay out.
    /// </summary>
    private static List<string> Clean(string raw)
    {
        var lines = raw.Replace("\r\n", "\n").Split('\n').Select(l => Emphasis().Replace(l, "$1")).ToList();
        var fences = lines.Select((l, i) => (l, i)).Where(p => p.l.TrimStart().StartsWith("```", StringComparison.Ordinal)).Select(p => p.i).ToArray();
        for (var f = 0; f + 1 < fences.Length; f += 2)
        {
            var block = lines.GetRange(fences[f] + 1, fences[f + 1] - fences[f] - 1);
            if (block.Any(l => Classify(l).Label == Label.Definition || TemplateLine().IsMatch(l)))
            {
                return block;
            }
        }
        return [.. lines.Where((_, i) => !fences.Contains(i))];
    }

    private static (Label Label, string Text) Classify(string line)
    {
        var match = LabelLine().Match(line);
        if (!match.Success)
        {
            return (Label.Other, line);
        }
        var name = match.Groups["label"].Value.ToLowerInvariant();
        var rest = match.Groups["rest"].Value.Trim();
        return name switch
        {
            "definition" or "task definition" or "instruction" => (Label.Definition, rest),
            "input" => (Label.Input, rest),
            "output" => (Label.Output, rest),
            "explanation" => (Label.Explanation, rest),
            _ when name.StartsWith("negative", StringComparison.Ordinal) => (Label.NegativeExample, rest),
            _ when name.Contains("example", StringComparison.Ordinal) => (Label.Example, rest),
            _ => (Label.Other, line),
        };
    }

    private static string Unwrap(string text) =>
        text.Length >= 2 && text[0] == '"' && text[^1] == '"' && !text[1..^1].Contains('"', StringComparison.Ordinal) ? text[1..^1].Trim() : text;

    [GeneratedRegex(@"^\s*(?:[-#>]+\s*)?(?<label>definition|task definition|instruction|input|output|explanation|(?:positive\s+|negative\s+)?example(?:\s*\d+)?)\s*(?:-|:|–)\s*(?<rest>.*)$",
        RegexOptions.IgnoreCase)]
    private static partial Regex LabelLine();

    [GeneratedRegex(@"^\s*(?:[-#]+\s*)?template\s*\d+\s*[:.)-]\s*(?<text>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TemplateLine();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex Emphasis();
}
