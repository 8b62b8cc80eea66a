namespace ActiveIT.Client.Output;

/// <summary>A plain-text table for people: right-aligned numbers, left-aligned text, columns sized to fit.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object[] cells) => _rows.Add([.. cells.Select(Format)]);

    public static string Format(object cell) => cell switch
    {
        double d => double.IsNaN(d) ? "-" : d.ToString(Math.Abs(d) >= 100 ? "F0" : "F3", System.Globalization.CultureInfo.InvariantCulture),
        float f => Format((double)f),
        _ => Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    public string Header => Line(headers) + Environment.NewLine + string.Join("  ", Widths.Select(w => new string('-', w)));

    public string Line(string[] cells) => string.Join("  ", cells.Select((c, i) =>
        IsNumeric(c) ? c.PadLeft(Widths[i]) : c.PadRight(Widths[i]))).TrimEnd();

    public override string ToString() => string.Join(Environment.NewLine, [Header, .. _rows.Select(Line)]);

    /// <summary>Column widths: the header's, or wider where given (so rows printed as they come stay aligned).</summary>
    public int[] Widths { get; set; } = headers.Select(h => Math.Max(h.Length, 8)).ToArray();

    public void FitToRows()
    {
        for (var i = 0; i < headers.Length; i++)
        {
            Widths[i] = Math.Max(headers[i].Length, _rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max());
        }
    }

    private static bool IsNumeric(string s) => s.Length > 0 && (char.IsDigit(s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.');
}
