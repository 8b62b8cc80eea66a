using System.Text;
using ActiveIT.Core;

namespace ActiveIT.Testing;

/// <summary>
/// Byte-level mutations of valid inputs for the fuzz tests: a fixed seed and a rotating one (the clock) every run;
/// ACTIVEIT_FUZZ_SEED replays a rotating seed a failure printed.
/// </summary>
internal static class Mutations
{
    private static readonly string[] Tokens = ["{", "}", "[", "]", "\"", ",", ":", "null", "1e999", "-", "\t", "\n", "\0", "\\ud800", "true", "\"\"",
        "- ", ": ", "{{", "}}", "{%", "%}", "|||", "\u00e9", "\xff"];

    public static IEnumerable<ulong> Seeds()
    {
        yield return 1;
        yield return Environment.GetEnvironmentVariable("ACTIVEIT_FUZZ_SEED") is { } fixedSeed ? ulong.Parse(fixedSeed) : (ulong)DateTime.UtcNow.Ticks;
    }

    /// <summary>1-3 mutations of the input's bytes.</summary>
    public static byte[] Mutate(byte[] input, SeededRandom random)
    {
        var bytes = input.ToList();
        for (var n = random.NextInt(1, 3); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.NextInt(bytes.Count);
            switch (random.NextInt(5))
            {
                case 0:
                    bytes[at] = (byte)random.NextInt(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.NextInt(1, 20)));
                    break;
                case 2:
                    bytes.InsertRange(at, bytes.Skip(at).Take(random.NextInt(1, 40)).ToArray());
                    break;
                case 3:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.NextInt(Tokens.Length)]));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

}
