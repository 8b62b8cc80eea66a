using ActiveIT.Core.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActiveIT.Grains.Import;

/// <summary>
/// Reads a PromptSource `templates.yaml` (dataset, subset, templates keyed by id, with `!Template` and
/// `!TemplateMetadata` tags) and compiles every template's Jinja, so bad files fail with file, line and field.
/// </summary>
public static class PromptSourceReader
{
    public static IReadOnlyList<PromptSourceTemplate> Read(Stream stream, string file, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(new LimitedStream(stream, limits.MaxBytes, file), new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new TaskFormatException(file, $"line {e.Start.Line}, column {e.Start.Column}", $"malformed YAML: {e.Message}", e);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new TaskFormatException(file, "text", "invalid UTF-8", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these, not a YamlException, on some malformed input (found by FuzzTests): its scanner on
            // odd plain scalars, its node loader on a key that is only a colon inside a tagged mapping.
            throw new TaskFormatException(file, "text", $"malformed YAML: the parser stopped ({e.Message})", e);
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new TaskFormatException(file, "line 1", "expected a mapping with 'dataset' and 'templates'");
        }
        var dataset = Scalar(root, "dataset", file, "$") ?? throw Missing(file, root, "$", "dataset");
        var subset = Scalar(root, "subset", file, "$");
        var name = subset is null ? dataset : $"{dataset}/{subset}";
        if (Child(root, "templates") is not YamlMappingNode templates)
        {
            throw Missing(file, root, "$", "templates");
        }
        var result = new List<PromptSourceTemplate>();
        foreach (var (key, node) in templates.Children)
        {
            var id = ((YamlScalarNode)key).Value ?? "";
            var path = $"$.templates['{id}']";
            if (node is not YamlMappingNode template)
            {
                throw new TaskFormatException(file, Line(node), $"{path}: expected a template mapping");
            }
            var metadata = Child(template, "metadata") as YamlMappingNode;
            var metrics = metadata is not null && Child(metadata, "metrics") is YamlSequenceNode list
                ? list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToArray()
                : [];
            result.Add(new PromptSourceTemplate(file, path, name, id,
                Scalar(template, "name", file, path) ?? id,
                Scalar(template, "jinja", file, path) ?? throw Missing(file, template, path, "jinja"),
                Scalar(template, "answer_choices", file, path),
                metadata is not null && Scalar(metadata, "original_task", file, path) is "true",
                metrics).Compile());
        }
        return result;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key, string file, string path) => Child(map, key) switch
    {
        null => null,
        YamlScalarNode { Value: "null" or "~" or "" } s when s.Style == YamlDotNet.Core.ScalarStyle.Plain => null,
        YamlScalarNode s => s.Value,
        var other => throw new TaskFormatException(file, Line(other), $"{path}.{key}: expected text"),
    };

    private static TaskFormatException Missing(string file, YamlNode node, string path, string key) =>
        new(file, Line(node), $"{path}: missing required field '{key}'");

    private static string Line(YamlNode node) => $"line {node.Start.Line}";
}
