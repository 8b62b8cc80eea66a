namespace ActiveIT.Core.Tasks;

/// <summary>
/// The one place a NIV2 prompt (<see cref="Niv2Prompt"/>) is fitted to a decoder's context: training, evaluation, and
/// prompt uncertainty's generation and scoring all build their prompts here, so one instance under one context and
/// answer room gets one prompt, token for token, wherever it is used (docs/methods-differences.md).
/// </summary>
/// <remarks>
/// Tk-Instruct gives the prompt 1,024 tokens and the answer 128 apart (encoder and decoder); a decoder-only model
/// shares one context, so the prompt gets the context less the answer room and the answer's end-of-sequence token.
/// Examples are added only while the prompt fits (Tk-Instruct's rule). A bare prompt (no examples) that does not fit
/// keeps its head, as the original's <c>tokenized_source[:max_source_length]</c> does, but still ends in the
/// template's last line "Output: ": a decoder answers after it, and without it continues the input instead.
/// </remarks>
public static class Niv2PromptBuilder
{
    /// <summary>The template's last line, kept by every cut.</summary>
    public const string Cue = "\nOutput: ";

    /// <summary>Prompt tokens a context leaves once <paramref name="answerTokens"/> and the answer's end-of-sequence token are set aside.</summary>
    public static int Room(int context, int answerTokens) => Math.Max(1, context - answerTokens - 1);

    /// <summary><see cref="BuildAsync"/> with a tokenizer at hand (<paramref name="promptTokens"/>: a text's length as a prompt, BOS included).</summary>
    public static FittedPrompt Build(string definition, IReadOnlyList<TaskExample> examples, string instanceInput, int? context, int answerTokens,
        Func<string, int> promptTokens)
    {
        // The counter completes synchronously, so the task has completed when it is returned.
        var built = BuildAsync(definition, examples, instanceInput, context, answerTokens, (text, _) => Task.FromResult(promptTokens(text)));
        return built.IsCompleted ? built.GetAwaiter().GetResult() : throw new InvalidOperationException("a synchronous token counter completed asynchronously");
    }

    /// <summary>
    /// The prompt for an instance: the definition, as many of <paramref name="examples"/> as fit in order, the instance.
    /// Without a known <paramref name="context"/> (a server that does not say) every example is shown and nothing is cut.
    /// </summary>
    /// <param name="promptTokensAsync">A text's length in the model's tokens as a prompt, BOS included where the model has one.</param>
    public static async Task<FittedPrompt> BuildAsync(string definition, IReadOnlyList<TaskExample> examples, string instanceInput, int? context, int answerTokens,
        Func<string, CancellationToken, Task<int>> promptTokensAsync, CancellationToken cancellationToken = default)
    {
        if (context is not { } c)
        {
            return new FittedPrompt(Niv2Prompt.Render(definition, examples, instanceInput), null, examples.Count, Cut: false);
        }
        var room = Room(c, answerTokens);
        var bare = Niv2Prompt.Render(definition, [], instanceInput);
        var tokens = await promptTokensAsync(bare, cancellationToken);
        if (tokens > room)
        {
            return await CutAsync(bare, room, promptTokensAsync, cancellationToken);
        }
        var prompt = new FittedPrompt(bare, tokens, 0, Cut: false);
        for (var count = 1; count <= examples.Count; count++)
        {
            var longer = Niv2Prompt.Render(definition, [.. examples.Take(count)], instanceInput);
            var longerTokens = await promptTokensAsync(longer, cancellationToken);
            if (longerTokens > room)
            {
                break;
            }
            prompt = new FittedPrompt(longer, longerTokens, count, Cut: false);
        }
        return prompt;
    }

    /// <summary>The longest head of the bare prompt that fits with <see cref="Cue"/> after it (bisection on characters).</summary>
    private static async Task<FittedPrompt> CutAsync(string bare, int room, Func<string, CancellationToken, Task<int>> promptTokensAsync,
        CancellationToken cancellationToken)
    {
        var body = bare[..^Cue.Length];
        string Head(int length) =>
            body[..(length > 0 && char.IsHighSurrogate(body[length - 1]) ? length - 1 : length)] + Cue;  // never half a surrogate pair

        var (fits, fitsTokens) = (Head(0), await promptTokensAsync(Head(0), cancellationToken));
        if (fitsTokens > room)
        {
            // A room smaller than the cue itself: its last characters, down to the empty prompt (BOS alone).
            for (var keep = Cue.Length - 1; keep >= 0; keep--)
            {
                var tail = Cue[^keep..];
                if (await promptTokensAsync(tail, cancellationToken) is var n && (n <= room || keep == 0))
                {
                    return new FittedPrompt(tail, n, 0, Cut: true);
                }
            }
        }
        var (low, high) = (0, body.Length - 1);  // Head(low) fits; the whole body does not
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            var candidate = Head(middle);
            var n = await promptTokensAsync(candidate, cancellationToken);
            if (n <= room)
            {
                (low, fits, fitsTokens) = (middle, candidate, n);
            }
            else
            {
                high = middle - 1;
            }
        }
        return new FittedPrompt(fits, fitsTokens, 0, Cut: true);
    }
}
