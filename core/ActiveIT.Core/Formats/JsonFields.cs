using System.Text.Json;

namespace ActiveIT.Core.Formats;

/// <summary>Typed access to JSON fields that reports the file, the JSON path and the field on every mismatch.</summary>
public sealed class JsonFields(string file, ImportLimits limits)
{
    public TaskFormatException Error(string path, string message) => new(file, path, message);

    public JsonDocument Parse(Stream stream)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(new LimitedStream(stream, limits.MaxBytes, file), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
        try
        {
            CheckText(document.RootElement, "$");
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    /// <summary>
    /// System.Text.Json parses a lone surrogate escape ("\ud800" without its pair) but throws InvalidOperationException
    /// when that name or string is read — wherever a reader first touches it. Every name and string is read here
    /// once, so such text is refused up front with its JSON path.
    /// </summary>
    public void CheckText(JsonElement element, string path)
    {
        static string BadText(string what, InvalidOperationException e) => e.Message.Contains("UTF-8", StringComparison.Ordinal)
            ? $"invalid UTF-8 in {what}"
            : $"{what} holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair)";
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException e)
                    {
                        throw new TaskFormatException(file, path, BadText("a field name", e), e);
                    }
                    CheckText(property.Value, Child(path, name));
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    CheckText(item, $"{path}[{index++}]");
                }
                break;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                }
                catch (InvalidOperationException e)
                {
                    throw new TaskFormatException(file, path, BadText("the string", e), e);
                }
                break;
        }
    }

    public TaskFormatException Malformed(JsonException e, long? line = null) =>
        new(file, $"line {(line ?? e.LineNumber + 1)}, column {e.BytePositionInLine + 1}", $"malformed JSON: {FirstSentence(e.Message)}", e);

    public JsonElement Object(JsonElement parent, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected an object, found {Kind(parent)}");
        }
        return parent;
    }

    public JsonElement? Optional(JsonElement obj, string path, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public JsonElement Required(JsonElement obj, string path, string name) =>
        Optional(obj, path, name) ?? throw Error(Child(path, name), $"missing required field '{name}'");

    public string String(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Error(path, $"expected a string, found {Kind(value)}");
        }
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new TaskFormatException(file, path, "invalid UTF-8 in string", e);
        }
        if (text.Length > limits.MaxTextChars)
        {
            throw Error(path, $"text of {text.Length} characters exceeds the limit of {limits.MaxTextChars} (ImportLimits.MaxTextChars)");
        }
        return text;
    }

    public string RequiredString(JsonElement obj, string path, string name) => String(Required(obj, path, name), Child(path, name));

    public string? OptionalString(JsonElement obj, string path, string name) =>
        Optional(obj, path, name) is { } v ? String(v, Child(path, name)) : null;

    /// <summary>A list of strings; a single string is accepted as a one-element list.</summary>
    public IReadOnlyList<string> StringList(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return [String(value, path)];
        }
        return [.. Array(value, path).Select((item, i) => String(item, $"{path}[{i}]"))];
    }

    public IReadOnlyList<string> OptionalStringList(JsonElement obj, string path, string name) =>
        Optional(obj, path, name) is { } v ? StringList(v, Child(path, name)) : [];

    /// <summary>A list of strings, strictly: a lone string is an error (NIV2's list fields are always lists).</summary>
    public IReadOnlyList<string> StrictStringList(JsonElement value, string path) => [.. Array(value, path).Select((item, i) => String(item, $"{path}[{i}]"))];

    public IReadOnlyList<string> OptionalStrictStringList(JsonElement obj, string path, string name) =>
        Optional(obj, path, name) is { } v ? StrictStringList(v, Child(path, name)) : [];

    public IEnumerable<JsonElement> Array(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, $"expected a list, found {Kind(value)}");
        }
        return value.EnumerateArray();
    }

    public static string Child(string path, string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c == '_') ? $"{path}.{name}" : $"{path}['{name}']";

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
