using System.Globalization;
using System.Text;

namespace EksAutoMode.Engine;

/// <summary>
/// Makes text from input safe to show: control characters (C0, DEL, C1), line and paragraph separators and the
/// bidirectional overrides/isolates are written as escapes (<c>\n</c>, <c>\e</c>, <c>\u202E</c>), so a manifest
/// cannot move the cursor, recolour the console, forge extra log lines or reorder text in messages, findings,
/// error records and formatted output.
/// </summary>
public static class DisplayText
{
    /// <summary>The text with every unsafe character escaped; the same instance when nothing needed escaping.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!IsUnsafe(c))
            {
                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u001B' => "\\e",
                _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }

        return sb.ToString();
    }

    /// <summary><see cref="Escape(string)"/> for nullable text.</summary>
    public static string? EscapeOrNull(string? text) => text is null ? null : Escape(text);

    /// <summary>Control characters (C0, DEL, C1), line/paragraph separators and bidirectional overrides/isolates.</summary>
    public static bool IsUnsafe(char c) =>
        c < ' ' || (c >= '\u007F' && c <= '\u009F')
        || c is '\u2028' or '\u2029' or '\u200E' or '\u200F' or '\u061C'
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
}
