using System.Collections.Concurrent;
using System.Security.Cryptography;
using ActiveIT.Engine;

namespace ActiveIT.Silo.Completions;

/// <summary>
/// The checkpoints the silo serves, loaded on first use and kept for the silo's lifetime: every `ID.safetensors` in the
/// model folder, and every sub-folder `ID/` holding a Hugging Face GPT-J (config.json and safetensors weights).
/// </summary>
public sealed class ModelRegistry(string? modelDir) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GptModel>> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Ids => modelDir is null || !Directory.Exists(modelDir)
        ? []
        : [.. Directory.GetFiles(modelDir, "*.safetensors").Select(Path.GetFileNameWithoutExtension)
            .Concat(Directory.GetDirectories(modelDir).Where(d => File.Exists(Path.Combine(d, "config.json"))).Select(Path.GetFileName))
            .Order(StringComparer.Ordinal)!];

    public GptModel? Get(string id)
    {
        if (!Ids.Contains(id))
        {
            return null;
        }
        return _loaded.GetOrAdd(id, key => new Lazy<GptModel>(() => GptModel.Load(PathOf(key)))).Value;
    }

    /// <summary>The version of a served model, or null when the silo serves no model of that id.</summary>
    public string? VersionOrNull(string id) => Ids.Contains(id) ? Version(id) : null;

    /// <summary>
    /// A served model's version: the first 16 hex digits of its file's SHA-256 (as `activeit score --model FILE` keys
    /// scores); for a folder, of its config and weight files' hashes in name order.
    /// </summary>
    public string Version(string id) => _versions.GetOrAdd(id, key =>
    {
        var path = PathOf(key);
        if (!Directory.Exists(path))
        {
            return Hash(path);
        }
        var parts = Directory.GetFiles(path).Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(f => Path.GetFileName(f) + ":" + Hash(f));
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..16];
    });

    public void Dispose()
    {
        foreach (var model in _loaded.Values.Where(l => l.IsValueCreated))
        {
            model.Value.Dispose();
        }
    }

    private string PathOf(string id) => File.Exists(Path.Combine(modelDir!, id + ".safetensors")) ? Path.Combine(modelDir!, id + ".safetensors") : Path.Combine(modelDir!, id);

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
