using System.Collections.Concurrent;
using ActiveIT.Engine;

namespace ActiveIT.Silo.Completions;

/// <summary>The checkpoints the silo serves, loaded on first use and kept for the silo's lifetime.</summary>
public sealed class ModelRegistry(string? modelDir) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GptModel>> _loaded = new(StringComparer.Ordinal);

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

    public void Dispose()
    {
        foreach (var model in _loaded.Values.Where(l => l.IsValueCreated))
        {
            model.Value.Dispose();
        }
    }
}
