using ActiveIT.Core;
using ActiveIT.Core.Curriculum;

namespace ActiveIT.Core.Tests;

public sealed class StratifiedDrawTests
{
    // Three categories of 10, 4 and 1 items.
    private static readonly (string Id, string Category)[] Items =
        [.. Enumerable.Range(0, 10).Select(i => ($"a{i}", "a")), .. Enumerable.Range(0, 4).Select(i => ($"b{i}", "b")), ("c0", "c")];

    private static int Count(IReadOnlyList<string> ids, string category) => ids.Count(id => id.StartsWith(category, StringComparison.Ordinal));

    [Fact]
    public void EachCategoryGetsAnEqualShare_GiveOrTakeOne_UntilItRunsOut()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var six = StratifiedDraw.Draw(Items, 6, SeededRandom.For(seed, "t"));
            Assert.Equal(6, six.Distinct().Count());
            Assert.Equal(1, Count(six, "c"));
            Assert.InRange(Count(six, "a"), 2, 3);
            Assert.InRange(Count(six, "b"), 2, 3);

            var ten = StratifiedDraw.Draw(Items, 10, SeededRandom.For(seed, "t"));
            Assert.Equal((5, 4, 1), (Count(ten, "a"), Count(ten, "b"), Count(ten, "c")));  // b and c exhausted, a fills the rest
        }
    }

    [Fact]
    public void TheSameSeedDrawsTheSameItems_WhateverTheInputOrder_AndOtherSeedsOthers()
    {
        var draw = StratifiedDraw.Draw(Items, 6, SeededRandom.For(1, "t"));
        Assert.Equal(draw, StratifiedDraw.Draw(Items.Reverse(), 6, SeededRandom.For(1, "t")));
        Assert.Contains(Enumerable.Range(2, 10), s => !StratifiedDraw.Draw(Items, 6, SeededRandom.For((ulong)s, "t")).Order().SequenceEqual(draw.Order()));
        Assert.Equal(15, StratifiedDraw.Draw(Items, 100, SeededRandom.For(1, "t")).Count);
    }
}
