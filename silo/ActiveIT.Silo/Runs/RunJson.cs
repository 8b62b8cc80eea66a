using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// How a run's config, result and steps are stored in its grain: the API's own JSON (snake_case), so a record reads the
/// same stored or served. NaN and infinities are written as strings, as the CLI writes them: an accuracy over no
/// examples, or a t-test over one seed, has no value.
/// </summary>
public static class RunJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
