using System.Text.Json;
using ActiveIT.Core.Metrics;

namespace ActiveIT.Core.Tests;

/// <summary>NIV2 metrics against golden values from NLTK and a transcription of rouge-score (Golden/make_metrics_golden.py).</summary>
public sealed class MetricsTests
{
    private static readonly JsonDocument Golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "metrics_golden.json")));

    [Fact]
    public void PorterStemmer_MatchesNltkOnEveryGoldenWord()
    {
        var stems = Golden.RootElement.GetProperty("stems").EnumerateObject().ToArray();
        Assert.True(stems.Length > 5000, $"{stems.Length} words");
        var wrong = stems.Where(p => PorterStemmer.Stem(p.Name) != p.Value.GetString()).Select(p => $"{p.Name}: {PorterStemmer.Stem(p.Name)} != {p.Value.GetString()}").Take(20).ToArray();
        Assert.True(wrong.Length == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void RougeLAndExactMatch_MatchGoldenToOneNanoth()
    {
        var tolerance = Golden.RootElement.GetProperty("tolerance").GetDouble();
        foreach (var c in Golden.RootElement.GetProperty("cases").EnumerateArray())
        {
            var prediction = c.GetProperty("prediction").GetString()!;
            var references = c.GetProperty("references").EnumerateArray().Select(r => r.GetString()!).ToArray();
            Assert.True(Math.Abs(Niv2Metrics.RougeL(prediction, references) - c.GetProperty("rougeL").GetDouble()) <= tolerance,
                $"ROUGE-L of '{prediction}' vs [{string.Join(" | ", references)}]: {Niv2Metrics.RougeL(prediction, references)} != {c.GetProperty("rougeL").GetDouble()}");
            Assert.Equal(c.GetProperty("exact_match").GetDouble(), Niv2Metrics.ExactMatch(prediction, references));
        }
    }

    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("dies", "die")]
    [InlineData("generously", "gener")]
    [InlineData("hopping", "hop")]
    [InlineData("sky", "sky")]
    public void PorterStemmer_KnownForms(string word, string stem) => Assert.Equal(stem, PorterStemmer.Stem(word));

    [Fact]
    public void RougeL_EmptySidesScoreZero_IdenticalScoresOne()
    {
        Assert.Equal(0, RougeL.F1("", "text"));
        Assert.Equal(0, RougeL.F1("!!!", "text"));
        Assert.Equal(0.75, RougeL.F1("The cats are running.", "the cat is running"), 9);  // "are"/"is" differ: LCS 3 of 4 each side
        Assert.Equal(1.0, RougeL.F1("Running cats", "running CATS!"));
    }
}
