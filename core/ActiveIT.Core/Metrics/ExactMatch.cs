namespace ActiveIT.Core.Metrics;

/// <summary>NIV2's exact match: lowercase, delete ASCII punctuation, collapse whitespace; articles are kept.</summary>
public static class ExactMatch
{
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string Normalize(string text)
    {
        var kept = new System.Text.StringBuilder(text.Length);
        foreach (var c in PythonText.Lower(text))
        {
            if (!AsciiPunctuation.Contains(c))
            {
                kept.Append(c);
            }
        }
        return string.Join(' ', kept.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    public static bool Matches(string prediction, string reference) => Normalize(prediction) == Normalize(reference);
}
