using System.Text;

namespace ActiveIT.Core.Formats;

/// <summary>
/// One FLAN v1 template: an input and a target with Python-format <c>{field}</c> placeholders (<c>{{</c>/<c>}}</c> are
/// literal braces). <c>{options_}</c> renders the answer options as <c>OPTIONS:\n- a\n- b</c>.
/// </summary>
public sealed record FlanTemplate(string File, string Dataset, int Index, string Input, string Target)
{
    public const string OptionsField = "options_";

    /// <summary>Placeholders used in input and target, in order of first use.</summary>
    public IReadOnlyList<string> Fields => [.. Placeholders(Input).Concat(Placeholders(Target)).Distinct()];

    /// <summary>Fills the placeholders from a data row; <paramref name="options"/> supplies <c>{options_}</c> when the row does not.</summary>
    public (string Input, string Target) Render(IReadOnlyDictionary<string, string> row, IReadOnlyList<string>? options = null) =>
        (Fill(Input, "input", row, options), Fill(Target, "target", row, options));

    public static string FormatOptions(IReadOnlyList<string> options) => "OPTIONS:\n- " + string.Join("\n- ", options);

    private string Fill(string template, string part, IReadOnlyDictionary<string, string> row, IReadOnlyList<string>? options)
    {
        var output = new StringBuilder(template.Length * 2);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                output.Append(c);
                i++;
                continue;
            }
            if (c != '{')
            {
                output.Append(c);
                continue;
            }
            var end = template.IndexOf('}', i);
            var field = template[(i + 1)..end];
            if (row.TryGetValue(field, out var value))
            {
                output.Append(value);
            }
            else if (field == OptionsField && options is not null)
            {
                output.Append(FormatOptions(options));
            }
            else
            {
                throw new TaskFormatException(File, $"$.{Dataset}[{Index}].{part}",
                    $"template refers to field '{field}', which the data lacks (it has: {string.Join(", ", row.Keys.Order(StringComparer.Ordinal))})");
            }
            i = end;
        }
        return output.ToString();
    }

    private static IEnumerable<string> Placeholders(string template)
    {
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] is '{' or '}' && i + 1 < template.Length && template[i + 1] == template[i])
            {
                i++;
            }
            else if (template[i] == '{')
            {
                var end = template.IndexOf('}', i);
                yield return template[(i + 1)..end];
                i = end;
            }
        }
    }
}
