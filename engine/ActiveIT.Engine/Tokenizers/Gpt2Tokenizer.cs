using Microsoft.ML.Tokenizers;

namespace ActiveIT.Engine.Tokenizers;

/// <summary>
/// GPT-2's byte-level BPE (also GPT-J's), from Microsoft.ML.Tokenizers with its GPT-2 data package: offline, no files to
/// fetch. &lt;|endoftext|&gt; (50256) ends targets; GPT-J's extra vocabulary rows (50257–50399) are never produced.
/// </summary>
public sealed class Gpt2Tokenizer : ITextTokenizer
{
    public const int EndOfText = 50256;
    public const int VocabSize = 50257;

    public static readonly Gpt2Tokenizer Instance = new();

    private readonly Lazy<TiktokenTokenizer> _bpe = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    private Gpt2Tokenizer()
    {
    }

    public string Name => "gpt2";
    public int? Bos => null;
    public int Eos => EndOfText;

    public int[] Encode(string text) => [.. _bpe.Value.EncodeToIds(text)];

    public string Decode(ReadOnlySpan<int> ids)
    {
        var kept = new List<int>(ids.Length);
        foreach (var id in ids)
        {
            if (id is >= 0 and < EndOfText)
            {
                kept.Add(id);
            }
        }
        return _bpe.Value.Decode(kept);
    }

    public string TokenText(int id) => id == EndOfText ? "<|endoftext|>" : id is >= 0 and < EndOfText ? _bpe.Value.Decode([id]) : $"<|unused:{id}|>";
}
