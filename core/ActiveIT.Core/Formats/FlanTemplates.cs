using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Formats;

/// <summary>FLAN v1's template dictionary (`flan/templates.json`: dataset → list of {input, target}) and tasks rendered from it.</summary>
public static class FlanTemplates
{
    public static IReadOnlyDictionary<string, IReadOnlyList<FlanTemplate>> Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var f = new JsonFields(file, limits);
        using var document = f.Parse(stream);
        var root = f.Object(document.RootElement, "$");
        var result = new Dictionary<string, IReadOnlyList<FlanTemplate>>(StringComparer.Ordinal);
        foreach (var dataset in root.EnumerateObject())
        {
            var path = JsonFields.Child("$", dataset.Name);
            result[dataset.Name] = [.. f.Array(dataset.Value, path).Select((item, i) =>
            {
                var at = $"{path}[{i}]";
                f.Object(item, at);
                var template = new FlanTemplate(file, dataset.Name, i, f.RequiredString(item, at, "input"), f.RequiredString(item, at, "target"));
                foreach (var (text, part) in new[] { (template.Input, "input"), (template.Target, "target") })
                {
                    if (Unbalanced(text))
                    {
                        throw f.Error($"{at}.{part}", "unbalanced '{' or '}' (write '{{' or '}}' for a literal brace)");
                    }
                }
                return template;
            })];
        }
        return result;
    }

    /// <summary>
    /// A task in FLAN's instance-level format: instance i is data row i rendered with template i mod the template count.
    /// The definition is the first template's input, placeholders and all (there is no separate instruction).
    /// </summary>
    public static InstructionTask ToTask(string dataset, IReadOnlyList<FlanTemplate> templates, IReadOnlyList<IReadOnlyDictionary<string, string>> rows,
        IReadOnlyList<string>? options = null)
    {
        if (templates.Count == 0)
        {
            throw new ArgumentException($"FLAN dataset '{dataset}' has no templates");
        }
        var instances = rows.Select((row, i) =>
        {
            var (input, target) = templates[i % templates.Count].Render(row, options);
            return new TaskInstance($"flan-{dataset}-{i}", input, [target]);
        }).ToArray();
        return new InstructionTask($"flan-{dataset}", "flan", TaskFormat.Flan, templates[0].Input, [], [], instances, [], [], ["English"], "Apache-2.0",
            new Dictionary<string, string> { ["templates"] = $"{templates.Count}" });
    }

    private static bool Unbalanced(string text)
    {
        var open = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '{' or '}' && i + 1 < text.Length && text[i + 1] == text[i] && !open)
            {
                i++;
                continue;
            }
            if (text[i] == '{')
            {
                if (open)
                {
                    return true;
                }
                open = true;
            }
            else if (text[i] == '}')
            {
                if (!open)
                {
                    return true;
                }
                open = false;
            }
        }
        return open;
    }
}
