namespace ActiveIT.Core.Metrics;

/// <summary>
/// ROUGE-L F1 as Google's `rouge-score` computes it with use_stemmer=True (NIV2's default track): lowercase, every run
/// of characters outside [a-z0-9] becomes a space, whitespace split, Porter-stem tokens longer than 3 characters, then
/// LCS precision/recall/F1 — 0 when either side has no tokens.
/// </summary>
public static class RougeL
{
    public static IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var lower = PythonText.Lower(text);
        var start = -1;
        for (var i = 0; i <= lower.Length; i++)
        {
            var alnum = i < lower.Length && lower[i] is (>= 'a' and <= 'z') or (>= '0' and <= '9');
            if (alnum && start < 0)
            {
                start = i;
            }
            else if (!alnum && start >= 0)
            {
                var token = lower[start..i];
                tokens.Add(token.Length > 3 ? PorterStemmer.Stem(token) : token);
                start = -1;
            }
        }
        return tokens;
    }

    /// <summary>F1 of the longest common subsequence of the token lists.</summary>
    public static double F1(string prediction, string reference)
    {
        var p = Tokenize(prediction);
        var r = Tokenize(reference);
        if (p.Count == 0 || r.Count == 0)
        {
            return 0;
        }
        var lcs = Lcs(r, p);
        if (lcs == 0)
        {
            return 0;
        }
        double precision = (double)lcs / p.Count, recall = (double)lcs / r.Count;
        return 2 * precision * recall / (precision + recall);
    }

    private static int Lcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }
}
