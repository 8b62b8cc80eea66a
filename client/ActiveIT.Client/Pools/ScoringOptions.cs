using System.CommandLine;
using ActiveIT.Engine;
using ActiveIT.Engine.Checkpoints;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;

namespace ActiveIT.Client.Pools;

/// <summary>The model and scorer options `score` and `map` share; together they form the cache key of a score.</summary>
internal sealed class ScoringOptions
{
    public Option<string> Model { get; } = new("--model")
    {
        Description = "Model for the local engine: an ActiveIT checkpoint (.safetensors), a Hugging Face GPT-J or Llama-family folder (config.json + safetensors), or a PEFT LoRA folder on one; or the model's name on --backend or on --silo (a model the silo serves)",
        Required = true,
    };

    public Option<string?> Backend { get; } = new("--backend")
    {
        Description = "An OpenAI-compatible server's base URL (e.g. http://host:8000/v1) instead of the local engine; key from $ACTIVEIT_BACKEND_KEY or $OPENAI_API_KEY",
    };

    public Option<string> ModelVersion { get; } = new("--model-version")
    {
        Description = "With --backend: the version that keys cached scores (change it when the served weights change)",
        DefaultValueFactory = _ => "remote",
    };

    public Option<string?> EosText { get; } = new("--eos-text")
    {
        Description = "With --backend: the server tokenizer's end-of-sequence token as text (default: found by probing <|endoftext|>, </s>, <|eos|>); '' scores without it",
    };

    public Option<int> Instances { get; } = new("--instances") { Description = "Instances per task (n)", DefaultValueFactory = _ => 10 };
    public Option<int> Perturbations { get; } = new("--perturbations") { Description = "Perturbed prompts per task (k)", DefaultValueFactory = _ => 10 };
    public Option<double> Drop { get; } = new("--drop") { Description = "Word-drop probability (p)", DefaultValueFactory = _ => 0.2 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for instance sampling and perturbations", DefaultValueFactory = _ => 0 };
    public Option<int> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "Longest greedy reference output in tokens (the original: 128; less is a recorded scale deviation)", DefaultValueFactory = _ => ScorerConfig.OriginalMaxNewTokens };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Backend, ModelVersion, EosText, Instances, Perturbations, Drop, Seed, MaxNewTokens })
        {
            command.Options.Add(option);
        }
    }

    public ScorerConfig Config(ParseResult parse) => new(parse.GetValue(Instances), parse.GetValue(Perturbations), parse.GetValue(Drop),
        (ulong)parse.GetValue(Seed), parse.GetValue(MaxNewTokens));

    /// <summary>
    /// The backend: a remote server with --backend, else the checkpoint on the local engine (id = file name, version =
    /// the file's SHA-256, so retrained weights never reuse old scores). The model, when local, must be disposed.
    /// </summary>
    public (GptModel? Model, IModelBackend Backend) Open(ParseResult parse, string device)
    {
        if (parse.GetValue(Backend) is { } url)
        {
            var key = Environment.GetEnvironmentVariable("ACTIVEIT_BACKEND_KEY") ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY");
            return (null, new OpenAiCompatibleBackend(new Uri(url), parse.GetValue(Model)!, key, parse.GetValue(ModelVersion)!,
                endOfSequence: parse.GetValue(EosText)));
        }
        var path = parse.GetValue(Model)!;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new ArgumentException($"--model {path}: no such file or folder");
        }
        var version = CheckpointVersion.Of(path);
        var model = GptModel.Load(path, device);
        return (model, new LocalEngineBackend(model, Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)), version));
    }
}
