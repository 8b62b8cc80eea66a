using System.Globalization;
using System.Text.Json;
using ActiveIT.Engine.Tokenizers;
using static TorchSharp.torch;

namespace ActiveIT.Engine.Checkpoints;

/// <summary>
/// Where a model's weights come from: one safetensors file written by ActiveIT (the GPT-J config in its metadata), or a
/// Hugging Face folder — config.json with model.safetensors, or shards listed in model.safetensors.index.json — in
/// F32, F16 or BF16. Tensors are read one at a time.
/// </summary>
internal sealed class CheckpointSource
{
    private readonly Dictionary<string, SafetensorsFile> _fileOf;

    private CheckpointSource(string path, ModelConfig config, IReadOnlyDictionary<string, string> metadata, string tokenizer, Dictionary<string, SafetensorsFile> fileOf)
    {
        Path = path;
        Config = config;
        Metadata = metadata;
        Tokenizer = tokenizer;
        _fileOf = fileOf;
    }

    public string Path { get; }
    public ModelConfig Config { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// "byte", "gpt2" or "tokenizer.json": the checkpoint's own <c>tokenizer</c> metadata; in a Hugging Face folder its
    /// tokenizer.json where there is one; else by vocabulary (GPT-2's 50,257 ids or more: gpt2).
    /// </summary>
    public string Tokenizer { get; }

    public IEnumerable<string> TensorNames => _fileOf.Keys;

    /// <summary>
    /// The tokenizer.json a "tokenizer.json" checkpoint reads: the one beside the weights, else the one its metadata's
    /// <c>tokenizer_file</c> names (a checkpoint saved from a model loaded out of a Hugging Face folder); null otherwise.
    /// </summary>
    public string? TokenizerFile
    {
        get
        {
            if (Tokenizer is not (ITextTokenizer.TokenizerJson or SentencePieceModel.FileName))
            {
                return null;
            }
            var folder = Directory.Exists(Path) ? Path : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
            var beside = System.IO.Path.Combine(folder, Tokenizer);
            if (File.Exists(beside))
            {
                return beside;
            }
            return Metadata.TryGetValue("tokenizer_file", out var named) && File.Exists(named) ? named
                : throw new EngineException($"{Path}: the checkpoint's tokenizer is a {Tokenizer}, but none is beside it" +
                    (named is null ? "" : $" nor at {named} (its metadata 'tokenizer_file')"));
        }
    }

    public static CheckpointSource Open(string path)
    {
        if (Directory.Exists(path))
        {
            return OpenFolder(path);
        }
        var file = SafetensorsFile.Open(path);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!file.Metadata.ContainsKey("n_layer") && File.Exists(System.IO.Path.Combine(folder, "config.json")))
        {
            return OpenFolder(folder);  // a Hugging Face model.safetensors named directly
        }
        var config = ConfigFromMetadata(file.Metadata, path);
        return new CheckpointSource(path, config, file.Metadata, TokenizerFor(file.Metadata, config), file.Entries.Keys.ToDictionary(k => k, _ => file));
    }

    /// <summary>A tensor as float32 on the CPU, checked against the shape the config implies.</summary>
    public Tensor Read(string name, long[] shape)
    {
        if (!_fileOf.TryGetValue(name, out var file))
        {
            throw new EngineException($"{Path}: missing tensor '{name}'");
        }
        var entry = file.Entries[name];
        if (!entry.Shape.SequenceEqual(shape))
        {
            throw new EngineException($"{file.Path}: tensor '{name}' has shape [{string.Join(",", entry.Shape)}], expected [{string.Join(",", shape)}]");
        }
        if (entry.DType is not ("F32" or "F16" or "BF16"))
        {
            throw new EngineException($"{file.Path}: tensor '{name}' has dtype {entry.DType}; expected F32, F16 or BF16");
        }
        using var stored = file.Read(name);
        return stored.to(ScalarType.Float32);
    }

    private static CheckpointSource OpenFolder(string folder)
    {
        var configPath = System.IO.Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new EngineException($"{folder}: a model folder needs config.json (Hugging Face layout)");
        }
        var config = ConfigFromJson(configPath, out var tokenizer);
        var index = System.IO.Path.Combine(folder, "model.safetensors.index.json");
        var fileOf = new Dictionary<string, SafetensorsFile>();
        var metadata = new Dictionary<string, string>();
        if (File.Exists(index))
        {
            var shards = new Dictionary<string, SafetensorsFile>();
            foreach (var (name, shard) in ReadWeightMap(index))
            {
                if (!shards.TryGetValue(shard, out var file))
                {
                    shards[shard] = file = SafetensorsFile.Open(System.IO.Path.Combine(folder, shard));
                }
                if (!file.Entries.ContainsKey(name))
                {
                    throw new EngineException($"{index}: weight_map puts '{name}' in {shard}, which does not hold it");
                }
                fileOf[name] = file;
            }
        }
        else
        {
            var single = System.IO.Path.Combine(folder, "model.safetensors");
            if (!File.Exists(single))
            {
                throw new EngineException($"{folder}: neither model.safetensors nor model.safetensors.index.json is there (PyTorch .bin checkpoints are not read: convert them to safetensors)");
            }
            var file = SafetensorsFile.Open(single);
            foreach (var name in file.Entries.Keys)
            {
                fileOf[name] = file;
            }
            foreach (var (key, value) in file.Metadata)
            {
                metadata[key] = value;
            }
        }
        return new CheckpointSource(folder, config, metadata, tokenizer, fileOf);
    }

    private static IEnumerable<(string Name, string Shard)> ReadWeightMap(string index)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(index));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new EngineException($"{index}: no weight_map object");
            }
            return [.. map.EnumerateObject().Select(p => (p.Name, p.Value.GetString() ?? throw new EngineException($"{index}: weight_map.{p.Name} is not a file name")))];
        }
        catch (JsonException e)
        {
            throw new EngineException($"{index}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }

    private static ModelConfig ConfigFromJson(string path, out string tokenizer)
    {
        using var document = JsonFile.Parse(path);  // read once: the config and ActiveIT's own tokenizer field
        var config = HfConfig.Parse(document.RootElement, path);
        var folder = System.IO.Path.GetDirectoryName(path)!;
        tokenizer = document.RootElement.TryGetProperty("activeit_tokenizer", out var named) ? named.GetString() ?? ""
            : File.Exists(System.IO.Path.Combine(folder, "tokenizer.json")) ? ITextTokenizer.TokenizerJson
            : File.Exists(System.IO.Path.Combine(folder, SentencePieceModel.FileName)) ? SentencePieceModel.FileName
            : config.VocabSize >= Gpt2Tokenizer.VocabSize ? "gpt2" : "byte";
        return config;
    }

    private static ModelConfig ConfigFromMetadata(IReadOnlyDictionary<string, string> m, string path)
    {
        string Get(string key) => m.TryGetValue(key, out var v) ? v
            : throw new EngineException($"{path}: metadata lacks '{key}' (not a checkpoint written by ActiveIT, and no config.json beside it)");
        if (m.TryGetValue("model_type", out var type) && type != ModelConfig.GptJ)
        {
            return HfConfig.Parse(Get("config"), $"{path}: metadata 'config'");  // the Llama family keeps its config.json whole
        }
        int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new EngineException($"{path}: metadata '{key}' is not an integer: {Get(key)}");
        float Float(string key) => float.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x
            : throw new EngineException($"{path}: metadata '{key}' is not a number: {Get(key)}");
        return new ModelConfig(Int("vocab_size"), Int("n_layer"), Int("n_head"), Int("n_embd"), Int("n_positions"), Int("n_inner"), Int("rotary_dim"),
            Float("layer_norm_epsilon"), m.ContainsKey("initializer_range") ? Float("initializer_range") : 0.02f);
    }

    private static string TokenizerFor(IReadOnlyDictionary<string, string> metadata, ModelConfig config) =>
        metadata.TryGetValue("tokenizer", out var name) ? name : config.VocabSize >= Gpt2Tokenizer.VocabSize ? "gpt2" : "byte";
}
