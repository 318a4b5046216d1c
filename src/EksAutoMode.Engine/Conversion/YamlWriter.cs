using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>
/// Deterministic YAML for converted manifests: kubectl-style block layout (2-space maps, sequences at their
/// key's indentation), top-level keys in the order apiVersion, kind, metadata, spec, status, then the rest;
/// metadata as name, namespace, labels, annotations, then the rest; no nulls; strings quoted wherever a YAML
/// 1.1 or 1.2 reader could type them as anything but a string; '#' comment lines above the field they are about.
/// The same tree and comments always give the same text.
/// </summary>
internal static class YamlWriter
{
    private static readonly string[] TopOrder = { "apiVersion", "kind", "metadata", "spec", "status" };
    private static readonly string[] MetadataOrder = { "name", "namespace", "labels", "annotations" };
    private const int CommentWidth = 110;

    /// <param name="root">The document.</param>
    /// <param name="comments">Comment lines keyed by the path of the field they sit above (paths as <see cref="TreePath"/> builds them).
    /// A path that is not in the tree moves to its nearest ancestor; with none, to the top of the document.</param>
    /// <param name="header">Comment lines at the very top.</param>
    public static string Write(MappingNode root, IReadOnlyDictionary<string, List<string>>? comments = null, IEnumerable<string>? header = null)
    {
        var sb = new StringBuilder(1024);
        var placed = PlaceComments(root, comments, out List<string> orphans);
        foreach (string line in (header ?? Array.Empty<string>()).Concat(orphans))
        {
            WriteCommentLines(sb, 0, line);
        }

        WriteMapBody(sb, Order(root, isRoot: true), 0, "", placed, isRoot: true);
        return sb.ToString();
    }

    // ---------------------------------------------------------------- comments

    private static Dictionary<string, List<string>> PlaceComments(MappingNode root, IReadOnlyDictionary<string, List<string>>? comments, out List<string> orphans)
    {
        orphans = new List<string>();
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (comments is null || comments.Count == 0)
        {
            return result;
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        CollectPaths(root, "", paths);
        foreach (var (path, lines) in comments.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            string? target = path;
            while (target is not null && target.Length > 0 && !paths.Contains(target))
            {
                target = NodePaths.Parent(target);
            }

            if (string.IsNullOrEmpty(target))
            {
                orphans.AddRange(lines);
                continue;
            }

            if (!result.TryGetValue(target, out var list))
            {
                result[target] = list = new List<string>();
            }

            list.AddRange(lines);
        }

        return result;
    }

    private static void CollectPaths(ManifestNode node, string path, HashSet<string> paths)
    {
        if (path.Length > 0)
        {
            paths.Add(path);
        }

        switch (node)
        {
            case MappingNode map:
                foreach (var e in map.Entries)
                {
                    CollectPaths(e.Value, NodePaths.Key(path, e.KeyText), paths);
                }

                break;
            case SequenceNode seq:
                for (int i = 0; i < seq.Items.Count; i++)
                {
                    CollectPaths(seq.Items[i], NodePaths.Index(path, i), paths);
                }

                break;
        }
    }

    private static void WriteComments(StringBuilder sb, int indent, string path, Dictionary<string, List<string>> comments)
    {
        if (comments.TryGetValue(path, out var lines))
        {
            foreach (string line in lines)
            {
                WriteCommentLines(sb, indent, line);
            }
        }
    }

    private static void WriteCommentLines(StringBuilder sb, int indent, string text)
    {
        foreach (string raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            string clean = new(raw.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
            foreach (string line in Wrap(clean, Math.Max(40, CommentWidth - indent - 2)))
            {
                sb.Append(' ', indent).Append('#');
                if (line.Length > 0)
                {
                    sb.Append(' ').Append(line);
                }

                sb.Append('\n');
            }
        }
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        string rest = text.TrimEnd();
        bool first = true;
        while (rest.Length > width)
        {
            int cut = rest.LastIndexOf(' ', width);
            if (cut <= 0)
            {
                cut = rest.IndexOf(' ', width);
                if (cut < 0)
                {
                    break;
                }
            }

            yield return (first ? "" : "  ") + rest[..cut];
            first = false;
            rest = rest[(cut + 1)..].TrimStart();
        }

        yield return (first ? "" : "  ") + rest;
    }

    // ---------------------------------------------------------------- structure

    private static IEnumerable<KeyValuePair<string, ManifestNode>> Order(MappingNode map, bool isRoot)
    {
        if (!isRoot)
        {
            return Pairs(map);
        }

        return OrderBy(map, TopOrder);
    }

    private static IEnumerable<KeyValuePair<string, ManifestNode>> OrderBy(MappingNode map, string[] order)
    {
        foreach (string key in order)
        {
            if (map[key] is { } value)
            {
                yield return new(key, value);
            }
        }

        foreach (var e in map.Entries)
        {
            if (Array.IndexOf(order, e.KeyText) < 0)
            {
                yield return new(e.KeyText, e.Value);
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, ManifestNode>> Pairs(MappingNode map) => map.Entries.Select(e => new KeyValuePair<string, ManifestNode>(e.KeyText, e.Value));

    private static bool IsNull(ManifestNode node) => node is ScalarNode { IsNull: true };

    private static void WriteMapBody(StringBuilder sb, IEnumerable<KeyValuePair<string, ManifestNode>> entries, int indent, string path,
        Dictionary<string, List<string>> comments, bool isRoot = false, bool firstInline = false)
    {
        bool first = true;
        foreach (var (key, value) in entries)
        {
            if (IsNull(value))
            {
                continue; // no nulls in the output
            }

            string childPath = NodePaths.Key(path, key);
            if (!(first && firstInline))
            {
                WriteComments(sb, indent, childPath, comments);
                sb.Append(' ', indent);
            }

            first = false;
            sb.Append(FormatKey(key)).Append(':');
            WriteValue(sb, value, indent, childPath, comments, isMetadata: isRoot && key == "metadata");
        }
    }

    private static void WriteValue(StringBuilder sb, ManifestNode value, int indent, string path, Dictionary<string, List<string>> comments, bool isMetadata = false)
    {
        switch (value)
        {
            case ScalarNode scalar:
                WriteScalarAfterIndicator(sb, scalar, indent + 2);
                break;
            case MappingNode map when map.Entries.All(e => IsNull(e.Value)):
                sb.Append(" {}\n");
                break;
            case MappingNode map:
                sb.Append('\n');
                WriteMapBody(sb, isMetadata ? OrderBy(map, MetadataOrder) : Pairs(map), indent + 2, path, comments);
                break;
            case SequenceNode seq when seq.Items.Count == 0:
                sb.Append(" []\n");
                break;
            case SequenceNode seq:
                sb.Append('\n');
                WriteSeqBody(sb, seq, indent, path, comments);
                break;
        }
    }

    private static void WriteSeqBody(StringBuilder sb, SequenceNode seq, int indent, string path, Dictionary<string, List<string>> comments)
    {
        for (int i = 0; i < seq.Items.Count; i++)
        {
            ManifestNode item = seq.Items[i];
            string itemPath = NodePaths.Index(path, i);
            WriteComments(sb, indent, itemPath, comments);
            switch (item)
            {
                case ScalarNode scalar when scalar.IsNull:
                    sb.Append(' ', indent).Append("- \"\"\n"); // a null inside a list cannot be dropped without shifting indexes
                    break;
                case ScalarNode scalar:
                    sb.Append(' ', indent).Append('-');
                    WriteScalarAfterIndicator(sb, scalar, indent + 2);
                    break;
                case MappingNode map when map.Entries.All(e => IsNull(e.Value)):
                    sb.Append(' ', indent).Append("- {}\n");
                    break;
                case MappingNode map:
                    var live = Pairs(map).Where(e => !IsNull(e.Value)).ToList();
                    WriteComments(sb, indent, NodePaths.Key(itemPath, live[0].Key), comments);
                    sb.Append(' ', indent).Append("- ");
                    WriteMapBody(sb, live, indent + 2, itemPath, comments, firstInline: true);
                    break;
                case SequenceNode nested when nested.Items.Count == 0:
                    sb.Append(' ', indent).Append("- []\n");
                    break;
                case SequenceNode nested:
                    sb.Append(' ', indent).Append("-\n");
                    WriteSeqBody(sb, nested, indent + 2, itemPath, comments);
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- scalars

    private static void WriteScalarAfterIndicator(StringBuilder sb, ScalarNode scalar, int blockIndent)
    {
        if (!scalar.IsString)
        {
            // Booleans and integers in canonical form (true/false, decimal); floats in a form YAML 1.1 and 1.2 both read as floats.
            sb.Append(' ').Append(scalar.ResolvedType == ScalarType.Float ? FormatFloat(scalar) : NodePaths.Canonical(scalar)).Append('\n');
            return;
        }

        string s = scalar.Value ?? "";
        if (CanUseLiteralBlock(s))
        {
            int trailing = s.Length - s.TrimEnd('\n').Length;
            sb.Append(trailing switch { 0 => " |-", 1 => " |", _ => " |+" }).Append('\n');
            string body = s.TrimEnd('\n');
            foreach (string line in body.Split('\n'))
            {
                if (line.Length > 0)
                {
                    sb.Append(' ', blockIndent).Append(line);
                }

                sb.Append('\n');
            }

            for (int i = 1; i < trailing; i++)
            {
                sb.Append('\n');
            }

            return;
        }

        sb.Append(' ').Append(FormatString(s)).Append('\n');
    }

    /// <summary>1000.0, 1.5, 1.0e+20, .inf, -.inf, .nan: always a dot, exponents signed (YAML 1.1 needs both).</summary>
    internal static string FormatFloat(ScalarNode scalar)
    {
        if (!scalar.TryGetDouble(out double d))
        {
            return scalar.Value ?? "";
        }

        if (double.IsNaN(d))
        {
            return ".nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }

        string r = d.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(new[] { 'E', 'e' });
        if (e < 0)
        {
            return r.Contains('.') ? r : r + ".0";
        }

        string mantissa = r[..e];
        string exponent = r[(e + 1)..];
        if (!mantissa.Contains('.'))
        {
            mantissa += ".0";
        }

        if (exponent[0] != '+' && exponent[0] != '-')
        {
            exponent = "+" + exponent;
        }

        return mantissa + "e" + exponent;
    }

    private static bool CanUseLiteralBlock(string s)
    {
        if (!s.Contains('\n') || s.StartsWith(' ') || s.StartsWith('\n') || s.StartsWith('\t'))
        {
            return false;
        }

        foreach (char c in s)
        {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\uFEFF' || char.IsSurrogate(c))
            {
                return false;
            }
        }

        // A body line that starts with spaces after an empty first line would change the detected indentation.
        return !s.Split('\n')[0].All(char.IsWhiteSpace);
    }

    internal static string FormatKey(string key) => FormatString(key);

    /// <summary>The scalar as YAML: plain when every YAML 1.1/1.2 reader reads it back as this string, else double-quoted.</summary>
    internal static string FormatString(string s) => NeedsQuotes(s) ? DoubleQuote(s) : s;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        // null (1.1 and 1.2 core)
        "~", "null", "Null", "NULL",
        // booleans (1.1: y/n/yes/no/on/off; 1.2: true/false)
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        // 1.1 value and merge keys
        "=", "<<",
    };

    // Anything that starts like a number (digits, sign, dot) and contains only number-ish characters: ints in
    // any base, floats, exponents ("1e3"), sexagesimal ("1:20"), timestamps ("2001-12-14"), percentages ("10%").
    private static readonly Regex NumberLike = new(@"^[-+]?\.?[0-9][0-9a-fA-FxXoO._:+\-%]*$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    private static readonly Regex SpecialFloat = new(@"^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    private static readonly Regex Timestamp = new(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    internal static bool NeedsQuotes(string s)
    {
        if (s.Length == 0 || Reserved.Contains(s) || NumberLike.IsMatch(s) || SpecialFloat.IsMatch(s) || Timestamp.IsMatch(s))
        {
            return true;
        }

        char first = s[0];
        if ("-?:,[]{}#&*!|>'\"%@`".Contains(first) || char.IsWhiteSpace(first) || char.IsWhiteSpace(s[^1]))
        {
            return true;
        }

        if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(':'))
        {
            return true;
        }

        foreach (char c in s)
        {
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\uFEFF' || char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    internal static string DoubleQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case '\0': sb.Append("\\0"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                case '\uFEFF': sb.Append("\\uFEFF"); break;
                default:
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
                    {
                        sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(c).Append(s[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
