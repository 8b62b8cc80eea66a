using System.Security.Cryptography;
using System.Text;

namespace ActiveIT.Engine.Checkpoints;

/// <summary>
/// The version cached scores are keyed by: the first 16 hex digits of a checkpoint file's SHA-256, or for a Hugging Face
/// folder, of its config and weight files' hashes in name order — the same weights give the same version wherever they lie.
/// A LoRA adapter folder's version covers its base's version too: the same adapters on changed base weights are another model.
/// </summary>
public static class CheckpointVersion
{
    public static string Of(string path)
    {
        if (!Directory.Exists(path))
        {
            return Hash(path);
        }
        var parts = Directory.GetFiles(path)
            .Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f) + ":" + Hash(f)).ToList();
        if (File.Exists(Path.Combine(path, "adapter_config.json")) && !File.Exists(Path.Combine(path, "config.json"))
            && Torch.LoraAdapter.BaseOf(path) is { } named)
        {
            parts.Add("base:" + (Torch.LoraAdapter.ResolveBase(path, named) is { } basePath ? Of(basePath) : "missing"));
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..16];
    }

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }
}
