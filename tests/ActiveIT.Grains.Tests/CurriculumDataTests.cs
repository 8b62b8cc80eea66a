using ActiveIT.Core.Tasks;
using ActiveIT.Engine;
using ActiveIT.Grains.Curriculum;
using ActiveIT.Runs.Curriculum;

namespace ActiveIT.Grains.Tests;

/// <summary>What a curriculum trains on and evaluates with: one prompt per instance, whatever the answer's length.</summary>
public sealed class CurriculumDataTests
{
    /// <summary>
    /// With two examples the prompt is about 230 bytes: it fits beside a 2-byte target in the default 256-token context,
    /// but not beside the evaluation's 32 new tokens.
    /// </summary>
    private static InstructionTask Task() => new("t1", "test", TaskFormat.Niv2, "Answer ok to the word you see.",
        [new("first example input word.", "ok"), new("second example inputs..", "ok")], [],
        [.. Enumerable.Range(0, 6).Select(i => new TaskInstance($"i{i}", $"w{i}", ["ok"]))], [], [], [], null, new Dictionary<string, string>());

    [Fact]
    public void TrainingPairs_DefaultConfig_HoldTheEvaluationPromptOfTheSameInstance()
    {
        var config = new ExperimentConfig { InstancesPerTask = 6 };
        var task = Task();
        var pairs = CurriculumData.TrainingPairs(task, 1, config).ToArray();
        var instances = CurriculumData.TrainingInstances(task, 1, config.InstancesPerTask);
        Assert.Equal(instances.Count, pairs.Length);
        for (var i = 0; i < pairs.Length; i++)
        {
            Assert.Equal(ByteTokenizer.Bos, pairs[i].Prompt[0]);
            var trained = ByteTokenizer.Decode(pairs[i].Prompt);
            Assert.Equal(CurriculumData.Prompt(task, instances[i].Input, config), trained);
            Assert.StartsWith("Definition: Answer ok to the word you see.", trained);
        }
    }

    [Theory]
    [InlineData(1024, 0, 0)]  // room for the definition and both examples
    [InlineData(256, 6, 0)]   // the default: 128 tokens of answer room leave 127, too few for both examples
    [InlineData(160, 6, 6)]   // 31 tokens: even the bare prompt is cut to its head
    public void TrainingPairs_CountHowTheirPromptsFitTheContext(int context, int fewerExamples, int cut)
    {
        var config = new ExperimentConfig { InstancesPerTask = 6, Model = new ModelSpec { Context = context } };
        var tally = new CurriculumData.PromptTally();
        var pairs = CurriculumData.TrainingPairs(Task(), 1, config, tally).ToArray();
        Assert.Equal(new PromptFit(pairs.Length, fewerExamples, cut), tally.Fit);
    }

    [Fact]
    public void APromptIsFittedInTheModelsTokens_ABpeModelKeepsTheExamplesBytesWouldDrop()
    {
        // 256 context − 128 answer tokens: 127 bytes is too little for both examples, 127 GPT-2 tokens is plenty.
        var config = new ExperimentConfig { InstancesPerTask = 6 };
        var (bytes, tokens) = (new CurriculumData.PromptTally(), new CurriculumData.PromptTally());
        var gpt2 = ActiveIT.Engine.Tokenizers.Gpt2Tokenizer.Instance;
        var byteTrained = CurriculumData.TrainingPairs(Task(), 1, config, bytes).ToArray();
        var bpeTrained = CurriculumData.TrainingPairs(Task(), 1, config, tokens, gpt2).ToArray();
        Assert.Equal((6, 0), (bytes.Fit.FewerExamples, tokens.Fit.FewerExamples));
        var prompt = CurriculumData.Prompt(Task(), "w0", config, tokenizer: gpt2);
        Assert.Contains("second example inputs..", prompt);
        Assert.DoesNotContain("second example inputs..", CurriculumData.Prompt(Task(), "w0", config));
        Assert.True(((ActiveIT.Engine.Tokenizers.ITextTokenizer)gpt2).EncodePrompt(prompt).Length <= 256 - 128, "the prompt fits beside the answer room in tokens");
        Assert.Equal(bpeTrained.Length, byteTrained.Length);
    }
}
