using System.Text.Json;
using ActiveIT.Core.Metrics;

namespace ActiveIT.Core.Tests;

/// <summary>Lowercasing as NIV2's evaluation.py does it under Python (Golden/make_lower_golden.py writes the values).</summary>
public sealed class PythonTextTests
{
    private static readonly JsonElement[] Cases = [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "lower_golden.json")))
        .RootElement.GetProperty("cases").EnumerateArray()];

    [Fact]
    public void Lower_AndExactMatchNormalisation_MatchPython()
    {
        Assert.True(Cases.Length >= 16);
        foreach (var c in Cases)
        {
            var text = c.GetProperty("text").GetString()!;
            Assert.True(c.GetProperty("lower").GetString() == PythonText.Lower(text), $"lower({text})");
            Assert.True(c.GetProperty("normalized").GetString() == ExactMatch.Normalize(text), $"normalize({text})");
        }
    }

    [Fact]
    public void RougeL_SplitsTheDottedCapitalI_AsPythonDoes()
    {
        // Python: "İstanbul".lower() = "i̇stanbul"; U+0307 is outside [a-z0-9], so the token splits in two.
        Assert.Equal(["i", PorterStemmer.Stem("stanbul")], RougeL.Tokenize("İstanbul"));
        Assert.NotEqual("İstanbul".ToLowerInvariant(), PythonText.Lower("İstanbul"));  // .NET maps one character to one
        Assert.True(ExactMatch.Matches("οδος", "ΟΔΟΣ"));  // the final sigma, as Python lowercases it
    }
}
