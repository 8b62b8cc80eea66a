using ActiveIT.Core;
using System.Globalization;
using ActiveIT.Engine.Checkpoints;
using ActiveIT.Engine.Tokenizers;
using ActiveIT.Engine.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActiveIT.Engine;

/// <summary>
/// A decoder on TorchSharp (libtorch): the GPT-J architecture or the Llama block family (<see cref="ModelConfig.Architecture"/>). Calls are serialised per model; bad input surfaces as an
/// <see cref="EngineException"/> naming what is wrong. <see cref="Precision"/> picks float32 or bf16 matrix products.
/// </summary>
public sealed class GptModel : IDisposable
{
    private static long _live;
    private readonly Dictionary<string, string> _metadata;
    private int _disposed;
    private Precision _precision;

    static GptModel() => HeapSettings.Apply();

    private GptModel(Decoder module, string device, Precision precision, ITextTokenizer tokenizer, Dictionary<string, string> metadata)
    {
        Module = module;
        Device = device;
        _precision = precision;
        Tokenizer = tokenizer;
        _metadata = metadata;
        ParameterCount = module.parameters().Sum(p => p.numel());
        Interlocked.Increment(ref _live);
    }

    ~GptModel() => Release(disposing: false);

    public ModelConfig Config => Module.Config;
    public string Device { get; }
    public long ParameterCount { get; }

    /// <summary>Matrix products and attention in float32 or bf16; weights, optimizer state and loss stay float32 either way.</summary>
    public Precision Precision
    {
        get => _precision;
        set
        {
            lock (Gate)
            {
                _precision = value;
            }
        }
    }

    /// <summary>The checkpoint's tokenizer: bytes for ActiveIT's models, GPT-2 BPE for GPT-J/GPT-2-vocabulary checkpoints.</summary>
    public ITextTokenizer Tokenizer { get; private set; }

    /// <summary>
    /// From now on every prompt this model encodes (<see cref="ITextTokenizer.EncodePrompt"/>: training pairs, scoring,
    /// generation) is one user turn in the checkpoint's chat template, ending in its generation prompt.
    /// </summary>
    public void UseChatTemplate()
    {
        if (Tokenizer is ChatTurnTokenizer)
        {
            return;
        }
        Tokenizer = Tokenizer is TokenizerJson { ChatTemplate: not null } json ? new ChatTurnTokenizer(json)
            : throw new EngineException($"this checkpoint's tokenizer ({Tokenizer.Name}) has no chat template (tokenizer_config.json's chat_template)");
    }

    internal Decoder Module { get; }
    internal Lock Gate { get; } = new();

    /// <summary>Holds <see cref="Gate"/> for a call that runs ops, with this thread's libtorch thread count as configured.</summary>
    internal Lock.Scope Enter()
    {
        EngineRuntime.UseThreadsHere();
        return Gate.EnterScope();
    }
    internal ScalarType ComputeType => Mixed.ComputeType(_precision);
    internal static long Live => Interlocked.Read(ref _live);

    /// <summary>A freshly initialised model; the same seed gives the same weights on every device.</summary>
    public static GptModel Create(ModelConfig config, ulong seed, string device = "cpu", Precision? precision = null)
    {
        Validate(config);
        config = config with { Inner = config.MlpWidth, RotaryDim = config.RotaryDims };  // explicit, as a loaded checkpoint states them
        var target = ParseDevice(device);
        var module = Decoder.For(config);
        EngineRuntime.UseThreadsHere();
        Initialise(module, config, seed);
        module.to(target);
        return new GptModel(module, device, precision ?? EngineRuntime.DefaultPrecision, ByteTextTokenizer.Instance, []);
    }

    /// <summary>
    /// Loads a checkpoint: a safetensors file written by ActiveIT, or a Hugging Face GPT-J or Llama-family folder (config.json with
    /// model.safetensors or sharded with model.safetensors.index.json; F32, F16 or BF16). Weights become float32.
    /// </summary>
    public static GptModel Load(string path, string device = "cpu", Precision? precision = null)
    {
        if (LoraAdapter.IsAdapterFolder(path))
        {
            return LoadWithAdapter(path, device, precision);
        }
        var target = ParseDevice(device);
        var source = CheckpointSource.Open(path);
        try
        {
            Validate(source.Config);
        }
        catch (EngineException e)
        {
            throw new EngineException($"{path}: {e.Message}");
        }
        var tokenizer = ITextTokenizer.For(source.Tokenizer, source.TokenizerFile);
        var module = Decoder.For(source.Config);
        try
        {
            using var noGrad = no_grad();
            var used = new HashSet<string>();
            foreach (var (name, parameter) in module.named_parameters())
            {
                using var value = source.Read(name, parameter.shape);  // freed before the next: a checkpoint is never held twice
                parameter.copy_(value);
                used.Add(name);
            }
            var unexpected = source.TensorNames.FirstOrDefault(n => !used.Contains(n) && !module.IsBuffer(n));
            if (unexpected is not null)
            {
                throw new EngineException($"{path}: unexpected tensor '{unexpected}'");
            }
            module.to(target);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        return new GptModel(module, device, precision ?? EngineRuntime.DefaultPrecision, tokenizer, new Dictionary<string, string>(source.Metadata));
    }

    /// <summary>
    /// A PEFT LoRA folder on its base: base_model_name_or_path as a path (<see cref="LoraAdapter.ResolveBase"/>; a hub name
    /// cannot be fetched here).
    /// </summary>
    private static GptModel LoadWithAdapter(string folder, string device, Precision? precision)
    {
        var named = LoraAdapter.BaseOf(folder) ?? throw new EngineException($"{System.IO.Path.Combine(folder, "adapter_config.json")}: field 'base_model_name_or_path' is missing");
        var basePath = LoraAdapter.ResolveBase(folder, named)
            ?? throw new EngineException($"{System.IO.Path.Combine(folder, "adapter_config.json")}: field 'base_model_name_or_path' names '{named}', which is no checkpoint here");
        var model = Load(basePath, device, precision);
        try
        {
            model.LoadAdapter(folder);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Weights training changes: the adapters' while attached, else all.</summary>
    public long TrainableParameterCount
    {
        get
        {
            using (Enter())
            {
                return TrainableParameters().Sum(p => p.Parameter.numel());
            }
        }
    }

    /// <summary>True while LoRA adapters are attached: training then changes only them.</summary>
    public bool HasAdapter => Module.Adapter is not null;

    /// <summary>The adapters' config while attached, else null.</summary>
    public LoraConfig? Adapter => Module.Adapter?.Config;

    /// <summary>Freezes the base and attaches fresh adapters (B = 0: the model's outputs are unchanged until it trains).</summary>
    public void AttachLora(LoraConfig config, ulong seed)
    {
        var errors = config.Validate();
        if (errors.Count > 0)
        {
            throw new EngineException(string.Join("; ", errors));
        }
        using (Enter())
        {
            Attach(LoraAdapter.Create(Module, config, seed));
        }
    }

    /// <summary>Attaches the adapters of a PEFT LoRA folder (adapter_config.json, adapter_model.safetensors).</summary>
    public void LoadAdapter(string folder)
    {
        using (Enter())
        {
            Attach(LoraAdapter.Load(folder, Module));
        }
    }

    /// <summary>Writes the attached adapters in PEFT's layout (atomically per file), naming <paramref name="basePath"/> as their base.</summary>
    public void SaveAdapter(string folder, string basePath)
    {
        using (Enter())
        {
            (Module.Adapter ?? throw new EngineException("no adapters are attached")).Save(folder, basePath);
        }
    }

    /// <summary>Folds the adapters into the base weights and detaches them: the model is then a plain checkpoint.</summary>
    public void MergeAdapter()
    {
        using (Enter())
        {
            var adapter = Module.Adapter ?? throw new EngineException("no adapters are attached");
            adapter.MergeInto();
            Module.Adapter = null;
            adapter.Dispose();
            foreach (var parameter in Module.parameters())
            {
                parameter.requires_grad = true;
            }
        }
    }

    /// <summary>What training updates: the adapters' A and B when attached, else every weight.</summary>
    internal IEnumerable<(string Name, Parameter Parameter)> TrainableParameters() => Module.Adapter is { } adapter
        ? adapter.Pairs.SelectMany(p => new[] { (p.Module + ".lora_A.weight", p.A), (p.Module + ".lora_B.weight", p.B) })
        : Module.named_parameters().Select(p => (p.name, p.parameter));

    internal void ZeroGrad()
    {
        foreach (var (_, parameter) in TrainableParameters())
        {
            parameter.grad?.zero_();
        }
    }

    private void Attach(LoraAdapter adapter)
    {
        if (Module.Adapter is not null)
        {
            adapter.Dispose();
            throw new EngineException("adapters are attached already: merge them first");
        }
        foreach (var parameter in Module.parameters())
        {
            parameter.requires_grad = false;  // frozen: no gradient (and no memory for one) on the base
        }
        Module.Adapter = adapter;
    }

    /// <summary>Writes a safetensors file (atomically) with the architecture's Hugging Face parameter names and the config in its metadata.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (HasAdapter)
        {
            throw new EngineException("this model has LoRA adapters: save them with SaveAdapter, or merge them first");
        }
        var all = ConfigMetadata(Config, Tokenizer);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (!all.TryAdd(key, value))
            {
                throw new EngineException($"metadata key '{key}' is reserved for the model config");
            }
        }
        using (Enter())
        {
            using var scope = NewDisposeScope();
            SafetensorsWriter.Write(path, [.. Module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))], all);
        }
    }

    /// <summary>A metadata value from the checkpoint this model was loaded from, or null.</summary>
    public string? GetMetadata(string key) => _metadata.GetValueOrDefault(key);

    /// <summary>Per row: the sum of log-probabilities of the masked target tokens and their count.</summary>
    public SequenceScore[] Score(SequenceBatch batch)
    {
        using (Enter())
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var targets = TargetBatch.From(this, batch);
            var sums = new double[batch.Batch];
            var counts = new int[batch.Batch];
            if (targets.Rows.Length == 0)
            {
                return [.. sums.Select(_ => new SequenceScore(0, 0))];
            }
            var logProbs = targets.LogProbs(this).to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (var i = 0; i < logProbs.Length; i++)
            {
                sums[targets.Rows[i]] += logProbs[i];
                counts[targets.Rows[i]]++;
            }
            return [.. sums.Select((s, i) => new SequenceScore(s, counts[i]))];
        }
    }

    /// <summary>log p(token | earlier tokens) at every masked position, 0 elsewhere: one array of SeqLen per row.</summary>
    public float[][] TokenLogProbs(SequenceBatch batch)
    {
        using (Enter())
        {
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var targets = TargetBatch.From(this, batch);
            var output = new float[batch.Batch * batch.SeqLen];
            if (targets.Rows.Length > 0)
            {
                var logProbs = targets.LogProbs(this).cpu().data<float>().ToArray();
                for (var i = 0; i < logProbs.Length; i++)
                {
                    output[targets.Positions[i] + 1] = logProbs[i];  // position t-1 predicts token t
                }
            }
            return [.. Enumerable.Range(0, batch.Batch).Select(b => output.AsSpan(b * batch.SeqLen, batch.SeqLen).ToArray())];
        }
    }

    /// <summary>Logits for the token after each sequence: one array of <see cref="ModelConfig.VocabSize"/> per row.</summary>
    public float[][] NextLogits(IReadOnlyList<int[]> sequences)
    {
        if (sequences.Count == 0)
        {
            throw new EngineException("empty batch (batch = 0)");
        }
        var seqLen = sequences.Max(s => s.Length);
        var tokens = new int[sequences.Count * seqLen];  // padding after a row's end cannot reach its logits (causal attention)
        var last = new long[sequences.Count];
        for (var b = 0; b < sequences.Count; b++)
        {
            if (sequences[b].Length == 0)
            {
                throw new EngineException($"sequence {b} is empty");
            }
            sequences[b].CopyTo(tokens, b * seqLen);
            last[b] = (long)b * seqLen + sequences[b].Length - 1;
        }
        using (Enter())
        {
            CheckShape(sequences.Count, seqLen);
            CheckTokens(tokens, seqLen);
            using var scope = NewDisposeScope();
            using var inference = inference_mode();
            var hidden = Module.Hidden(ToDevice(tokens, sequences.Count, seqLen), null, null, null, ComputeType);
            var rows = hidden.view(-1, Config.DModel).index_select(0, tensor(last, device: DeviceOf));
            var logits = Module.Head(rows, ComputeType).cpu().data<float>().ToArray();
            return [.. Enumerable.Range(0, sequences.Count).Select(b => logits.AsSpan(b * Config.VocabSize, Config.VocabSize).ToArray())];
        }
    }

    /// <summary>Continues each prompt; each result includes the stop token that ended it, if any. <paramref name="onToken"/>
    /// hears each (row, token) as it is chosen (streaming); cancellation is checked before every step.</summary>
    public int[][] Generate(IReadOnlyList<int[]> prompts, GenerationOptions options, Action<int, int>? onToken = null, CancellationToken cancellationToken = default)
    {
        using (Enter())
        {
            return Generation.Run(this, prompts, options, onToken, cancellationToken);
        }
    }

    public GptTrainer CreateTrainer(TrainingConfig config) => new(this, config);

    public void Dispose()
    {
        Release(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Counts the object gone; tensors are freed here on Dispose, by their own finalizers otherwise.</summary>
    private void Release(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        Interlocked.Decrement(ref _live);
        if (disposing)
        {
            lock (Gate)  // never under a call in flight on another thread
            {
                Module.Adapter?.Dispose();
                Module.Dispose();
            }
        }
    }

    internal Device DeviceOf => Module.HeadWeight.device;

    internal Tensor ToDevice(int[] tokens, long batch, long seqLen) =>
        tensor(tokens, [batch, seqLen], ScalarType.Int32).to(ScalarType.Int64, DeviceOf);

    internal void CheckShape(int batch, int seqLen)
    {
        if (batch <= 0)
        {
            throw new EngineException($"empty batch (batch = {batch})");
        }
        if (seqLen <= 0)
        {
            throw new EngineException($"empty sequences (seq_len = {seqLen})");
        }
        if (seqLen > Config.MaxSeqLen)
        {
            throw new EngineException($"seq_len {seqLen} exceeds the model's max_seq_len {Config.MaxSeqLen}");
        }
    }

    internal void CheckTokens(ReadOnlySpan<int> tokens, int seqLen)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] < 0 || tokens[i] >= Config.VocabSize)
            {
                throw new EngineException($"token id {tokens[i]} at row {i / seqLen}, position {i % seqLen} is outside the vocabulary [0, {Config.VocabSize})");
            }
        }
    }

    internal static void Validate(ModelConfig c)
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new EngineException(message);
            }
        }
        Require(c.VocabSize is > 0 and <= 1 << 24, "config.vocab_size must be in 1..16777216");
        Require(c.Layers is > 0 and <= 1024, "config.n_layer must be in 1..1024");
        Require(c.Heads > 0, "config.n_head must be positive");
        Require(c.Architecture is ModelConfig.GptJ or ModelConfig.Llama, $"config.architecture '{c.Architecture}' is not one the engine runs (gptj, llama)");
        if (c.IsLlama)
        {
            Require(c.DModel > 0, "config.hidden_size must be positive");
            Require(c.HeadDim > 0 && c.HeadDim % 2 == 0, "config.head_dim must be positive and even (rotary pairs)");
            Require(c.KvHeadCount > 0 && c.Heads % c.KvHeadCount == 0, "config.num_key_value_heads must divide num_attention_heads");
            Require(c.RopeTheta > 0, "config.rope_theta must be positive");
            Require(c.RopeScaling is null || c.RopeScaling.Factor > 0, "config.rope_scaling.factor must be positive");
            Require(c.RopeScaling is not { Type: "llama3" } s || s.HighFreqFactor > s.LowFreqFactor,
                "config.rope_scaling.high_freq_factor must exceed low_freq_factor");
        }
        else
        {
            Require(c.DModel > 0 && c.DModel % c.Heads == 0, "config.d_model must be a positive multiple of n_head");
        }
        Require(c.MlpWidth > 0, "config.n_inner must be positive");
        Require(c.RotaryDims >= 0 && c.RotaryDims % 2 == 0 && c.RotaryDims <= c.HeadDim,
            $"config.rotary_dim must be even and at most the head dimension ({c.HeadDim})");
        Require(c.MaxSeqLen is > 1 and <= 1 << 20, "config.max_seq_len must be in 2..1048576");
        Require(c.LayerNormEps > 0, "config.layer_norm_eps must be positive");
        Require(c.InitStd > 0, "config.init_std must be positive");
    }

    internal static Device ParseDevice(string? name)
    {
        name = string.IsNullOrEmpty(name) ? "cpu" : name;
        var cuda = name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal);
        if (name != "cpu" && !cuda)
        {
            throw new EngineException($"unknown device '{name}' (use cpu, cuda or cuda:N)");
        }
        if (cuda)
        {
            if (!EngineRuntime.Info.CudaAvailable)
            {
                throw new EngineException($"device '{name}' requested but this libtorch build has no CUDA or no GPU is visible");
            }
            if (name.Length > 5 && (!int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= EngineRuntime.Info.CudaDeviceCount))
            {
                throw new EngineException($"unknown device '{name}': {EngineRuntime.Info.CudaDeviceCount} CUDA device(s) visible");
            }
        }
        return torch.device(name);
    }

    /// <summary>GPT-2's initialisation from one seeded CPU generator in parameter order; projections into the residual stream scaled by 1/√(2·layers).</summary>
    private static void Initialise(Decoder module, ModelConfig config, ulong seed)
    {
        using var generator = new Generator(seed, torch.CPU);
        using var noGrad = no_grad();
        var residual = config.InitStd / Math.Sqrt(2.0 * config.Layers);
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (module.IsNormWeight(name))
            {
                parameter.fill_(1);
            }
            else if (parameter.dim() == 1)
            {
                parameter.zero_();
            }
            else
            {
                var std = module.IsResidualOutput(name) ? residual : config.InitStd;
                parameter.normal_(0, std, generator);
            }
        }
    }

    /// <summary>
    /// GPT-J keeps its config as flat metadata keys (what the C++ engine wrote); the Llama family keeps its config.json
    /// whole under "config". A tokenizer.json is named by path.
    /// </summary>
    private static Dictionary<string, string> ConfigMetadata(ModelConfig c, ITextTokenizer tokenizer)
    {
        Dictionary<string, string> metadata = c.IsLlama
            ? new() { ["format"] = "pt", ["model_type"] = ModelConfig.Llama, ["tokenizer"] = tokenizer.Name, ["config"] = HfConfig.LlamaJson(c) }
            : new()
            {
                ["format"] = "pt", ["model_type"] = "gptj", ["tokenizer"] = tokenizer.Name,
                ["vocab_size"] = Invariant(c.VocabSize), ["n_layer"] = Invariant(c.Layers), ["n_head"] = Invariant(c.Heads), ["n_embd"] = Invariant(c.DModel),
                ["n_inner"] = Invariant(c.MlpWidth), ["rotary_dim"] = Invariant(c.RotaryDims), ["n_positions"] = Invariant(c.MaxSeqLen),
                ["layer_norm_epsilon"] = c.LayerNormEps.ToString("R", CultureInfo.InvariantCulture), ["initializer_range"] = c.InitStd.ToString("R", CultureInfo.InvariantCulture),
            };
        if (tokenizer is ChatTurnTokenizer turn)
        {
            tokenizer = turn.Inner;
        }
        if (tokenizer is TokenizerJson json)
        {
            metadata["tokenizer_file"] = json.Path;
        }

        return metadata;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
