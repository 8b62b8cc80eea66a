using System.Text;
using System.Text.Json;

namespace ActiveIT.Core.Formats;

/// <summary>
/// The records of a JSON Lines file (one object per line; blank lines skipped) or of a JSON file holding one
/// array of objects, each with the location errors should name ("line 7" or "$[6]").
/// </summary>
internal static class JsonRecords
{
    public static IEnumerable<(JsonElement Record, string Location)> Read(Stream stream, string file, ImportLimits limits, JsonFields f)
    {
        var limited = new LimitedStream(stream, limits.MaxBytes, file);
        if (!file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            using var document = f.Parse(limited);
            var index = 0;
            foreach (var item in f.Array(document.RootElement, "$"))
            {
                yield return (f.Object(item.Clone(), $"$[{index}]"), $"$[{index}]");
                index++;
            }
            yield break;
        }
        using var reader = new StreamReader(limited, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        var lineNumber = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw new TaskFormatException(file, $"line {lineNumber + 1}", "invalid UTF-8", e);
            }
            if (line is null)
            {
                yield break;
            }
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonElement record;
            try
            {
                using var document = JsonDocument.Parse(line);
                record = document.RootElement.Clone();
                f.CheckText(record, $"line {lineNumber}");
            }
            catch (JsonException e)
            {
                throw f.Malformed(e, lineNumber);
            }
            yield return (f.Object(record, $"line {lineNumber}"), $"line {lineNumber}");
        }
    }
}
