using ActiveIT.Core.Formats;

namespace ActiveIT.Core.Transfer;

public static class SeedPairs
{
    /// <summary>Reads JSONL (one {"source", "target"} object per line) or a JSON array of them; errors name the file, line or path, and field.</summary>
    public static IReadOnlyList<SeedPair> Read(Stream stream, string file)
    {
        var limits = ImportLimits.Default;
        var f = new JsonFields(file, limits);
        var pairs = new List<SeedPair>();
        foreach (var (record, at) in JsonRecords.Read(stream, file, limits, f))
        {
            var source = f.RequiredString(record, at, "source");
            var target = f.RequiredString(record, at, "target");
            if (source.Trim().Length == 0 || target.Trim().Length == 0)
            {
                throw f.Error($"{at}.{(source.Trim().Length == 0 ? "source" : "target")}", "must not be empty");
            }
            pairs.Add(new SeedPair(source, target));
        }
        return pairs.Count > 0 ? pairs : throw new TaskFormatException(file, "line 1", "no seed pairs (one {\"source\", \"target\"} object per line)");
    }

    /// <summary>SHA-256 over the pairs in order: part of a transfer's cache key.</summary>
    public static string Hash(IReadOnlyList<SeedPair> pairs)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var pair in pairs)
        {
            foreach (var text in new[] { pair.Source, pair.Target })
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                sha.AppendData(BitConverter.GetBytes(bytes.Length));
                sha.AppendData(bytes);
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}
