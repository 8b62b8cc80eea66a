using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Engine.Backends;

/// <summary>
/// The in-process engine as a backend, in the model's own tokens (<see cref="GptModel.Tokenizer"/>): BOS before the prompt
/// where the tokenizer has one, EOS after targets. Prompts built by <see cref="Core.Tasks.Niv2PromptBuilder"/> fit beside
/// their answer and are never cut here, so generation and scoring see the same prompt tokens; a raw prompt with no room
/// for its answer keeps its last tokens (a chat's question sits at the end). A call larger than
/// <paramref name="maxTokensPerBatch"/> padded tokens is split into several engine batches.
/// </summary>
public sealed class LocalEngineBackend(GptModel model, string modelId, string modelVersion, int maxTokensPerBatch = LocalEngineBackend.DefaultMaxTokensPerBatch) : IModelBackend
{
    public const int DefaultMaxTokensPerBatch = 32_768;

    public string ModelId { get; } = modelId;
    public string ModelVersion { get; } = modelVersion;
    public int? ContextLength => model.Config.MaxSeqLen;

    /// <summary>Engine calls made so far (generate and score batches): what "as few calls as the memory budget allows" is measured by.</summary>
    public int EngineCalls { get; private set; }

    public Task<IReadOnlyList<string>> TokenizeAsync(string text, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. Prompt(model.Tokenizer, text).Select(model.Tokenizer.TokenText)]);

    public Task<IReadOnlyList<string>> GenerateAsync(IReadOnlyList<string> prompts, int maxNewTokens, float temperature = 0, ulong seed = 0,
        CancellationToken cancellationToken = default)
    {
        var encoded = prompts.Select(p => GenerationPrompt(model.Tokenizer, p, model.Config.MaxSeqLen, maxNewTokens)).ToArray();
        var outputs = new List<string>(prompts.Count);
        foreach (var batch in Batches(encoded.Select(e => e.Length + maxNewTokens).ToArray()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            EngineCalls++;
            var generated = model.Generate([.. batch.Select(i => encoded[i])], new GenerationOptions(maxNewTokens, [model.Tokenizer.Eos], temperature, Seed: seed));
            outputs.AddRange(generated.Select(g => model.Tokenizer.Decode(g)));
        }
        return Task.FromResult<IReadOnlyList<string>>(outputs);
    }

    public Task<IReadOnlyList<SequenceScore>> ScoreAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default) =>
        Score(pairs, endOfSequence: true, cancellationToken);

    public Task<IReadOnlyList<SequenceScore>> ScoreWithoutEndAsync(IReadOnlyList<(string Prompt, string Target)> pairs, CancellationToken cancellationToken = default) =>
        Score(pairs, endOfSequence: false, cancellationToken);

    private Task<IReadOnlyList<SequenceScore>> Score(IReadOnlyList<(string Prompt, string Target)> pairs, bool endOfSequence, CancellationToken cancellationToken)
    {
        var encoded = pairs.Select(p => EncodeAfterPrompt(model.Tokenizer, p.Prompt, p.Target, model.Config.MaxSeqLen, endOfSequence)).ToArray();
        var scores = new List<SequenceScore>(pairs.Count);
        foreach (var batch in Batches(encoded.Select(e => e.Length).ToArray()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            EngineCalls++;
            scores.AddRange(model.Score(SequenceBatch.FromPairs([.. batch.Select(i => encoded[i])])));
        }
        return Task.FromResult<IReadOnlyList<SequenceScore>>(scores);
    }

    /// <summary>
    /// A raw (prompt, target) text pair as the engine trains on it (the transfer model, base pretraining): [BOS] + prompt
    /// tokens, target tokens + EOS, prompt and target encoded apart; a pair longer than the context keeps the prompt's
    /// last tokens (and a target longer than the context its first).
    /// </summary>
    public static TokenPair Encode(ITextTokenizer tokenizer, string prompt, string target, int context)
    {
        int[] targetTokens = [.. tokenizer.Encode(target), tokenizer.Eos];
        if (targetTokens.Length >= context)
        {
            targetTokens = targetTokens[..(context - 1)];
        }
        return new TokenPair(Fit(Prompt(tokenizer, prompt), context - targetTokens.Length), targetTokens);
    }

    /// <summary>
    /// The prompt tokens <see cref="GenerateAsync"/> feeds the model: all of them when they leave room for
    /// <paramref name="maxNewTokens"/>, as a built prompt always does; else the last ones.
    /// </summary>
    public static int[] GenerationPrompt(ITextTokenizer tokenizer, string prompt, int context, int maxNewTokens) =>
        Fit(Prompt(tokenizer, prompt), Math.Max(1, context - maxNewTokens));

    /// <summary>
    /// A target after its prompt as <see cref="ScoreAsync"/> scores it and a curriculum trains on it: the prompt whole
    /// while it leaves room for a target token, so a scored answer sees the prompt it was generated from; the target
    /// then keeps its first tokens (the original truncates labels, never the source, to make room for them). A prompt
    /// with no room at all falls back to <see cref="Encode(ITextTokenizer, string, string, int)"/>.
    /// </summary>
    public static TokenPair EncodeAfterPrompt(ITextTokenizer tokenizer, string prompt, string target, int context, bool endOfSequence = true)
    {
        var promptTokens = Prompt(tokenizer, prompt);
        if (promptTokens.Length >= context)
        {
            var fitted = Encode(tokenizer, prompt, target, context);
            return endOfSequence || fitted.Target.Length < 2 || fitted.Target[^1] != tokenizer.Eos ? fitted : fitted with { Target = fitted.Target[..^1] };
        }
        int[] targetTokens = endOfSequence ? [.. tokenizer.Encode(target), tokenizer.Eos] : [.. tokenizer.Encode(target)];
        return new TokenPair(promptTokens, targetTokens.Length <= context - promptTokens.Length ? targetTokens : targetTokens[..(context - promptTokens.Length)]);
    }

    /// <summary>The byte tokenizer's pair, for ActiveIT's own models.</summary>
    public static TokenPair Encode(string prompt, string target, int context) => Encode(ByteTextTokenizer.Instance, prompt, target, context);

    /// <summary>Prompt tokens under the byte tokenizer (BOS, then the text's bytes), without encoding.</summary>
    public static int PromptLength(string prompt) => 1 + System.Text.Encoding.UTF8.GetByteCount(prompt);

    /// <summary>Prompt tokens: BOS where the tokenizer has one, then the text's tokens.</summary>
    public static int PromptLength(ITextTokenizer tokenizer, string prompt) => Prompt(tokenizer, prompt).Length;

    private static int[] Prompt(ITextTokenizer tokenizer, string text) => tokenizer.EncodePrompt(text);

    private static int[] Fit(int[] prompt, int room) => prompt.Length <= room ? prompt : prompt[^room..];

    /// <summary>Consecutive index ranges whose padded size (rows × longest row) stays within the budget.</summary>
    private IEnumerable<List<int>> Batches(int[] lengths)
    {
        var batch = new List<int>();
        var longest = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            var next = Math.Max(longest, lengths[i]);
            if (batch.Count > 0 && (batch.Count + 1) * next > maxTokensPerBatch)
            {
                yield return batch;
                batch = [];
                next = lengths[i];
            }
            batch.Add(i);
            longest = next;
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
