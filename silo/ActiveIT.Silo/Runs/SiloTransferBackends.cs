using ActiveIT.Engine.Backends;
using ActiveIT.Grains.Transfer;
using ActiveIT.Runs.Transfer;
using ActiveIT.Silo.Completions;
using Microsoft.Extensions.Options;

namespace ActiveIT.Silo.Runs;

/// <summary>
/// The models a transfer on this silo talks to: backend "local" is a model the silo serves; a URL must be one of
/// ActiveIT:RemoteBackends and is reached with the key in ActiveIT:TransferBackendKey (never a key of the request).
/// </summary>
public sealed class SiloTransferBackends(ModelRegistry models, IConfiguration configuration, IOptions<SiloOptions> options)
{
    private static bool SameBase(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>403 when the request names a server this silo may not call.</summary>
    public IResult? Refuse(TransferRequest request)
    {
        foreach (var (field, url) in new[] { ("backend", request.IsLocal ? null : request.Backend), ("scorer_backend", request.ScorerBackend) })
        {
            if (url is not null && !options.Value.RemoteBackends.Any(allowed => SameBase(allowed, url)))
            {
                return Results.Problem(statusCode: 403, title: "Backend not allowed",
                    detail: $"{field} '{url}' is not one of this silo's ActiveIT:RemoteBackends ({(options.Value.RemoteBackends.Count == 0 ? "none: only its own models" : string.Join(", ", options.Value.RemoteBackends))})");
            }
        }
        return null;
    }

    public FormatTransferRunner Runner(IGrainFactory grains, TransferRequest request)
    {
        var key = configuration["ActiveIT:TransferBackendKey"];
        IChatBackend chat;
        string version;
        if (request.IsLocal)
        {
            var model = models.Get(request.Model) ?? throw new KeyNotFoundException(NoModel(request.Model));
            (chat, version) = (new LocalChatBackend(model, request.Model), request.ModelVersion ?? models.Version(request.Model));
        }
        else
        {
            (chat, version) = (new OpenAiChatBackend(new Uri(request.Backend), request.Model, key), request.ModelVersion ?? "remote");
        }
        IModelBackend? scorer = null;
        if (request.Denoise && request.Scorer is { } name)
        {
            scorer = request.ScorerBackend is { } url
                ? new OpenAiCompatibleBackend(new Uri(url), name, key, request.ScorerVersion ?? "remote")
                : new LocalEngineBackend(models.Get(name) ?? throw new KeyNotFoundException(NoModel(name)), name, request.ScorerVersion ?? models.Version(name));
        }
        return new FormatTransferRunner(grains, chat, scorer, request.Settings(version));
    }

    private string NoModel(string model) =>
        $"the silo serves no model '{model}' (its models: {(models.Ids.Count == 0 ? "none; set ActiveIT:ModelDir" : string.Join(", ", models.Ids))})";
}
