using ActiveIT.Client.Output;

namespace ActiveIT.Client.Tests;

public sealed class CsvTextTests
{
    private enum Kind { Easy, Difficult }

    [Fact]
    public void Write_Cells_KeepTheTextEarlierFilesHad()
    {
        var csv = CsvText.Write(["a", "b", "c", "d", "e", "f", "g", "h"],
            [[1, 0.1 + 0.2, 0.00017037541f, double.NaN, false, true, 18446744073709551615UL, Kind.Difficult], [null, "", "x y", -0.0, 1e-300, 2.5f, 0L, Kind.Easy]]);
        Assert.Equal("a,b,c,d,e,f,g,h\n1,0.30000000000000004,0.00017037541,NaN,false,true,18446744073709551615,Difficult\n,,x y,-0,1E-300,2.5,0,Easy\n", csv);
    }

    [Theory]
    [InlineData(7.9890135f)]
    [InlineData(0.9621425867080688f)]
    [InlineData(3.4028235e38f)]
    [InlineData(1.401298e-45f)]
    public void Write_Floats_ReadBackAsTheSameFloat(float value)
    {
        var cell = CsvText.Write(["x"], [[value]]).Split('\n')[1];
        Assert.Equal(value, float.Parse(cell, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("{\"name\":\"pu\"}", "\"{\"\"name\"\":\"\"pu\"\"}\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("carriage\rreturn", "\"carriage\rreturn\"")]
    public void Write_FieldsWithDelimitersQuotesOrLineBreaks_AreQuotedAsRfc4180Asks(string cell, string expected) =>
        Assert.Equal($"h\n{expected}\n", CsvText.Write(["h"], [[cell]]));
}
