using System.Globalization;
using System.Security;
using System.Text;

namespace ActiveIT.Client.Output;

/// <summary>A line plot as standalone SVG: log or linear x, error bars, legend, and a hover title on every point.</summary>
internal sealed class SvgPlot(string title, string xLabel, string yLabel, bool logX)
{
    private const int PlotWidth = 480, Height = 440, Left = 70, Top = 50, Bottom = 60;
    private static readonly string[] Colors =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"];
    private readonly List<(string Name, IReadOnlyList<(double X, double Y, double Err)> Points)> _series = [];

    public double YMin { get; init; } = 0;
    public double YMax { get; init; } = 1;
    public string? Note { get; init; }

    public void Add(string name, IReadOnlyList<(double X, double Y, double Err)> points) => _series.Add((name, points));

    /// <summary>Room right of the plot for the legend: its longest name at ~7 px a character (12 px sans-serif), never clipped.</summary>
    private int Right => Math.Max(170, 50 + (int)Math.Ceiling(7.2 * _series.Select(s => s.Name.Length).DefaultIfEmpty(0).Max()));

    /// <summary>The plot area keeps its size; the picture widens with the legend.</summary>
    private int Width => Left + PlotWidth + Right;

    public string Render()
    {
        var xs = _series.SelectMany(s => s.Points.Select(p => X(p.X))).ToArray();
        var (x0, x1) = xs.Length == 0 ? (0.0, 1.0) : (xs.Min(), xs.Max());
        if (x1 - x0 < 1e-9)
        {
            (x0, x1) = (x0 - 1, x1 + 1);
        }
        double Px(double x) => Left + (X(x) - x0) / (x1 - x0) * (Width - Left - Right);
        double Py(double y) => Top + (1 - (Math.Clamp(y, YMin, YMax) - YMin) / (YMax - YMin)) * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        if (Note is not null)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"38\" text-anchor=\"middle\" fill=\"#555\">{Escape(Note)}</text>\n");
        }
        for (var i = 0; i <= 5; i++)
        {
            var y = YMin + i * (YMax - YMin) / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(y):F1}\" y2=\"{Py(y):F1}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{Py(y) + 4:F1}\" text-anchor=\"end\">{y:0.##}</text>\n");
        }
        foreach (var x in _series.SelectMany(s => s.Points.Select(p => p.X)).Distinct().Order())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(x):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{x:0.###}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">{Escape(xLabel)}{(logX ? " (log scale)" : "")}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(18,{(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n");

        for (var s = 0; s < _series.Count; s++)
        {
            var (name, points) = _series[s];
            var color = Colors[s % Colors.Length];
            var ordered = points.OrderBy(p => p.X).ToArray();
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", ordered.Select(p => $"{Px(p.X):F1},{Py(p.Y):F1}"))}\"/>\n");
            foreach (var p in ordered)
            {
                if (p.Err > 0)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Px(p.X):F1}\" x2=\"{Px(p.X):F1}\" y1=\"{Py(p.Y - p.Err):F1}\" y2=\"{Py(p.Y + p.Err):F1}\" stroke=\"{color}\"/>");
                }
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Px(p.X):F1}\" cy=\"{Py(p.Y):F1}\" r=\"4\" fill=\"{color}\"><title>{Escape(name)}: x={p.X:0.###}, y={p.Y:0.####} ± {p.Err:0.####}</title></circle>\n");
            }
            var ly = Top + 10 + s * 20;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Width - Right + 15}\" x2=\"{Width - Right + 35}\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 40}\" y=\"{ly + 4}\">{Escape(name)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private double X(double x) => logX ? Math.Log10(x) : x;

    private static string Escape(string s) => SecurityElement.Escape(s);
}
