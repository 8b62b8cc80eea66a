using System.Text;
using ActiveIT.Core.Templates;

namespace ActiveIT.Engine.Tokenizers;

/// <summary>
/// A conversation as a model reads it. A checkpoint whose tokenizer_config.json has a chat_template gets it rendered (by
/// the project's Jinja engine, with messages, bos_token, eos_token, add_generation_prompt, and tools and documents
/// as none) and tokenized as written, special tokens included and nothing added — as Hugging Face's apply_chat_template
/// does. Models without one (ActiveIT's byte models, GPT-J) read "role: content" lines and "assistant: " after them.
/// </summary>
public static class ChatPrompt
{
    public static int[] Encode(ITextTokenizer tokenizer, IReadOnlyList<(string Role, string Content)> messages) =>
        tokenizer is TokenizerJson { ChatTemplate: { } template } json ? json.Encode(Render(json, template, messages)) : tokenizer.EncodePrompt(Plain(messages));

    /// <summary>
    /// The rendered text. A template that refuses the conversation (raise_exception) is an <see cref="ArgumentException"/>
    /// with its own words — the caller's to fix; one the engine cannot render is a <see cref="ChatTemplateException"/>
    /// naming the file — the operator's.
    /// </summary>
    public static string Render(TokenizerJson tokenizer, JinjaTemplate template, IReadOnlyList<(string Role, string Content)> messages)
    {
        var variables = new Dictionary<string, object?>
        {
            ["messages"] = messages.Select(m => (object?)new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
            ["bos_token"] = tokenizer.BosText.Length > 0 ? tokenizer.BosText : tokenizer.Bos is { } bos ? tokenizer.TokenText(bos) : "",
            ["eos_token"] = tokenizer.TokenText(tokenizer.Eos),
            ["add_generation_prompt"] = true,
            ["tools"] = null,
            ["documents"] = null,
        };
        try
        {
            return template.Render(variables);
        }
        catch (JinjaException e) when (e.Message.StartsWith(JinjaException.Refused, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the model's chat template {e.Message}");
        }
        catch (JinjaException e)
        {
            throw new ChatTemplateException($"{tokenizer.ChatTemplateSource}: chat_template: {e.Message}");
        }
    }

    private static string Plain(IReadOnlyList<(string Role, string Content)> messages)
    {
        var prompt = new StringBuilder();
        foreach (var (role, content) in messages)
        {
            prompt.Append(role).Append(": ").Append(content).Append('\n');
        }
        return prompt.Append("assistant: ").ToString();
    }
}

/// <summary>
/// A checkpoint's chat template that the engine cannot read or render: a fault of the checkpoint, not of the request.
/// </summary>
public sealed class ChatTemplateException(string message) : EngineException(message);

/// <summary>
/// A tokenizer whose prompts are one user turn in the checkpoint's chat template (<see cref="GptModel.UseChatTemplate"/>):
/// the text rendered as the only message, with the generation prompt, tokenized as written. Everything else is the
/// inner tokenizer's.
/// </summary>
public sealed class ChatTurnTokenizer(TokenizerJson inner) : ITextTokenizer
{
    public TokenizerJson Inner => inner;
    public string Name => inner.Name;
    public int? Bos => inner.Bos;
    public int Eos => inner.Eos;

    public int[] Encode(string text) => inner.Encode(text);

    public int[] EncodePrompt(string text) => ChatPrompt.Encode(inner, [("user", text)]);

    public string Decode(ReadOnlySpan<int> ids) => inner.Decode(ids);

    public string TokenText(int id) => inner.TokenText(id);
}
