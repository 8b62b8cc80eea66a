using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActiveIT.Engine.Checkpoints;

/// <summary>
/// A Hugging Face config.json to a <see cref="ModelConfig"/> and back. model_type "gptj" reads GPT-J's fields; "llama",
/// "mistral" and "qwen2" read the Llama family's. An option the engine does not run is an error naming the file and
/// the field, never silently ignored.
/// </summary>
internal static class HfConfig
{
    public static readonly string[] LlamaFamily = ["llama", "mistral", "qwen2"];

    public static ModelConfig Parse(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new EngineException($"{path}: a JSON object is expected");
        }
        var type = root.TryGetProperty("model_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var reader = new Fields(root, path);
        return type switch
        {
            "gptj" => GptJ(reader),
            "llama" or "mistral" or "qwen2" => Llama(reader, type),
            _ => throw new EngineException($"{path}: model_type '{type}' is not supported (gptj, {string.Join(", ", LlamaFamily)})"),
        };
    }

    public static ModelConfig Parse(string json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new EngineException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}");
        }
    }

    /// <summary>A Llama-family config as config.json states it (model_type "llama"): what ActiveIT writes with its checkpoints.</summary>
    public static string LlamaJson(ModelConfig c)
    {
        var json = new JsonObject
        {
            ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"), ["vocab_size"] = c.VocabSize,
            ["hidden_size"] = c.DModel, ["intermediate_size"] = c.MlpWidth, ["num_hidden_layers"] = c.Layers,
            ["num_attention_heads"] = c.Heads, ["num_key_value_heads"] = c.KvHeadCount, ["head_dim"] = c.HeadDim,
            ["max_position_embeddings"] = c.MaxSeqLen, ["rms_norm_eps"] = c.LayerNormEps, ["rope_theta"] = c.RopeTheta,
            ["tie_word_embeddings"] = c.TieEmbeddings, ["attention_bias"] = c.AttentionBias, ["mlp_bias"] = c.MlpBias,
            ["hidden_act"] = "silu", ["initializer_range"] = c.InitStd,
            ["rope_scaling"] = c.RopeScaling is not { } s ? null : new JsonObject
            {
                ["rope_type"] = s.Type, ["factor"] = s.Factor, ["low_freq_factor"] = s.LowFreqFactor,
                ["high_freq_factor"] = s.HighFreqFactor, ["original_max_position_embeddings"] = s.OriginalMaxPositions,
            },
        };
        if (c.AttentionBias && !c.OutputBias)
        {
            // Llama's attention_bias also puts a bias on o_proj; q/k/v alone is Qwen 2's layout.
            json["model_type"] = "qwen2";
            json["architectures"] = new JsonArray("Qwen2ForCausalLM");
            json.Remove("attention_bias");
        }
        else if (c.OutputBias && !c.AttentionBias)
        {
            throw new EngineException("an o_proj bias without q/k/v biases has no Hugging Face config");
        }
        return json.ToJsonString();
    }

    private static ModelConfig GptJ(Fields f)
    {
        var width = f.Int("n_embd");
        var heads = f.Int("n_head");
        if (f.Bool("tie_word_embeddings", false))
        {
            throw new EngineException($"{f.Path}: tie_word_embeddings true is not supported (GPT-J has its own lm_head)");
        }
        return new ModelConfig(f.Int("vocab_size"), f.Int("n_layer"), heads, width, f.Int("n_positions"), f.Int("n_inner", 4 * width),
            f.Int("rotary_dim", heads > 0 ? width / heads : 0), (float)f.Number("layer_norm_epsilon", 1e-5), (float)f.Number("initializer_range", 0.02));
    }

    private static ModelConfig Llama(Fields f, string type)
    {
        var activation = f.String("hidden_act", "silu");
        if (activation != "silu")
        {
            throw new EngineException($"{f.Path}: field 'hidden_act' is '{activation}'; the Llama family runs 'silu' (SwiGLU)");
        }
        var heads = f.Int("num_attention_heads");
        var width = f.Int("hidden_size");
        var maxPositions = f.Int("max_position_embeddings");
        // Mistral attends within a sliding window: identical to full attention up to the window, so the context stops there.
        if (type == "mistral" && f.Has("sliding_window"))
        {
            maxPositions = Math.Min(maxPositions, f.Int("sliding_window"));
        }
        if (type == "qwen2" && f.Bool("use_sliding_window", false))
        {
            throw new EngineException($"{f.Path}: field 'use_sliding_window' true is not supported (full attention only)");
        }
        var attentionBias = type == "qwen2" || f.Bool("attention_bias", false);
        return new ModelConfig(f.Int("vocab_size"), f.Int("num_hidden_layers"), heads, width, maxPositions,
            Inner: f.Int("intermediate_size"), LayerNormEps: (float)f.Number("rms_norm_eps", 1e-6), InitStd: (float)f.Number("initializer_range", 0.02),
            Architecture: ModelConfig.Llama, KvHeads: f.Int("num_key_value_heads", heads), HeadSize: f.Int("head_dim", heads > 0 ? width / heads : 0),
            RopeTheta: f.Number("rope_theta", 10000), RopeScaling: Scaling(f), TieEmbeddings: f.Bool("tie_word_embeddings", false),
            AttentionBias: attentionBias, OutputBias: type != "qwen2" && attentionBias, MlpBias: f.Bool("mlp_bias", false));
    }

    private static RopeScaling? Scaling(Fields f)
    {
        if (!f.Root.TryGetProperty("rope_scaling", out var s) || s.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var inner = new Fields(s, f.Path, "rope_scaling.");
        var type = inner.Has("rope_type") ? inner.String("rope_type", "") : inner.String("type", "");
        return type switch
        {
            "default" => null,
            "linear" => new RopeScaling("linear", inner.Number("factor")),
            "llama3" => new RopeScaling("llama3", inner.Number("factor"), inner.Number("low_freq_factor"), inner.Number("high_freq_factor"),
                inner.Int("original_max_position_embeddings")),
            _ => throw new EngineException($"{f.Path}: field 'rope_scaling.rope_type' is '{type}'; supported: default, linear, llama3"),
        };
    }

    /// <summary>Typed reads of a config object, each failure naming the file and the field.</summary>
    private sealed class Fields(JsonElement root, string path, string prefix = "")
    {
        public JsonElement Root => root;
        public string Path => path;

        public bool Has(string key) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

        public int Int(string key, int? fallback = null)
        {
            if (root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n))
            {
                return n;
            }
            if (fallback is not null && !Has(key))
            {
                return fallback.Value;
            }
            throw new EngineException($"{path}: field '{prefix}{key}' must be an integer");
        }

        public double Number(string key, double? fallback = null)
        {
            if (root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number)
            {
                return v.GetDouble();
            }
            if (fallback is not null && !Has(key))
            {
                return fallback.Value;
            }
            throw new EngineException($"{path}: field '{prefix}{key}' must be a number");
        }

        public bool Bool(string key, bool fallback)
        {
            if (!Has(key))
            {
                return fallback;
            }
            var v = root.GetProperty(key);
            return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
                : throw new EngineException($"{path}: field '{prefix}{key}' must be true or false");
        }

        public string String(string key, string fallback)
        {
            if (!Has(key))
            {
                return fallback;
            }
            var v = root.GetProperty(key);
            return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new EngineException($"{path}: field '{prefix}{key}' must be a string");
        }
    }
}
