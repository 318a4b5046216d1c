using System.Globalization;
using System.Text;

namespace EksAutoMode.Engine.Reporting.Html;

/// <summary>
/// Inline SVG charts drawn by our own code (no script, no external resource). Each chart is an accessible image
/// (role="img" with &lt;title&gt; and &lt;desc&gt;), every bar carries its value as text, and the second series of a
/// stacked bar is hatched, so colour is never the only signal. Colours come from CSS classes (light and dark mode).
/// </summary>
internal static class SvgChart
{
    internal sealed record Bar(string Label, decimal Value, string ValueText);

    internal sealed record StackedBar(string Label, decimal First, decimal Second, string ValueText);

    internal sealed record Column(string Label, int Value, int Marked, bool Flagged);

    private const int Width = 600, LabelWidth = 150, ValueWidth = 170, RowHeight = 26, Top = 8;

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static void Open(StringBuilder sb, string id, string title, string desc, int height)
    {
        sb.Append("<svg class=\"chart\" data-chart=\"").Append(id).Append("\" role=\"img\" aria-labelledby=\"").Append(id).Append("-t ").Append(id)
            .Append("-d\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(height).Append("\" width=\"").Append(Width).Append("\" height=\"").Append(height)
            .Append("\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append("<title id=\"").Append(id).Append("-t\">").Append(HtmlText.Encode(title)).Append("</title>")
            .Append("<desc id=\"").Append(id).Append("-d\">").Append(HtmlText.Encode(desc)).Append("</desc>")
            .Append("<defs><pattern id=\"").Append(id).Append("-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">")
            .Append("<rect class=\"hatch-bg\" width=\"6\" height=\"6\"/><line class=\"hatch-line\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke-width=\"3\"/></pattern></defs>");
    }

    private static string Trim(string label) => label.Length <= 28 ? label : label[..27] + "…";

    /// <summary>Horizontal bars, one per row (counts).</summary>
    public static void Bars(StringBuilder sb, string id, string title, IReadOnlyList<Bar> bars)
    {
        int height = Top * 2 + Math.Max(1, bars.Count) * RowHeight;
        string desc = bars.Count == 0 ? "No data." : string.Join("; ", bars.Select(b => $"{b.Label}: {b.ValueText}"));
        Open(sb, id, title, desc, height);
        decimal max = bars.Count == 0 ? 0m : bars.Max(b => b.Value);
        double area = Width - LabelWidth - ValueWidth;
        for (int i = 0; i < bars.Count; i++)
        {
            Bar b = bars[i];
            double y = Top + i * RowHeight;
            double w = max <= 0m ? 0 : Math.Max(2, (double)(b.Value / max) * area);
            sb.Append("<g class=\"bar-row\"><text class=\"label\" x=\"").Append(LabelWidth - 8).Append("\" y=\"").Append(F(y + 17)).Append("\" text-anchor=\"end\">")
                .Append(HtmlText.Encode(Trim(b.Label))).Append("</text>")
                .Append("<rect class=\"bar s1\" x=\"").Append(LabelWidth).Append("\" y=\"").Append(F(y + 4)).Append("\" width=\"").Append(F(w)).Append("\" height=\"").Append(RowHeight - 8).Append("\"/>")
                .Append("<text class=\"value\" x=\"").Append(F(LabelWidth + w + 6)).Append("\" y=\"").Append(F(y + 17)).Append("\">").Append(HtmlText.Encode(b.ValueText)).Append("</text></g>");
        }

        if (bars.Count == 0)
        {
            sb.Append("<text class=\"label\" x=\"8\" y=\"24\">No data</text>");
        }

        sb.Append("</svg>");
    }

    /// <summary>Horizontal stacked bars: the first series solid, the second hatched (EC2 and the Auto Mode fee).</summary>
    public static void Stacked(StringBuilder sb, string id, string title, string firstName, string secondName, IReadOnlyList<StackedBar> bars)
    {
        int height = Top * 2 + (Math.Max(1, bars.Count) + 1) * RowHeight;
        string desc = bars.Count == 0 ? "No data." : $"{firstName} (solid) and {secondName} (hatched). " + string.Join("; ", bars.Select(b => $"{b.Label}: {b.ValueText}"));
        Open(sb, id, title, desc, height);
        decimal max = bars.Count == 0 ? 0m : bars.Max(b => b.First + b.Second);
        double area = Width - LabelWidth - ValueWidth;
        // Legend: a solid and a hatched swatch with their names.
        sb.Append("<g class=\"legend\"><rect class=\"bar s1\" x=\"").Append(LabelWidth).Append("\" y=\"").Append(Top + 5).Append("\" width=\"14\" height=\"14\"/>")
            .Append("<text class=\"label\" x=\"").Append(LabelWidth + 20).Append("\" y=\"").Append(Top + 17).Append("\">").Append(HtmlText.Encode(firstName)).Append("</text>")
            .Append("<rect class=\"bar s2\" fill=\"url(#").Append(id).Append("-hatch)\" x=\"").Append(LabelWidth + 150).Append("\" y=\"").Append(Top + 5).Append("\" width=\"14\" height=\"14\"/>")
            .Append("<text class=\"label\" x=\"").Append(LabelWidth + 170).Append("\" y=\"").Append(Top + 17).Append("\">").Append(HtmlText.Encode(secondName)).Append(" (hatched)</text></g>");
        for (int i = 0; i < bars.Count; i++)
        {
            StackedBar b = bars[i];
            double y = Top + (i + 1) * RowHeight;
            double w1 = max <= 0m ? 0 : (double)(b.First / max) * area;
            double w2 = max <= 0m ? 0 : (double)(b.Second / max) * area;
            sb.Append("<g class=\"bar-row\"><text class=\"label\" x=\"").Append(LabelWidth - 8).Append("\" y=\"").Append(F(y + 17)).Append("\" text-anchor=\"end\">")
                .Append(HtmlText.Encode(Trim(b.Label))).Append("</text>")
                .Append("<rect class=\"bar s1\" x=\"").Append(LabelWidth).Append("\" y=\"").Append(F(y + 4)).Append("\" width=\"").Append(F(w1)).Append("\" height=\"").Append(RowHeight - 8).Append("\"/>")
                .Append("<rect class=\"bar s2\" fill=\"url(#").Append(id).Append("-hatch)\" x=\"").Append(F(LabelWidth + w1)).Append("\" y=\"").Append(F(y + 4)).Append("\" width=\"").Append(F(w2)).Append("\" height=\"").Append(RowHeight - 8).Append("\"/>")
                .Append("<text class=\"value\" x=\"").Append(F(LabelWidth + w1 + w2 + 6)).Append("\" y=\"").Append(F(y + 17)).Append("\">").Append(HtmlText.Encode(b.ValueText)).Append("</text></g>");
        }

        sb.Append("</svg>");
    }

    /// <summary>Vertical columns per day; the marked part (stateful) hatched and flagged columns (overdue) outlined and labelled with "!".</summary>
    public static void Columns(StringBuilder sb, string id, string title, string markedName, IReadOnlyList<Column> columns)
    {
        const int height = 220, bottom = 40, left = 36;
        string desc = columns.Count == 0 ? "No data." : $"Nodes per day; {markedName} hatched. " + string.Join("; ", columns.Select(c => $"{c.Label}: {c.Value} node(s), {c.Marked} {markedName}{(c.Flagged ? ", overdue" : "")}"));
        Open(sb, id, title, desc, height);
        int max = columns.Count == 0 ? 0 : columns.Max(c => c.Value);
        double plot = height - bottom - 24;
        double slot = columns.Count == 0 ? 0 : (double)(Width - left - 8) / columns.Count;
        double barWidth = Math.Max(2, Math.Min(36, slot - 4));
        sb.Append("<line class=\"axis\" x1=\"").Append(left).Append("\" y1=\"").Append(height - bottom).Append("\" x2=\"").Append(Width - 4).Append("\" y2=\"").Append(height - bottom).Append("\"/>");
        int labelEvery = Math.Max(1, (int)Math.Ceiling(columns.Count / 16.0));
        for (int i = 0; i < columns.Count; i++)
        {
            Column c = columns[i];
            double h = max == 0 ? 0 : Math.Max(2, c.Value / (double)max * plot);
            double hm = max == 0 || c.Marked == 0 ? 0 : Math.Max(2, c.Marked / (double)max * plot);
            double x = left + i * slot + (slot - barWidth) / 2;
            double y = height - bottom - h;
            sb.Append("<g class=\"col").Append(c.Flagged ? " flagged" : "").Append("\"><rect class=\"bar s1\" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" width=\"").Append(F(barWidth)).Append("\" height=\"").Append(F(h)).Append("\"/>");
            if (hm > 0)
            {
                sb.Append("<rect class=\"bar s2\" fill=\"url(#").Append(id).Append("-hatch)\" x=\"").Append(F(x)).Append("\" y=\"").Append(F(height - bottom - hm)).Append("\" width=\"").Append(F(barWidth)).Append("\" height=\"").Append(F(hm)).Append("\"/>");
            }

            sb.Append("<text class=\"value\" x=\"").Append(F(x + barWidth / 2)).Append("\" y=\"").Append(F(y - 4)).Append("\" text-anchor=\"middle\">")
                .Append(c.Value.ToString(CultureInfo.InvariantCulture)).Append(c.Flagged ? "!" : "").Append("</text>");
            if (i % labelEvery == 0)
            {
                sb.Append("<text class=\"label small\" x=\"").Append(F(x + barWidth / 2)).Append("\" y=\"").Append(height - bottom + 16).Append("\" text-anchor=\"middle\">")
                    .Append(HtmlText.Encode(c.Label)).Append("</text>");
            }

            sb.Append("</g>");
        }

        if (columns.Count == 0)
        {
            sb.Append("<text class=\"label\" x=\"").Append(left + 8).Append("\" y=\"40\">No Auto Mode node with an expiry</text>");
        }

        sb.Append("<rect class=\"bar s2\" fill=\"url(#").Append(id).Append("-hatch)\" x=\"").Append(left).Append("\" y=\"").Append(height - 16).Append("\" width=\"14\" height=\"12\"/>")
            .Append("<text class=\"label small\" x=\"").Append(left + 20).Append("\" y=\"").Append(height - 6).Append("\">").Append(HtmlText.Encode(markedName))
            .Append(" (hatched); ! = day already passed</text></svg>");
    }
}

/// <summary>HTML text from input: unsafe characters escaped first (DisplayText), then HTML-encoded.</summary>
internal static class HtmlText
{
    public static string Encode(string? text) => text is null ? "" : System.Net.WebUtility.HtmlEncode(DisplayText.Escape(text));
}
