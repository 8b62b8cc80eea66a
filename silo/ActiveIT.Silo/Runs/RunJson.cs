using System.Text.Json;

namespace ActiveIT.Silo.Runs;

/// <summary>How a run's config and result are stored in its grain: the API's own JSON (snake_case), so a record reads the same stored or served.</summary>
public static class RunJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
