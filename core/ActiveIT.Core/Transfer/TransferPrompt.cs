namespace ActiveIT.Core.Transfer;

/// <summary>
/// The request for one transfer (methods.md §2): an instruction naming the target format, k seed pairs as earlier
/// turns (source → target), then the task. The local transfer model is trained on "Input: source\nOutput: target"
/// text instead (the paper's offline model), so <see cref="LocalPrompt"/> is that prompt.
/// </summary>
public static class TransferPrompt
{
    public static IReadOnlyList<ChatTurn> Messages(TransferTarget target, IReadOnlyList<SeedPair> seedPairs, string sourceText)
    {
        var system = target == TransferTarget.Niv2
            ? "You rewrite instruction-tuning tasks into the Natural Instructions format. Answer with 'Definition:' (one paragraph that states " +
              "the task completely), then 'Positive Example N -' blocks with 'Input:', 'Output:' and 'Explanation:' lines. Copy inputs and outputs " +
              "word for word from the task; never change a label."
            : "You rewrite instruction-tuning tasks as FLAN-style instance templates. Answer with lines 'Template N: ...', each a different " +
              "wording of the instruction with '{input}' where the instance's input goes. Never change a label.";
        var messages = new List<ChatTurn> { new("system", system) };
        foreach (var pair in seedPairs)
        {
            messages.Add(new ChatTurn("user", pair.Source));
            messages.Add(new ChatTurn("assistant", pair.Target));
        }
        messages.Add(new ChatTurn("user", sourceText));
        return messages;
    }

    public static string LocalPrompt(string sourceText) => $"Input: {sourceText}\nOutput: ";
}
