using ActiveIT.Runs.Transfer;
using ActiveIT.Engine;
using ActiveIT.Engine.Backends;
using ActiveIT.Engine.Checkpoints;
using ActiveIT.Grains.Transfer;

namespace ActiveIT.Client.Transfer;

/// <summary>The models a transfer run in this process uses, opened from the request: the writer and, for denoising, the scorer.</summary>
internal sealed class TransferBackends : IDisposable
{
    private readonly List<GptModel> _models = [];

    public TransferBackends(TransferRequest request, string device)
    {
        if (request.IsLocal)
        {
            var model = Load(request.Model, "--model", device);
            Chat = new LocalChatBackend(model, Path.GetFileName(Path.TrimEndingDirectorySeparator(request.Model)));
            ModelVersion = request.ModelVersion ?? CheckpointVersion.Of(request.Model);
        }
        else
        {
            Chat = new OpenAiChatBackend(new Uri(request.Backend), request.Model, ApiKey());
            ModelVersion = request.ModelVersion ?? "remote";
        }
        if (request.Denoise && request.Scorer is { } scorer)
        {
            Scorer = request.ScorerBackend is { } url
                ? new OpenAiCompatibleBackend(new Uri(url), scorer, ApiKey(), request.ScorerVersion ?? "remote")
                : new LocalEngineBackend(Load(scorer, "--scorer", device), Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(scorer)),
                    request.ScorerVersion ?? CheckpointVersion.Of(scorer));
        }
    }

    public IChatBackend Chat { get; }
    public IModelBackend? Scorer { get; }
    public string ModelVersion { get; }

    /// <summary>The key for OpenAI-compatible servers: $ACTIVEIT_BACKEND_KEY, else $OPENAI_API_KEY (never printed or stored).</summary>
    public static string? ApiKey() => Environment.GetEnvironmentVariable("ACTIVEIT_BACKEND_KEY") ?? Environment.GetEnvironmentVariable("OPENAI_API_KEY");

    private GptModel Load(string path, string option, string device)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new ArgumentException($"{option} {path}: no such checkpoint file or folder");
        }
        var model = GptModel.Load(path, device);
        _models.Add(model);
        return model;
    }

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }
    }
}
