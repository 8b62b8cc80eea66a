namespace ActiveIT.Engine.Backends;

/// <summary>
/// What scoring and training need from a model, whatever runs it (the local engine, or an OpenAI-compatible server).
/// Texts in, texts and scores out; each call is one batch to the model.
/// </summary>
public interface IModelBackend
{
    /// <summary>Identifies the model and its weights: cached scores are keyed by both.</summary>
    string ModelId { get; }

    string ModelVersion { get; }

    /// <summary>The model's context in tokens, where known (a remote server does not say).</summary>
    int? ContextLength { get; }

    /// <summary>The tokens the model sees for a text (its BOS included where it has one), as the server writes them.</summary>
    Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Greedy (temperature 0) or seeded sampled continuations, without the end-of-sequence marker.</summary>
    Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
        CancellationToken cancellationToken = default);

    /// <summary>Sum log-probability and token count of each target (end-of-sequence included) after its prompt.</summary>
    Task<IReadOnlyList<SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="ScoreAsync"/>, but the target's own tokens only, no end-of-sequence marker: how the original
    /// format-transfer code scores reference outputs (its denoising option <c>uit</c>).
    /// </summary>
    Task<IReadOnlyList<SequenceScore>> ScoreWithoutEndAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot score a target without its end-of-sequence marker");
}
