namespace ActiveIT.Runs.Diversity;

/// <summary>
/// Unseen-rule accuracy of one length class (see <see cref="UnseenByLength.Classes"/>) per (power-law α, instruction
/// count): the mean over seeds with its 95 % t interval, and the test examples behind it over all seeds.
/// </summary>
public sealed record DiversityClassSummary(double Alpha, int Instructions, string Class, int Seeds, double Mean, double Low, double High, int Examples)
{
    public static IReadOnlyList<DiversityClassSummary> From(IEnumerable<DiversityPointResult> results) => results
        .Where(r => r.UnseenByLength is not null)
        .GroupBy(r => (r.Alpha, r.Instructions))
        .OrderByDescending(g => g.Key.Alpha)
        .ThenBy(g => g.Key.Instructions)
        .SelectMany(g => g.SelectMany(r => r.UnseenByLength!.Classes())
            .GroupBy(c => c.Name)
            .Select(c =>
            {
                // A seed whose test rules hold no example of the class has no accuracy there, not a zero.
                var values = c.Where(x => x.Accuracy.Total > 0).Select(x => x.Accuracy.Value).ToArray();
                var (mean, low, high) = DiversitySummary.MeanInterval(values);
                return new DiversityClassSummary(g.Key.Alpha, g.Key.Instructions, c.Key, values.Length, mean, low, high, c.Sum(x => x.Accuracy.Total));
            }))
        .ToArray();
}
