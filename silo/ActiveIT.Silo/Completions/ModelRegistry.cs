using System.Collections.Concurrent;
using ActiveIT.Engine;

namespace ActiveIT.Silo.Completions;

/// <summary>The checkpoints the silo serves, loaded on first use and kept for the silo's lifetime.</summary>
public sealed class ModelRegistry(string? modelDir) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GptModel>> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Ids => modelDir is null || !Directory.Exists(modelDir)
        ? []
        : [.. Directory.GetFiles(modelDir, "*.safetensors").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];

    public GptModel? Get(string id)
    {
        if (!Ids.Contains(id))
        {
            return null;
        }
        return _loaded.GetOrAdd(id, key => new Lazy<GptModel>(() => GptModel.Load(Path.Combine(modelDir!, key + ".safetensors")))).Value;
    }

    /// <summary>The version of a served model, or null when the silo serves no model of that id.</summary>
    public string? VersionOrNull(string id) => Ids.Contains(id) ? Version(id) : null;

    /// <summary>A served model's version: the first 16 hex digits of its file's SHA-256 (as `activeit score --model FILE` keys scores).</summary>
    public string Version(string id) => _versions.GetOrAdd(id, key =>
    {
        using var file = File.OpenRead(Path.Combine(modelDir!, key + ".safetensors"));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file))[..16];
    });

    public void Dispose()
    {
        foreach (var model in _loaded.Values.Where(l => l.IsValueCreated))
        {
            model.Value.Dispose();
        }
    }
}
