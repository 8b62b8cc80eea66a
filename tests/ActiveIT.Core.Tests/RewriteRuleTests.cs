using ActiveIT.Core;
using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

public sealed class RewriteRuleTests
{
    [Theory]
    [InlineData("aa", "bac", "caaba", "cbacba")]
    [InlineData("iss", "art", "mississippi", "martissippi")]
    [InlineData("iss", "art", "canada", "canada")]
    [InlineData("aa", "b", "aaaa", "baa")]
    [InlineData("ab", "", "xabab", "xab")]
    public void Apply_ReplacesLeftmostOccurrenceOnce(string pattern, string replacement, string input, string expected) =>
        Assert.Equal(expected, new RewriteRule(pattern, replacement).Apply(input));

    [Fact]
    public void Apply_RandomCases_MatchesIndependentDefinition()
    {
        var random = new SeededRandom(42);
        string Draw(int max) => new([.. Enumerable.Range(0, random.NextInt(0, max)).Select(_ => "abc"[random.NextInt(3)])]);
        for (var i = 0; i < 5000; i++)
        {
            var rule = new RewriteRule(Draw(3) is { Length: > 0 } p ? p : "a", Draw(3));
            var input = Draw(12);
            var output = rule.Apply(input);

            // Leftmost: no occurrence starts before the replaced one; once: the tail after it is untouched.
            var first = -1;
            for (var at = 0; at + rule.Pattern.Length <= input.Length && first < 0; at++)
            {
                if (string.CompareOrdinal(input, at, rule.Pattern, 0, rule.Pattern.Length) == 0)
                {
                    first = at;
                }
            }
            var expected = first < 0 ? input : input[..first] + rule.Replacement + input[(first + rule.Pattern.Length)..];
            Assert.Equal(expected, output);
        }
    }

    [Theory]
    [InlineData("ab", "", RewriteOperation.Deletion)]
    [InlineData("abc", "d", RewriteOperation.Shrinking)]
    [InlineData("ab", "ba", RewriteOperation.SameLength)]
    [InlineData("a", "bcd", RewriteOperation.Growing)]
    public void Operation_ByReplacementLength_NamesWhatTheRuleDoesToItsMatch(string pattern, string replacement, RewriteOperation expected) =>
        Assert.Equal(expected, new RewriteRule(pattern, replacement).Operation);
}
