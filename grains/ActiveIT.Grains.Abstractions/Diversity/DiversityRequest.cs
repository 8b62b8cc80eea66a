using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ActiveIT.Grains.Diversity;

/// <summary>
/// An instruction-diversity run (POST /v1/runs/diversity): its config, named by <see cref="Name"/>, by default
/// "diversity-{12 hex digits of the config's hash}", so the same config asked again names the same run.
/// </summary>
public sealed record DiversityRequest(DiversityConfig Config, string? Name = null)
{
    public string RunName => Name ?? $"diversity-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Config))))[..12]}";

    /// <summary>The first problem, naming its field ("config.seeds …", "name …"), or null when the request can run.</summary>
    public string? Invalid() =>
        Config.Problems(field => $"config.{field}") is [var first, ..] ? first
        : !NameRule.IsValid(RunName) ? $"name '{RunName}': use 1–100 letters, digits, '-', '_' or '.'"
        : null;
}
