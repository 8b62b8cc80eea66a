using System.Globalization;
using CsvHelper;

namespace ActiveIT.Client.Output;

/// <summary>
/// The CLI's one way to write CSV (CsvHelper): a header, then one line per row, quoted as RFC 4180 asks, in the invariant
/// culture. A null cell is empty, a bool is true or false, a float or double the shortest text that reads back the same.
/// </summary>
internal static class CsvText
{
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        NewLine = "\n",  // the line end every CSV of this CLI has had (docs/*.csv); cells holding CR or LF are still quoted
        TrueValue = "true",
        FalseValue = "false",
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, Options, leaveOpen: true))
        {
            csv.WriteHeader([.. header]);
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }
                csv.EndRecord();
            }
        }
        return text.ToString();
    }
}
