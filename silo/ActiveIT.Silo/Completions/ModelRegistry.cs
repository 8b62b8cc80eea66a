using System.Collections.Concurrent;
using ActiveIT.Engine;
using ActiveIT.Engine.Checkpoints;

namespace ActiveIT.Silo.Completions;

/// <summary>
/// The checkpoints the silo serves, loaded on first use and kept for the silo's lifetime: every `ID.safetensors` in the
/// model folder, every sub-folder `ID/` holding a Hugging Face GPT-J or Llama-family checkpoint (config.json and
/// safetensors weights), and every sub-folder holding PEFT LoRA adapters (adapter_config.json), served on the base it names.
/// </summary>
public sealed class ModelRegistry(string? modelDir, Precision precision = Precision.Fp32) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GptModel>> _loaded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Ids => modelDir is null || !Directory.Exists(modelDir)
        ? []
        : [.. Directory.GetFiles(modelDir, "*.safetensors").Select(Path.GetFileNameWithoutExtension)
            .Concat(Directory.GetDirectories(modelDir).Where(d => File.Exists(Path.Combine(d, "config.json")) || File.Exists(Path.Combine(d, "adapter_config.json")))
                .Select(Path.GetFileName))
            .Order(StringComparer.Ordinal)!];

    public GptModel? Get(string id)
    {
        if (!Ids.Contains(id))
        {
            return null;
        }
        var entry = _loaded.GetOrAdd(id, key => new Lazy<GptModel>(() => GptModel.Load(PathOf(key), precision: precision)));
        try
        {
            return entry.Value;
        }
        catch
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<GptModel>>(id, entry));  // a fixed file loads on the next request
            throw;
        }
    }

    /// <summary>The version of a served model, or null when the silo serves no model of that id.</summary>
    public string? VersionOrNull(string id) => Ids.Contains(id) ? Version(id) : null;

    /// <summary>A served model's version (<see cref="CheckpointVersion"/>), as `activeit score --model PATH` keys scores.</summary>
    public string Version(string id) => _versions.GetOrAdd(id, key => CheckpointVersion.Of(PathOf(key)));

    public void Dispose()
    {
        foreach (var model in _loaded.Values.Where(l => l.IsValueCreated))
        {
            model.Value.Dispose();
        }
    }

    private string PathOf(string id) => File.Exists(Path.Combine(modelDir!, id + ".safetensors")) ? Path.Combine(modelDir!, id + ".safetensors") : Path.Combine(modelDir!, id);
}
