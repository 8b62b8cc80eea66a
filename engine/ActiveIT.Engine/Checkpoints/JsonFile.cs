using System.Text.Json;

namespace ActiveIT.Engine.Checkpoints;

/// <summary>A checkpoint's JSON file read whole; malformed JSON is an <see cref="EngineException"/> naming the file and line.</summary>
internal static class JsonFile
{
    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new EngineException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }
}
