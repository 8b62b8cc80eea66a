namespace ActiveIT.Engine.Tokenizers;

/// <summary><see cref="ByteTokenizer"/> as an <see cref="ITextTokenizer"/>: BOS before prompts, EOS after targets.</summary>
public sealed class ByteTextTokenizer : ITextTokenizer
{
    public static readonly ByteTextTokenizer Instance = new();

    private ByteTextTokenizer()
    {
    }

    public string Name => "byte";
    public int? Bos => ByteTokenizer.Bos;
    public int Eos => ByteTokenizer.Eos;

    public int[] Encode(string text) => ByteTokenizer.Encode(text);

    public string Decode(ReadOnlySpan<int> ids) => ByteTokenizer.Decode(ids);

    public string TokenText(int id) => ByteTokenizer.TokenText(id);
}
