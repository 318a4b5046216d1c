using System.Globalization;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>
/// Paths as conversion notes show them (<c>spec.blockDeviceMappings[1].ebs.volumeSize</c>,
/// <c>spec.tags["kubernetes.io/cluster/x"]</c>) and small helpers over the shared manifest model.
/// </summary>
internal static class NodePaths
{
    public static string Key(string parent, string key)
    {
        bool simple = key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-');
        if (simple)
        {
            return parent.Length == 0 ? key : parent + "." + key;
        }

        return parent + "[\"" + key.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"]";
    }

    public static string Index(string parent, int index) => parent + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    public static string Join(params string[] keys)
    {
        string path = "";
        foreach (string k in keys)
        {
            path = Key(path, k);
        }

        return path;
    }

    /// <summary>
    /// The source position a note path points at: the key of the field itself, or, for a field the source does not
    /// have (a default, a missing required value), its nearest ancestor that is there. (0, 0) when nothing matches.
    /// </summary>
    public static (int Line, int Column) Locate(ManifestNode root, string? path)
    {
        (int Line, int Column) best = root.HasPosition ? (root.Line, root.Column) : (0, 0);
        if (string.IsNullOrEmpty(path))
        {
            return best;
        }

        ManifestNode? node = root;
        int i = 0;
        while (node is not null && i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '"')
            {
                var key = new System.Text.StringBuilder();
                int j = i + 2;
                for (; j < path.Length && path[j] != '"'; j++)
                {
                    key.Append(path[j] == '\\' && j + 1 < path.Length ? path[++j] : path[j]);
                }

                i = j + 2; // past "]
                node = Step(node, key.ToString(), ref best);
            }
            else if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0 || !int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    return best;
                }

                i = close + 1;
                node = node is SequenceNode seq && index < seq.Count ? seq[index] : null;
                if (node is { HasPosition: true })
                {
                    best = (node.Line, node.Column);
                }
            }
            else
            {
                int end = i;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }

                node = Step(node, path[i..end], ref best);
                i = end;
            }
        }

        return best;
    }

    private static ManifestNode? Step(ManifestNode node, string key, ref (int Line, int Column) best)
    {
        if (node is not MappingNode map || map.GetEntry(key) is not { } entry)
        {
            return null;
        }

        if (entry.Key.HasPosition)
        {
            best = (entry.Key.Line, entry.Key.Column);
        }
        else if (entry.Value.HasPosition)
        {
            best = (entry.Value.Line, entry.Value.Column);
        }

        return entry.Value;
    }

    /// <summary>The path without its last segment ("" for a top-level key).</summary>
    public static string Parent(string path)
    {
        if (path.EndsWith(']'))
        {
            int open = path.EndsWith("\"]", StringComparison.Ordinal) ? path.LastIndexOf("[\"", StringComparison.Ordinal) : path.LastIndexOf('[');
            return open <= 0 ? "" : path[..open];
        }

        int dot = path.LastIndexOf('.');
        int bracket = path.LastIndexOf(']');
        if (dot > bracket)
        {
            return path[..dot];
        }

        return bracket >= 0 ? path[..(bracket + 1)] : "";
    }

    /// <summary>Semantic equality: map key order ignored, sequence order kept, scalars by resolved type and canonical text.</summary>
    public static bool DeepEquals(ManifestNode? a, ManifestNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (ScalarNode x, ScalarNode y):
                return x.ResolvedType == y.ResolvedType && Canonical(x) == Canonical(y);
            case (SequenceNode x, SequenceNode y):
                return x.Count == y.Count && x.Items.Zip(y.Items).All(p => DeepEquals(p.First, p.Second));
            case (MappingNode x, MappingNode y):
                return x.Count == y.Count && x.Entries.All(e => DeepEquals(e.Value, y[e.KeyText]));
            default:
                return false;
        }
    }

    /// <summary>Canonical text of a scalar: booleans as true/false, integers in decimal, everything else as written.</summary>
    public static string? Canonical(ScalarNode s)
    {
        switch (s.ResolvedType)
        {
            case ScalarType.Boolean:
                return s.TryGetBoolean(out bool b) ? (b ? "true" : "false") : s.Value;
            case ScalarType.Integer:
                return s.TryGetInt64(out long l) ? l.ToString(CultureInfo.InvariantCulture) : s.Value;
            case ScalarType.Null:
                return null;
            default:
                return s.Value;
        }
    }

    public static ScalarNode Int(long value) => ScalarNode.Plain(value.ToString(CultureInfo.InvariantCulture));

    public static ScalarNode Bool(bool value) => ScalarNode.Plain(value ? "true" : "false");

    public static ScalarNode Str(string value) => ScalarNode.String(value);

    /// <summary>Returns the mapping at <paramref name="key"/>, adding an empty one if absent.</summary>
    public static MappingNode GetOrAddMapping(this MappingNode map, string key)
    {
        if (map[key] is MappingNode existing)
        {
            return existing;
        }

        var created = new MappingNode();
        map.Set(key, created);
        return created;
    }

    /// <summary>A short, single-line rendering of a value for messages (flow style, truncated).</summary>
    public static string Describe(ManifestNode? node, int max = 160)
    {
        string text = DescribeCore(node);
        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }

    /// <summary>Hides credentials embedded in URLs (<c>http://user:password@proxy:3128</c>) before a value appears in a message.</summary>
    public static string Redact(string text) => UserInfoInUrl.Replace(text, "${scheme}***@");

    private static readonly System.Text.RegularExpressions.Regex UserInfoInUrl =
        new(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@", System.Text.RegularExpressions.RegexOptions.NonBacktracking | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string DescribeCore(ManifestNode? node) => node switch
    {
        null => "null",
        ScalarNode s => s.ResolvedType == ScalarType.String ? YamlWriter.FormatString(Redact(s.Value ?? "")) : Canonical(s) ?? "null",
        SequenceNode q => "[" + string.Join(", ", q.Items.Select(DescribeCore)) + "]",
        MappingNode m => "{" + string.Join(", ", m.Entries.Select(e => YamlWriter.FormatString(e.KeyText) + ": " + DescribeCore(e.Value))) + "}",
        _ => "?",
    };
}
