using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

public sealed class StringReserveTests
{
    [Fact]
    public void Reserve_EnumeratedLengths_HoldAQuarterOfEachLengthAndNeverTheEmptyString()
    {
        var reserve = new StringReserve("abcdef", 3, seed: 5);
        var random = new SeededRandom(1);

        Assert.False(reserve.Contains(""));
        // 6 / 4 = 1.5 rounds to 2; 36 / 4 = 9; 216 / 4 = 54.
        Assert.Equal([2, 9, 54], Enumerable.Range(1, 3).Select(l => All("abcdef", l).Count(reserve.Contains)));
        for (var length = 0; length <= 3; length++)
        {
            var held = Enumerable.Range(0, 200).Select(_ => reserve.Held(length, random)).ToArray();
            var free = Enumerable.Range(0, 200).Select(_ => reserve.Free(length, random)).ToArray();
            Assert.All(held, s => Assert.Equal(length, s.Length));
            Assert.All(free, s => Assert.Equal(length, s.Length));
            Assert.All(held, s => Assert.True(length == 0 || reserve.Contains(s), s));
            Assert.All(free, s => Assert.False(reserve.Contains(s), s));
        }
        // Every reserved 2-letter string is drawn: the draw is uniform over the reserve, not a fixed few.
        Assert.Equal(9, Enumerable.Range(0, 500).Select(_ => reserve.Held(2, random)).Distinct().Count());
    }

    [Fact]
    public void Reserve_DependsOnTheSeedOnly()
    {
        var strings = All("abcdef", 3);
        var first = strings.Where(new StringReserve("abcdef", 3, seed: 5).Contains).ToArray();
        Assert.Equal(first, strings.Where(new StringReserve("abcdef", 3, seed: 5).Contains));
        Assert.NotEqual(first, strings.Where(new StringReserve("abcdef", 3, seed: 6).Contains));
    }

    [Fact]
    public void Reserve_LengthsTooManyToEnumerate_HoldTheShareByHash()
    {
        // 26^10 strings: membership by a seeded hash, as at the paper's scale (|x| up to 20).
        var reserve = new StringReserve("abcdefghijklmnopqrstuvwxyz", 20, seed: 2);
        var random = new SeededRandom(3);
        var sample = Enumerable.Range(0, 4000).Select(_ => new string([.. Enumerable.Range(0, 10).Select(_ => (char)('a' + random.NextInt(26)))])).ToArray();

        // Binomial sd of a 0.25 share over 4,000 strings is 0.007: ± 0.03 is four of them.
        Assert.InRange(sample.Count(reserve.Contains) / (double)sample.Length, 0.22, 0.28);
        Assert.All(Enumerable.Range(0, 50).Select(_ => reserve.Held(20, random)), s => Assert.True(s.Length == 20 && reserve.Contains(s), s));
        Assert.All(Enumerable.Range(0, 50).Select(_ => reserve.Free(20, random)), s => Assert.False(reserve.Contains(s), s));
        Assert.Equal(sample.Select(reserve.Contains), sample.Select(new StringReserve("abcdefghijklmnopqrstuvwxyz", 20, seed: 2).Contains));
    }

    private static string[] All(string alphabet, int length) => length == 0
        ? [""]
        : [.. All(alphabet, length - 1).SelectMany(prefix => alphabet.Select(c => prefix + c))];
}
