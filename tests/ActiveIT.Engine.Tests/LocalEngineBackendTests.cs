using ActiveIT.Engine.Backends;

namespace ActiveIT.Engine.Tests;

/// <summary>The local backend's token paths: what it feeds the engine when it generates and when it scores.</summary>
public sealed class LocalEngineBackendTests
{
    [Fact]
    public async Task GenerateAndScore_FeedTheEngineTheirPublishedTokens()
    {
        using var model = Models.CreateTiny();  // a 48-token context
        var backend = new LocalEngineBackend(model, "tiny", "v1");
        const string prompt = "Definition: copy the word.\nInput: ab.\nOutput: ";  // 47 tokens with BOS: cut for generation
        var generated = await backend.GenerateAsync([prompt], 6);
        var fed = LocalEngineBackend.GenerationPrompt(model.Tokenizer, prompt, 48, 6);
        Assert.Equal(42, fed.Length);
        Assert.Equal(model.Tokenizer.Decode(model.Generate([fed], new GenerationOptions(6, [model.Tokenizer.Eos]))[0]), generated[0]);

        var scored = await backend.ScoreAsync([(prompt, "x"), ("ab", "cde")]);
        var pairs = new[] { LocalEngineBackend.EncodeAfterPrompt(model.Tokenizer, prompt, "x", 48), LocalEngineBackend.EncodeAfterPrompt(model.Tokenizer, "ab", "cde", 48) };
        Assert.Equal(model.Score(SequenceBatch.FromPairs(pairs)), scored);
    }

    [Fact]
    public void EncodeAfterPrompt_TargetLongerThanItsRoom_KeepsThePromptWholeAndTheTargetsHead()
    {
        var pair = LocalEngineBackend.EncodeAfterPrompt(Tokenizers.ByteTextTokenizer.Instance, "0123456789", new string('t', 60), 48);
        Assert.Equal([ByteTokenizer.Bos, .. ByteTokenizer.Encode("0123456789")], pair.Prompt);
        Assert.Equal(ByteTokenizer.Encode(new string('t', 37)), pair.Target);  // 48 − 11: the original truncates labels, not the source

        var fits = LocalEngineBackend.EncodeAfterPrompt(Tokenizers.ByteTextTokenizer.Instance, "ab", "cd", 48);
        Assert.Equal([.. ByteTokenizer.Encode("cd"), ByteTokenizer.Eos], fits.Target);
    }

    [Fact]
    public void EncodeAfterPrompt_PromptFillingTheContext_KeepsItsLastTokensBesideTheTarget()
    {
        var pair = LocalEngineBackend.EncodeAfterPrompt(Tokenizers.ByteTextTokenizer.Instance, new string('p', 47) + "Q", "t", 48);
        Assert.Equal([.. ByteTokenizer.Encode("t"), ByteTokenizer.Eos], pair.Target);
        Assert.Equal(46, pair.Prompt.Length);
        Assert.Equal((int)'Q', pair.Prompt[^1]);
    }
}
