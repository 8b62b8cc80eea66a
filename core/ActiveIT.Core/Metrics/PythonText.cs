using System.Globalization;
using System.Text;

namespace ActiveIT.Core.Metrics;

/// <summary>
/// Python's <c>str.lower()</c>, which NIV2's evaluation.py applies before tokenising: full Unicode case mapping, where
/// .NET's <c>ToLowerInvariant</c> maps one character to one. The differences that matter: U+0130 (İ) becomes two
/// characters, "i" and U+0307 — so in ROUGE-L the dot splits the token — and a capital sigma at the end of a word
/// becomes the final form ς (Unicode's Final_Sigma rule), which exact match compares.
/// </summary>
public static class PythonText
{
    public static string Lower(string text)
    {
        if (!text.Any(c => c is '\u0130' or '\u03A3'))
        {
            return text.ToLowerInvariant();
        }
        var lower = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\u0130':
                    lower.Append("i\u0307");
                    break;
                case '\u03A3':
                    lower.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
                    break;
                default:
                    lower.Append(char.ToLowerInvariant(text[i]));
                    break;
            }
        }
        return lower.ToString();
    }

    /// <summary>Final_Sigma: a cased letter before it and none after it, case-ignorable characters skipped both ways.</summary>
    private static bool IsFinalSigma(string text, int at)
    {
        var before = at - 1;
        while (before >= 0 && IsCaseIgnorable(text[before]))
        {
            before--;
        }
        if (before < 0 || !IsCased(text[before]))
        {
            return false;
        }
        var after = at + 1;
        while (after < text.Length && IsCaseIgnorable(text[after]))
        {
            after++;
        }
        return after >= text.Length || !IsCased(text[after]);
    }

    private static bool IsCased(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00B7' or '\u2018' or '\u2019' or '\u2024' or '\u2027' or '\u00AD' ||
        char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
