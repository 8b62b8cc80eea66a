namespace ActiveIT.Engine.Tokenizers;

/// <summary>Text to token ids and back, for one model: the byte tokenizer of ActiveIT's own models, or GPT-2/GPT-J BPE.</summary>
public interface ITextTokenizer
{
    /// <summary>The name checkpoints record for a Hugging Face tokenizer.json (the file itself is beside the weights or named in the metadata).</summary>
    const string TokenizerJson = "tokenizer.json";

    /// <summary>"byte", "gpt2", "tokenizer.json" or "tokenizer.model": what checkpoints record.</summary>
    string Name { get; }

    /// <summary>Put before every prompt, where the model was trained with one (ActiveIT's models); null for GPT-2 BPE.</summary>
    int? Bos { get; }

    /// <summary>Ends targets in training and scoring, and stops generation.</summary>
    int Eos { get; }

    int[] Encode(string text);

    /// <summary>
    /// A prompt as the model reads it: [BOS] + the text's tokens; without a BOS (GPT-2 BPE) an empty prompt becomes the
    /// end-of-text token, as lm-eval does, so a target always has a token before it.
    /// </summary>
    int[] EncodePrompt(string text) => Bos is { } bos ? [bos, .. Encode(text)] : Encode(text) is { Length: > 0 } tokens ? tokens : [Eos];

    /// <summary>
    /// A prompt as a server reads it: the end-of-sequence text (<see cref="TokenText"/> of <see cref="Eos"/>) reads as
    /// that token, as Hugging Face tokenizers (so vLLM) read special tokens in text, so a client can score through EOS.
    /// </summary>
    int[] EncodeServedPrompt(string text)
    {
        var parts = text.Split(TokenText(Eos));
        if (parts.Length == 1)
        {
            return EncodePrompt(text);
        }
        var ids = new List<int>();
        if (Bos is { } bos)
        {
            ids.Add(bos);
        }
        for (var i = 0; i < parts.Length; i++)
        {
            ids.AddRange(Encode(parts[i]));
            if (i < parts.Length - 1)
            {
                ids.Add(Eos);
            }
        }
        return [.. ids];
    }

    /// <summary>The text of the ids, special tokens left out.</summary>
    string Decode(ReadOnlySpan<int> ids);

    /// <summary>How one token reads in an OpenAI-style tokens list.</summary>
    string TokenText(int id);

    /// <summary>The tokenizer a checkpoint names; for "tokenizer.json", <paramref name="file"/> is that file.</summary>
    static ITextTokenizer For(string name, string? file = null) => name switch
    {
        "byte" => ByteTextTokenizer.Instance,
        "gpt2" => Gpt2Tokenizer.Instance,
        TokenizerJson when file is not null => Tokenizers.TokenizerJson.Load(file),
        SentencePieceModel.FileName when file is not null => SentencePieceModel.Load(file),
        _ => throw new EngineException($"unknown tokenizer '{name}' (byte, gpt2, tokenizer.json, tokenizer.model)"),
    };
}
