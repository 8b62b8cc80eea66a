using System.Text;

namespace ActiveIT.Engine;

/// <summary>
/// A GPT-J-style decoder living in the native engine. Calls are serialised per model; every native error
/// surfaces as an <see cref="EngineException"/> carrying the engine's message.
/// </summary>
public sealed unsafe class GptModel : IDisposable
{
    private readonly ModelHandle _handle;

    private GptModel(ModelHandle handle, string device)
    {
        _handle = handle;
        Device = device;
        NativeMethods.Check(NativeMethods.ait_model_get_config(_handle, out var config));
        Config = ModelConfig.FromNative(config);
        NativeMethods.Check(NativeMethods.ait_model_num_params(_handle, out var count));
        ParameterCount = count;
    }

    public ModelConfig Config { get; }
    public string Device { get; }
    public long ParameterCount { get; }
    internal ModelHandle Handle => _handle;
    internal Lock Gate { get; } = new();

    /// <summary>A freshly initialised model; the same seed gives the same weights on every device.</summary>
    public static GptModel Create(ModelConfig config, ulong seed, string device = "cpu")
    {
        var native = config.ToNative();
        NativeMethods.Check(NativeMethods.ait_model_create(native, device, seed, out var handle));
        return new GptModel(handle, device);
    }

    /// <summary>Loads a safetensors checkpoint whose metadata holds the GPT-J config keys.</summary>
    public static GptModel Load(string path, string device = "cpu")
    {
        NativeMethods.Check(NativeMethods.ait_model_load(path, device, out var handle));
        return new GptModel(handle, device);
    }

    /// <summary>Writes a safetensors file (atomically: a temporary file renamed into place) with GPT-J parameter names.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var keys = metadata?.Keys.ToArray() ?? [];
        var values = keys.Select(k => metadata![k]).ToArray();
        lock (Gate)
        {
            NativeMethods.Check(NativeMethods.ait_model_save(_handle, path, keys, values, keys.Length));
        }
    }

    /// <summary>A metadata value from the checkpoint this model was loaded from, or null.</summary>
    public string? GetMetadata(string key)
    {
        lock (Gate)
        {
            NativeMethods.Check(NativeMethods.ait_model_get_metadata(_handle, key, null, 0, out var length));
            if (length < 0)
            {
                return null;
            }
            var buffer = new byte[length];
            fixed (byte* p = buffer)
            {
                NativeMethods.Check(NativeMethods.ait_model_get_metadata(_handle, key, p, length, out _));
            }
            return Encoding.UTF8.GetString(buffer);
        }
    }

    /// <summary>Per row: the sum of log-probabilities of the masked target tokens and their count.</summary>
    public SequenceScore[] Score(SequenceBatch batch)
    {
        var sums = new double[batch.Batch];
        var counts = new int[batch.Batch];
        lock (Gate)
        {
            fixed (int* tokens = batch.Tokens)
            fixed (byte* mask = batch.Mask)
            fixed (double* s = sums)
            fixed (int* c = counts)
            {
                NativeMethods.Check(NativeMethods.ait_model_score(_handle, tokens, mask, batch.Batch, batch.SeqLen, s, c));
            }
        }
        var result = new SequenceScore[batch.Batch];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new SequenceScore(sums[i], counts[i]);
        }
        return result;
    }

    /// <summary>log p(token | earlier tokens) at every masked position, 0 elsewhere: one array of SeqLen per row.</summary>
    public float[][] TokenLogProbs(SequenceBatch batch)
    {
        var output = new float[batch.Batch * batch.SeqLen];
        lock (Gate)
        {
            fixed (int* tokens = batch.Tokens)
            fixed (byte* mask = batch.Mask)
            fixed (float* o = output)
            {
                NativeMethods.Check(NativeMethods.ait_model_token_logprobs(_handle, tokens, mask, batch.Batch, batch.SeqLen, o));
            }
        }
        return Enumerable.Range(0, batch.Batch).Select(b => output.AsSpan(b * batch.SeqLen, batch.SeqLen).ToArray()).ToArray();
    }

    /// <summary>Logits for the token after each sequence: one array of <see cref="ModelConfig.VocabSize"/> per row.</summary>
    public float[][] NextLogits(IReadOnlyList<int[]> sequences)
    {
        var seqLen = sequences.Count == 0 ? 0 : sequences.Max(s => s.Length);
        var tokens = new int[sequences.Count * seqLen];  // padding after a row's length cannot reach its logits (causal attention)
        var lengths = new int[sequences.Count];
        for (var b = 0; b < sequences.Count; b++)
        {
            sequences[b].CopyTo(tokens, b * seqLen);
            lengths[b] = sequences[b].Length;
        }
        var logits = new float[sequences.Count * Config.VocabSize];
        lock (Gate)
        {
            fixed (int* t = tokens)
            fixed (int* l = lengths)
            fixed (float* o = logits)
            {
                NativeMethods.Check(NativeMethods.ait_model_next_logits(_handle, t, l, sequences.Count, seqLen, o));
            }
        }
        return Enumerable.Range(0, sequences.Count).Select(b => logits.AsSpan(b * Config.VocabSize, Config.VocabSize).ToArray()).ToArray();
    }

    /// <summary>Continues each prompt; each result includes the stop token that ended it, if any.</summary>
    public int[][] Generate(IReadOnlyList<int[]> prompts, GenerationOptions options)
    {
        var flat = prompts.SelectMany(p => p).ToArray();
        var lengths = prompts.Select(p => p.Length).ToArray();
        var stops = options.StopTokens.ToArray();
        var outTokens = new int[prompts.Count * Math.Max(options.MaxNewTokens, 0)];
        var outLengths = new int[prompts.Count];
        lock (Gate)
        {
            fixed (int* p = flat)
            fixed (int* l = lengths)
            fixed (int* s = stops)
            fixed (int* o = outTokens)
            fixed (int* ol = outLengths)
            {
                var config = new NativeGenerateConfig
                {
                    MaxNewTokens = options.MaxNewTokens, Temperature = options.Temperature, TopK = options.TopK, TopP = options.TopP,
                    Seed = options.Seed, UseCache = options.UseCache ? 1 : 0, StopTokens = s, NStopTokens = stops.Length,
                };
                NativeMethods.Check(NativeMethods.ait_model_generate(_handle, p, l, prompts.Count, config, o, ol));
            }
        }
        return Enumerable.Range(0, prompts.Count).Select(b => outTokens.AsSpan(b * options.MaxNewTokens, outLengths[b]).ToArray()).ToArray();
    }

    public GptTrainer CreateTrainer(TrainingConfig config) => new(this, config);

    public void Dispose() => _handle.Dispose();
}
