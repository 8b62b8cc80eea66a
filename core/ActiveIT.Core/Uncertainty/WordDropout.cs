namespace ActiveIT.Core.Uncertainty;

/// <summary>Deletes each whitespace-separated word independently with probability p (methods.md §1, p = 0.2 by default).</summary>
public static class WordDropout
{
    public static string Apply(string text, double p, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Where(_ => random.NextDouble() >= p));
    }
}
