using ActiveIT.Core.Transfer;

namespace ActiveIT.Engine.Backends;

/// <summary>
/// The offline transfer model (methods.md §2): a model of the engine fine-tuned on "Input: source\nOutput: target"
/// pairs (`activeit transfer train`). It learned the seed pairs in training, so it reads only the conversation's last
/// user message — the source task — in that training format.
/// </summary>
public sealed class LocalChatBackend(GptModel model, string name) : IChatBackend
{
    public string Describe { get; } = $"local:{name}";

    public Task<ChatAnswer> CompleteAsync(IReadOnlyList<ChatTurn> messages, float temperature, int maxTokens, ulong seed, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var source = messages.LastOrDefault(m => m.Role == "user") ?? throw new ArgumentException("the conversation has no user message");
        // Room for the answer: a long source keeps its last tokens, as the engine's prompts do.
        var context = Math.Max(2, model.Config.MaxSeqLen - maxTokens + 1);
        var prompt = LocalEngineBackend.Encode(model.Tokenizer, TransferPrompt.LocalPrompt(source.Content), "", context).Prompt;
        var output = model.Generate([prompt], new GenerationOptions(maxTokens, [model.Tokenizer.Eos], temperature, Seed: seed))[0];
        var finished = output.Length > 0 && output[^1] == model.Tokenizer.Eos;
        var text = model.Tokenizer.Decode(finished ? output[..^1] : output);
        return Task.FromResult(new ChatAnswer(text, finished ? "stop" : "length", prompt.Length, output.Length));
    }
}
