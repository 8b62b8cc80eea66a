namespace ActiveIT.Core.Curriculum;

/// <summary>
/// Draws items evenly over their categories: the categories in a seeded order, each category's items in a seeded
/// order, taken round-robin until enough are drawn (a category that runs out is skipped). Every draw of the same
/// size then holds the same number of items per category, give or take one.
/// </summary>
public static class StratifiedDraw
{
    public static IReadOnlyList<string> Draw(IEnumerable<(string Id, string Category)> items, int count, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var groups = items.GroupBy(x => x.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var ids = g.Select(x => x.Id).Order(StringComparer.Ordinal).ToList();
                random.Shuffle(ids);
                return new Queue<string>(ids);
            })
            .ToList();
        random.Shuffle(groups);
        var drawn = new List<string>(count);
        while (drawn.Count < count && groups.Count > 0)
        {
            foreach (var group in groups)
            {
                if (drawn.Count < count)
                {
                    drawn.Add(group.Dequeue());
                }
            }
            groups.RemoveAll(g => g.Count == 0);
        }
        return drawn;
    }
}
