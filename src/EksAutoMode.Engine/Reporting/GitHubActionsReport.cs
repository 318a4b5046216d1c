using System.Globalization;
using System.Text;

namespace EksAutoMode.Engine.Reporting;

/// <summary>
/// GitHub Actions workflow commands, one line per finding: <c>::error file=…,line=…,col=…,title=…::message</c>
/// (<c>::warning</c> for warnings, <c>::notice</c> for notes). OK lines are not annotated. Escaping follows the
/// runner's rules (actions/toolkit, packages/core/src/command.ts): in the message, % CR LF become %25 %0D %0A;
/// in property values also : and , become %3A and %2C.
/// </summary>
public static class GitHubActionsReport
{
    public static IReadOnlyList<string> Write(IReadOnlyList<ReportFinding> findings, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(options);
        string baseDir = Path.GetFullPath(options.BaseDirectory);
        var lines = new List<string>();
        foreach (var f in findings)
        {
            string? command = f.Level switch
            {
                FindingLevel.Error => "error",
                FindingLevel.Warning => "warning",
                FindingLevel.Note => "notice",
                _ => null,
            };
            if (command is null)
            {
                continue;
            }

            var properties = new List<string>();
            if (!string.IsNullOrEmpty(f.File))
            {
                properties.Add("file=" + EscapeProperty(ReportPaths.Display(f.File, baseDir)));
                if (f.Line > 0)
                {
                    properties.Add("line=" + f.Line.ToString(CultureInfo.InvariantCulture));
                    if (f.Column > 0)
                    {
                        properties.Add("col=" + f.Column.ToString(CultureInfo.InvariantCulture));
                    }
                }
            }

            string title = f.Subject is string subject ? $"{f.RuleId} {subject}" : f.RuleId;
            properties.Add("title=" + EscapeProperty(title));

            lines.Add($"::{command} {string.Join(',', properties)}::{EscapeData(f.Text + f.Details(string.Empty))}");
        }

        return lines;
    }

    /// <summary>
    /// Escapes a command's message: % CR LF as the runner decodes them. Other control characters (ESC, BEL, NUL …)
    /// and bidirectional overrides are shown as \uXXXX: the runner would pass them through to the log viewer, where
    /// escape sequences from a manifest could recolour or rewrite the log, and overrides reorder the text shown.
    /// </summary>
    public static string EscapeData(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        foreach (char ch in text)
        {
            switch (ch)
            {
                case '%':
                    sb.Append("%25");
                    break;
                case '\r':
                    sb.Append("%0D");
                    break;
                case '\n':
                    sb.Append("%0A");
                    break;
                case '\t':
                    sb.Append(ch);
                    break;
                default:
                    if (DisplayText.IsUnsafe(ch))
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Escapes a command property value: % CR LF : ,.</summary>
    public static string EscapeProperty(string text) =>
        EscapeData(text)
            .Replace(":", "%3A", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);
}
