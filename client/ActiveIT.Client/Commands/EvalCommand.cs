using System.CommandLine;
using System.Text.Json;
using ActiveIT.Client.Output;
using ActiveIT.Core.Formats;
using ActiveIT.Core.Metrics;

namespace ActiveIT.Client.Commands;

/// <summary>`activeit eval`: NIV2's evaluation script — same input files, same metric names (default track).</summary>
internal sealed class EvalCommand : Command
{
    private readonly Option<string> _predictions = new("--predictions") { Description = "JSON Lines: {\"id\", \"prediction\"}", Required = true };
    private readonly Option<string> _references = new("--references") { Description = "JSON Lines: {\"id\", \"references\", \"task_id\", \"task_category\", \"track\"}", Required = true };
    private readonly Option<bool> _json = new("--json") { Description = "The full metrics object as JSON" };

    public EvalCommand() : base("eval", "ROUGE-L and exact match exactly as NIV2's evaluation.py (overall, per category, per task)")
    {
        Options.Add(_predictions);
        Options.Add(_references);
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        Niv2Evaluation.Result result;
        try
        {
            var references = ReadLines(parse.GetValue(_references)!, e => new EvaluationReference(
                Text(e, "id"), [.. List(e, "references")], Optional(e, "task_id"), Optional(e, "task_category"), Optional(e, "track") ?? "default"));
            var predictions = new Dictionary<string, string>();
            foreach (var (id, prediction) in ReadLines(parse.GetValue(_predictions)!, e => (Text(e, "id"), Text(e, "prediction"))))
            {
                predictions[id] = prediction;
            }
            result = Niv2Evaluation.Evaluate(references, predictions);
        }
        catch (Exception e) when (e is TaskFormatException or ArgumentException or IOException)
        {
            Console.Error.WriteLine($"activeit eval: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        if (result.MissingPredictions > 0)
        {
            Console.Error.WriteLine($"No prediction for {result.MissingPredictions} instances. Use empty string as prediction.");
        }
        if (parse.GetValue(_json))
        {
            Console.WriteLine(JsonSerializer.Serialize(result.Metrics));
            return ExitCodes.Success;
        }
        foreach (var (metric, value) in result.Metrics)
        {
            Console.WriteLine($"{metric}: {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return ExitCodes.Success;
    }

    private static List<T> ReadLines<T>(string file, Func<JsonElement, T> read)
    {
        var items = new List<T>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(line);
                items.Add(read(document.RootElement));
            }
            catch (JsonException e)
            {
                throw new TaskFormatException(file, $"line {lineNumber}", $"malformed JSON: {e.Message.Split(" Path:")[0]}", e);
            }
            catch (InvalidOperationException e)
            {
                throw new TaskFormatException(file, $"line {lineNumber}", e.Message, e);
            }
        }
        return items;
    }

    // Field errors carry the field; ReadLines adds the file and line.
    private static string Text(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidOperationException($"{field}: expected a string");

    private static string? Optional(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? Text(e, field) : null;

    private static IEnumerable<string> List(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Array
        && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
            ? [.. v.EnumerateArray().Select(x => x.GetString()!)]
            : throw new InvalidOperationException($"{field}: expected a list of strings");
}
