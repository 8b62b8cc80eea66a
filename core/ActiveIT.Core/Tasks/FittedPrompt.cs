namespace ActiveIT.Core.Tasks;

/// <summary>
/// A NIV2 prompt fitted to a context by <see cref="Niv2PromptBuilder"/>: its text (what a model encodes), its length in
/// the model's prompt tokens (null without a context: nothing was counted, a server's count costs a request), how many
/// positive examples it holds, and whether even the bare prompt had to be cut.
/// </summary>
public sealed record FittedPrompt(string Text, int? Tokens, int Examples, bool Cut);
