using ActiveIT.Core;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActiveIT.Engine.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActiveIT.Engine.Torch;

/// <summary>
/// A decoder's low-rank adapters: per target projection, A (rank × in) and B (out × rank) in float32, outside the
/// decoder's module tree so the base's parameter names stay the checkpoint's. Saved and read in PEFT's layout
/// (adapter_config.json, adapter_model.safetensors with keys "base_model.model.{module}.lora_A.weight").
/// </summary>
internal sealed class LoraAdapter : IDisposable
{
    private const string KeyPrefix = "base_model.model.";
    private readonly Dictionary<Linear, (Parameter A, Parameter B)> _byLayer = [];

    private LoraAdapter(LoraConfig config) => Config = config;

    public LoraConfig Config { get; }

    /// <summary>(module path, A, B) in the decoder's module order.</summary>
    public List<(string Module, Parameter A, Parameter B)> Pairs { get; } = [];

    public IEnumerable<Parameter> Parameters => Pairs.SelectMany(p => new[] { p.A, p.B });

    /// <summary>New adapters: A uniform in ±1/√in (as a Linear layer is initialised), B zero, so the model starts as the base.</summary>
    public static LoraAdapter Create(Decoder decoder, LoraConfig config, ulong seed)
    {
        var adapter = new LoraAdapter(config);
        using var generator = new Generator(seed, torch.CPU);
        using var noGrad = no_grad();
        foreach (var (module, layer) in Targets(decoder, config))
        {
            var weight = layer.weight!;
            var bound = 1.0 / Math.Sqrt(weight.shape[1]);
            using var onCpu = torch.empty(config.Rank, weight.shape[1]).uniform_(-bound, bound, generator);
            var a = onCpu.to(weight.device).clone();  // its own storage even on the CPU, where to() returns the same tensor
            var b = torch.zeros(weight.shape[0], config.Rank, device: weight.device);
            adapter.Add(module, layer, a, b);
        }
        return adapter;
    }

    /// <summary>The extra (alpha / rank) · B·A·x of a projection, or null when the projection has no adapter.</summary>
    public Tensor? Delta(Tensor input, Linear layer, ScalarType compute)
    {
        if (!_byLayer.TryGetValue(layer, out var pair))
        {
            return null;
        }
        var low = Mixed.Linear(input, pair.A, null, compute);
        using var scale = Config.Scale.ToScalar();
        return Mixed.Linear(low, pair.B, null, compute).mul_(scale);
    }

    /// <summary>Writes the PEFT layout into <paramref name="folder"/>; <paramref name="basePath"/> becomes base_model_name_or_path.</summary>
    public void Save(string folder, string basePath)
    {
        using var scope = NewDisposeScope();  // the writer's float32 CPU copies go with the call
        Directory.CreateDirectory(folder);
        var tensors = Pairs.SelectMany(p => new[] { (KeyPrefix + p.Module + ".lora_A.weight", (Tensor)p.A), (KeyPrefix + p.Module + ".lora_B.weight", (Tensor)p.B) }).ToList();
        SafetensorsWriter.Write(Path.Combine(folder, "adapter_model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var config = new JsonObject
        {
            ["peft_type"] = "LORA", ["task_type"] = "CAUSAL_LM", ["r"] = Config.Rank, ["lora_alpha"] = Config.Alpha, ["lora_dropout"] = 0.0,
            ["target_modules"] = new JsonArray([.. Config.Targets.Select(t => (JsonNode)t)]), ["bias"] = "none", ["fan_in_fan_out"] = false,
            ["use_rslora"] = false, ["use_dora"] = false, ["modules_to_save"] = null, ["inference_mode"] = true,
            ["base_model_name_or_path"] = basePath,
        };
        var temporary = Path.Combine(folder, "adapter_config.json.tmp");
        File.WriteAllText(temporary, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, Path.Combine(folder, "adapter_config.json"), overwrite: true);
    }

    /// <summary>Reads a PEFT LoRA folder for <paramref name="decoder"/>; every option it cannot honour is an error naming the field.</summary>
    public static LoraAdapter Load(string folder, Decoder decoder)
    {
        var configPath = Path.Combine(folder, "adapter_config.json");
        var config = ReadConfig(configPath);
        var weightsPath = Path.Combine(folder, "adapter_model.safetensors");
        if (!File.Exists(weightsPath))
        {
            throw new EngineException($"{folder}: no adapter_model.safetensors (PyTorch adapter_model.bin is not read: convert it to safetensors)");
        }
        var file = SafetensorsFile.Open(weightsPath);
        var adapter = new LoraAdapter(config);
        var used = new HashSet<string>();
        using var noGrad = no_grad();
        foreach (var (module, layer) in Targets(decoder, config))
        {
            Tensor Read(string part, long[] shape)
            {
                var key = KeyPrefix + module + part;
                if (!file.Entries.TryGetValue(key, out var entry))
                {
                    throw new EngineException($"{weightsPath}: missing tensor '{key}'");
                }
                if (!entry.Shape.SequenceEqual(shape))
                {
                    throw new EngineException($"{weightsPath}: tensor '{key}' has shape [{string.Join(",", entry.Shape)}], expected [{string.Join(",", shape)}]");
                }
                used.Add(key);
                using var stored = file.Read(key);
                return stored.to(ScalarType.Float32).to(layer.weight!.device);
            }
            var weight = layer.weight!;
            adapter.Add(module, layer, Read(".lora_A.weight", [config.Rank, weight.shape[1]]), Read(".lora_B.weight", [weight.shape[0], config.Rank]));
        }
        var unexpected = file.Entries.Keys.FirstOrDefault(k => !used.Contains(k));
        if (unexpected is not null)
        {
            throw new EngineException($"{weightsPath}: unexpected tensor '{unexpected}' (not a LoRA A/B of this config's target_modules)");
        }
        return adapter;
    }

    /// <summary>Folds every ΔW into its base weight: W ← W + (alpha / rank)·B·A.</summary>
    public void MergeInto()
    {
        using var noGrad = no_grad();
        using var scale = Config.Scale.ToScalar();
        foreach (var (layer, (a, b)) in _byLayer)
        {
            using var delta = torch.matmul(b, a);
            layer.weight!.add_(delta, scale);
        }
    }

    public void Dispose()
    {
        foreach (var (_, a, b) in Pairs)
        {
            a.Dispose();
            b.Dispose();
        }
    }

    /// <summary>The base_model_name_or_path an adapter folder names, as written.</summary>
    public static string? BaseOf(string folder)
    {
        using var document = JsonFile.Parse(Path.Combine(folder, "adapter_config.json"));
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("base_model_name_or_path", out var b)
            && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
    }

    /// <summary>An adapter folder: adapter_config.json without a model's config.json.</summary>
    public static bool IsAdapterFolder(string path) =>
        Directory.Exists(path) && File.Exists(Path.Combine(path, "adapter_config.json")) && !File.Exists(Path.Combine(path, "config.json"));

    /// <summary>
    /// The checkpoint base_model_name_or_path names: an absolute path as it is; a relative one beside the adapter folder
    /// first (a models folder holding base and adapters side by side), then inside it, then from the working directory.
    /// Null when none exists.
    /// </summary>
    public static string? ResolveBase(string folder, string named)
    {
        if (Path.IsPathRooted(named))
        {
            return File.Exists(named) || (Directory.Exists(named) && !IsAdapterFolder(named)) ? named : null;
        }
        var full = Path.GetFullPath(folder);
        // Never an adapter folder: adapters on adapters (or a folder naming itself) would load without end.
        return new[] { Path.Combine(Path.GetDirectoryName(full) ?? full, named), Path.Combine(full, named), Path.GetFullPath(named) }
            .Select(Path.GetFullPath).FirstOrDefault(p => File.Exists(p) || (Directory.Exists(p) && !IsAdapterFolder(p)));
    }

    private void Add(string module, Linear layer, Tensor a, Tensor b)
    {
        var pair = (new Parameter(a), new Parameter(b));
        _byLayer[layer] = pair;
        Pairs.Add((module, pair.Item1, pair.Item2));
    }

    private static IEnumerable<(string Module, Linear Layer)> Targets(Decoder decoder, LoraConfig config)
    {
        if (!decoder.Config.IsLlama)
        {
            throw new EngineException("LoRA adapters are supported for the Llama family (llama, mistral, qwen2), not GPT-J");
        }
        var found = decoder.named_modules()
            .Where(m => m.module is Linear && config.Targets.Contains(m.name[(m.name.LastIndexOf('.') + 1)..]))
            .Select(m => (m.name, (Linear)m.module)).ToList();
        return found.Count > 0 ? found : throw new EngineException($"no module of the model matches lora_targets {string.Join(",", config.Targets)}");
    }

    private static LoraConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw new EngineException($"{Path.GetDirectoryName(path)}: no adapter_config.json (a PEFT adapter folder)");
        }
        using (var document = JsonFile.Parse(path))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EngineException($"{path}: a JSON object is expected");
            }
            string? Text(string field) => root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            bool Set(string field) => root.TryGetProperty(field, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.False)
                && !(v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any()) && !(v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0);
            if (Text("peft_type") != "LORA")
            {
                throw new EngineException($"{path}: field 'peft_type' is '{Text("peft_type")}'; only LORA adapters are read");
            }
            foreach (var field in new[] { "use_dora", "use_rslora", "fan_in_fan_out", "modules_to_save", "layers_to_transform", "rank_pattern", "alpha_pattern" })
            {
                if (Set(field))
                {
                    throw new EngineException($"{path}: field '{field}' is set; this engine reads plain LoRA only");
                }
            }
            if (Text("bias") is { } bias && bias != "none")
            {
                throw new EngineException($"{path}: field 'bias' is '{bias}'; only 'none' is read");
            }
            int rank = root.TryGetProperty("r", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var n) ? n
                : throw new EngineException($"{path}: field 'r' must be an integer");
            double alpha = root.TryGetProperty("lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : throw new EngineException($"{path}: field 'lora_alpha' must be a number");
            var targets = root.TryGetProperty("target_modules", out var t) ? t.ValueKind switch
            {
                JsonValueKind.Array => t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()!
                    : throw new EngineException($"{path}: field 'target_modules' must list module names")).ToList(),
                JsonValueKind.String => throw new EngineException($"{path}: field 'target_modules' is a regex; list the module names instead"),
                _ => null,
            } : null;
            var config = new LoraConfig(rank, alpha, targets ?? throw new EngineException($"{path}: field 'target_modules' must be a list of module names"));
            var errors = config.Validate();
            return errors.Count == 0 ? config : throw new EngineException($"{path}: {errors[0].Replace("lora_rank", "field 'r'", StringComparison.Ordinal).Replace("lora_targets", "field 'target_modules'", StringComparison.Ordinal).Replace("lora_alpha", "field 'lora_alpha'", StringComparison.Ordinal)}");
        }
    }
}
