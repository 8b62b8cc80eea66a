using System.CommandLine;
using System.Security.Cryptography;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Scoring;

namespace ActiveIT.Client.Pools;

/// <summary>The model and scorer options `score` and `map` share; together they form the cache key of a score.</summary>
internal sealed class ScoringOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "Model checkpoint (safetensors written by ActiveIT)", Required = true };
    public Option<int> Instances { get; } = new("--instances") { Description = "Instances per task (n)", DefaultValueFactory = _ => 10 };
    public Option<int> Perturbations { get; } = new("--perturbations") { Description = "Perturbed prompts per task (k)", DefaultValueFactory = _ => 10 };
    public Option<double> Drop { get; } = new("--drop") { Description = "Word-drop probability (p)", DefaultValueFactory = _ => 0.2 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for instance sampling and perturbations", DefaultValueFactory = _ => 0 };
    public Option<int> MaxNewTokens { get; } = new("--max-new-tokens") { Description = "Longest greedy output", DefaultValueFactory = _ => 64 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Instances, Perturbations, Drop, Seed, MaxNewTokens })
        {
            command.Options.Add(option);
        }
    }

    public ScorerConfig Config(ParseResult parse) => new(parse.GetValue(Instances), parse.GetValue(Perturbations), parse.GetValue(Drop),
        (ulong)parse.GetValue(Seed), parse.GetValue(MaxNewTokens));

    /// <summary>The checkpoint as a backend: id = file name, version = the file's SHA-256 (so retrained weights never reuse old scores).</summary>
    public (GptModel Model, LocalEngineBackend Backend) Open(ParseResult parse, string device)
    {
        var path = parse.GetValue(Model)!;
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--model {path}: no such file");
        }
        string version;
        using (var file = File.OpenRead(path))
        {
            version = Convert.ToHexStringLower(SHA256.HashData(file))[..16];
        }
        var model = GptModel.Load(path, device);
        return (model, new LocalEngineBackend(model, Path.GetFileNameWithoutExtension(path), version));
    }
}
