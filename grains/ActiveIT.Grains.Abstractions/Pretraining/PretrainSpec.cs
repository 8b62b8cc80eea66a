using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ActiveIT.Grains.Pretraining;

/// <summary>How a families base model is pretrained (issue #13): which families' documents, the strings they use, the
/// model (its context is what fine-tuning prompts may use; documents are <see cref="DocumentChars"/> long, shorter is
/// cheaper) and how long it trains. Everything here goes into the cache key.</summary>
public sealed record PretrainSpec(
    IReadOnlyList<string> Families,
    int AlphabetSize,
    int MinLength,
    int MaxLength,
    int Layers,
    int Heads,
    int DModel,
    int Context,
    int DocumentChars,
    int Steps,
    int BatchSize,
    double LearningRate,
    int WarmupSteps)
{
    /// <summary>12 hex digits of the SHA-256 of the spec's canonical JSON: the same spec finds the same cached models.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this))))[..12];
}
