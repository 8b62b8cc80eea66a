using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ActiveIT.Core.Transfer;

/// <summary>
/// Everything that decides which candidates a transfer asks for. Its <see cref="Key"/> names the candidates' cache
/// (with the source task's content hash and the target): the same key never sends the same request twice.
/// </summary>
/// <param name="Backend">"local" or the OpenAI-compatible server's base URL.</param>
/// <param name="ModelVersion">The model's weights: a checkpoint's hash, or what the user says a remote model is.</param>
/// <param name="SeedPairs">How many seed pairs the prompt shows (k).</param>
/// <param name="SeedPairsHash">Which seed pairs (<see cref="SeedPairs.Hash"/>).</param>
public sealed record TransferConfig(
    TransferTarget Target,
    string Backend,
    string Model,
    string ModelVersion,
    int Candidates,
    float Temperature,
    int MaxTokens,
    ulong Seed,
    int SeedPairs,
    string SeedPairsHash)
{
    public void Validate()
    {
        if (Candidates is < 1 or > 256)
        {
            throw new ArgumentException($"--candidates {Candidates}: between 1 and 256");
        }
        if (Temperature is < 0 or > 2)
        {
            throw new ArgumentException($"--temperature {Temperature}: between 0 and 2");
        }
        if (MaxTokens < 1)
        {
            throw new ArgumentException($"--max-tokens {MaxTokens}: at least 1");
        }
    }

    /// <summary>16 hex digits of SHA-256 over the fields in a fixed order.</summary>
    public string Key() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
        "transfer-v1", Target.Name(), Backend, Model, ModelVersion, Candidates.ToString(CultureInfo.InvariantCulture),
        Temperature.ToString("R", CultureInfo.InvariantCulture), MaxTokens.ToString(CultureInfo.InvariantCulture),
        Seed.ToString(CultureInfo.InvariantCulture), SeedPairs.ToString(CultureInfo.InvariantCulture), SeedPairsHash))))[..16];

    /// <summary>The seed of candidate <paramref name="index"/>'s request: candidates are N seeded requests.</summary>
    public ulong CandidateSeed(int index) => Seed * 1_000_003UL + (ulong)index;
}
