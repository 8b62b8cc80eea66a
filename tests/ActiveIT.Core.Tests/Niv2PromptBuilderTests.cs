using System.Text;
using ActiveIT.Core.Tasks;

namespace ActiveIT.Core.Tests;

public sealed class Niv2PromptBuilderTests
{
    private const string Definition = "Answer the question in one word";

    private static readonly TaskExample[] Examples = [new("What colour is the sky on a clear day?", "Blue"), new("What is frozen water called?", "Ice")];

    /// <summary>The byte tokenizer's prompt length: BOS, then one token per UTF-8 byte.</summary>
    private static int Bytes(string text) => 1 + Encoding.UTF8.GetByteCount(text);

    private static FittedPrompt Build(int context, int answer, string input = "Is it?") =>
        Niv2PromptBuilder.Build(Definition, Examples, input, context, answer, Bytes);

    [Fact]
    public void Build_ExamplesOnlyWhileTheyFit_LeavesTheAnswerAndItsEosTheirRoom()
    {
        var two = Niv2Prompt.Render(Definition, Examples, "Is it?");
        var one = Niv2Prompt.Render(Definition, Examples[..1], "Is it?");
        Assert.Equal(two, Build(Bytes(two) + 8 + 1, 8).Text);  // exactly fits beside 8 answer tokens and EOS
        Assert.Equal(one, Build(Bytes(two) + 8, 8).Text);      // one token short: Tk-Instruct drops the last example
        Assert.Equal((1, false, (int?)Bytes(one)), (Build(Bytes(two) + 8, 8).Examples, Build(Bytes(two) + 8, 8).Cut, Build(Bytes(two) + 8, 8).Tokens));
        Assert.Equal(Niv2Prompt.Render(Definition, [], "Is it?"), Build(Bytes(one) + 8, 8).Text);
        Assert.Equal(127, Niv2PromptBuilder.Room(256, 128));
    }

    [Fact]
    public void Build_AnyRoom_NeverCutsTheDefinitionWhileExamplesAreKept_AndKeepsTheHead()
    {
        var bare = Niv2Prompt.Render(Definition, [], "Is it? " + new string('x', 40));
        for (var context = 2; context <= 400; context++)
        {
            var fitted = Build(context, 8, "Is it? " + new string('x', 40));
            Assert.True(fitted.Tokens <= Niv2PromptBuilder.Room(context, 8) || fitted.Text.Length == 0, $"context {context}: {fitted.Tokens} tokens");
            Assert.Equal(Bytes(fitted.Text), fitted.Tokens);
            if (fitted.Examples > 0 || !fitted.Cut)
            {
                Assert.StartsWith($"Definition: {Definition}.\n\n", fitted.Text);
                Assert.EndsWith("\nOutput: ", fitted.Text);
            }
            else if (fitted.Text.Length >= Niv2PromptBuilder.Cue.Length)
            {
                // The original keeps the head; a decoder must still end on the template's last line to answer.
                Assert.StartsWith(fitted.Text[..^Niv2PromptBuilder.Cue.Length], bare);
                Assert.EndsWith(Niv2PromptBuilder.Cue, fitted.Text);
                Assert.True(Bytes(fitted.Text) + 1 > Niv2PromptBuilder.Room(context, 8), $"context {context}: one more character would still have fitted");
            }
        }
    }

    [Fact]
    public void Build_CutPrompt_IsTheLongestHeadThatFits()
    {
        var fitted = Build(60, 8);  // room 51
        Assert.True(fitted.Cut);
        Assert.Equal(51, fitted.Tokens);
        Assert.Equal("Definition: Answer the question in one wo\nOutput: ", fitted.Text);  // the instance is cut before the definition
    }

    [Fact]
    public void Build_RoomSmallerThanTheCue_KeepsTheCuesEnd()
    {
        var fitted = Build(12, 8);  // room 3: BOS and two characters
        Assert.Equal((": ", (int?)3, true), (fitted.Text, fitted.Tokens, fitted.Cut));
    }

    [Fact]
    public void Build_CharacterOutsideTheBasicPlane_IsNeverHalved()
    {
        var definition = new string('d', 20) + "😀😀😀";
        for (var context = 30; context < 60; context++)
        {
            var fitted = Niv2PromptBuilder.Build(definition, [], "x", context, 1, Bytes);
            Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(fitted.Text)));
        }
    }

    [Fact]
    public async Task BuildAsync_WithoutAContext_ShowsEveryExampleUncutAndCountsNothing()
    {
        var counted = 0;
        var fitted = await Niv2PromptBuilder.BuildAsync(Definition, Examples, "Is it?", null, 128, (text, _) => Task.FromResult(++counted));
        Assert.Equal((Niv2Prompt.Render(Definition, Examples, "Is it?"), 2, false, (int?)null), (fitted.Text, fitted.Examples, fitted.Cut, fitted.Tokens));
        Assert.Equal(0, counted);  // through a server every count would be a request
    }
}
