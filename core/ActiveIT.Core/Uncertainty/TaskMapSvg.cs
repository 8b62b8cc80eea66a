using System.Globalization;
using System.Security;
using System.Text;

namespace ActiveIT.Core.Uncertainty;

/// <summary>The task map as SVG: prompt uncertainty on a cube-root x axis (as the paper plots it), prediction probability
/// on y, coloured by category, the task name and values on hover.</summary>
public static class TaskMapSvg
{
    private const int Width = 760, Height = 520, Left = 70, Right = 170, Top = 60, Bottom = 60;

    private static readonly Dictionary<TaskMapCategory, string> Colors = new()
    {
        [TaskMapCategory.Ambiguous] = "#d62728", [TaskMapCategory.Easy] = "#2ca02c", [TaskMapCategory.Difficult] = "#1f77b4",
    };

    public static string Render(IReadOnlyList<TaskMap.Entry> entries, string title, string note)
    {
        var xs = entries.Select(e => Math.Cbrt(e.PromptUncertainty)).DefaultIfEmpty(0).ToArray();
        var (x0, x1) = (0.0, Math.Max(xs.Max() * 1.05, 1e-6));
        double Px(double pu) => Left + Math.Cbrt(pu) / x1 * (Width - Left - Right);
        double Py(double pp) => Top + (1 - Math.Clamp(pp, 0, 1)) * (Height - Top - Bottom);
        var svg = new StringBuilder();
        void Add(FormattableString s) => svg.Append(s.ToString(CultureInfo.InvariantCulture));
        Add($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        Add($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        Add($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{SecurityElement.Escape(title)}</text>\n");
        Add($"<text x=\"{Width / 2}\" y=\"40\" text-anchor=\"middle\" fill=\"#555\">{SecurityElement.Escape(note)}</text>\n");
        for (var i = 0; i <= 5; i++)
        {
            var pp = i / 5.0;
            var cube = x0 + i * (x1 - x0) / 5;
            Add($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(pp):F1}\" y2=\"{Py(pp):F1}\" stroke=\"#eee\"/><text x=\"{Left - 8}\" y=\"{Py(pp) + 4:F1}\" text-anchor=\"end\">{pp:0.0}</text>\n");
            Add($"<text x=\"{Left + cube / x1 * (Width - Left - Right):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{Math.Pow(cube, 3):0.####}</text>\n");
        }
        Add($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"black\"/><line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n");
        Add($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">prompt uncertainty (cube-root scale)</text>\n");
        Add($"<text transform=\"translate(18,{(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">prediction probability</text>\n");
        foreach (var e in entries)
        {
            Add($"<circle cx=\"{Px(e.PromptUncertainty):F1}\" cy=\"{Py(e.PredictionProbability):F1}\" r=\"4\" fill=\"{Colors[e.Category]}\" fill-opacity=\"0.75\"><title>{SecurityElement.Escape(e.TaskId)}: PU {e.PromptUncertainty:0.#####}, PP {e.PredictionProbability:0.####}, {e.Category}</title></circle>\n");
        }
        var row = 0;
        foreach (var (category, color) in Colors)
        {
            var y = Top + 10 + row++ * 20;
            Add($"<circle cx=\"{Width - Right + 20}\" cy=\"{y}\" r=\"5\" fill=\"{color}\"/><text x=\"{Width - Right + 32}\" y=\"{y + 4}\">{category} ({entries.Count(e => e.Category == category)})</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
