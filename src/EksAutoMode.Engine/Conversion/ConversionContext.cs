using System.Globalization;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>Bad input found while converting one document (a required field missing or of the wrong type).</summary>
internal sealed class ConversionInputException : Exception
{
    public ConversionInputException(string errorId, string path, ManifestNode? node, string message)
        : base(message)
    {
        ErrorId = errorId;
        Path = path;
        Node = node;
    }

    public string ErrorId { get; }
    public string Path { get; }
    public ManifestNode? Node { get; }
}

/// <summary>Per-document state: notes, options, tables.</summary>
internal sealed partial class ConversionContext
{
    private readonly List<ConversionNoteData> _notes = new();

    public ConversionContext(ConversionOptions options, ManifestDocument source)
    {
        Options = options;
        Source = source;
    }

    public ConversionOptions Options { get; }
    public ManifestDocument Source { get; }
    public ConversionData Data => ConversionData.Instance;
    public DefaultsTable Defaults => Data.Defaults;
    public IReadOnlyList<ConversionNoteData> Notes => _notes;

    public void Note(NoteSeverity severity, NoteAction action, string? sourcePath, string? targetPath, string message)
    {
        var (line, column) = sourcePath is null ? (Source.Line, 0) : NodePaths.Locate(Source.Root, sourcePath);
        _notes.Add(new ConversionNoteData(severity, sourcePath, targetPath, action, message, line > 0 ? line : Source.Line, column));
    }

    public void Info(NoteAction action, string? sourcePath, string? targetPath, string message) => Note(NoteSeverity.Info, action, sourcePath, targetPath, message);

    public void Warn(NoteAction action, string? sourcePath, string? targetPath, string message) => Note(NoteSeverity.Warning, action, sourcePath, targetPath, message);

    // ------------------------------------------------------------ typed access with input errors

    public static MappingNode RequireMapping(MappingNode parent, string key, string path)
    {
        return parent[key] switch
        {
            MappingNode m => m,
            null or ScalarNode { IsNull: true } => throw new ConversionInputException("MissingRequiredField", path, parent, $"{path} is required."),
            var other => throw new ConversionInputException("InvalidFieldType", path, other, $"{path} must be an object, not {other.JsonTypeName}."),
        };
    }

    public static MappingNode? OptionalMapping(MappingNode parent, string key, string path)
    {
        return parent[key] switch
        {
            MappingNode m => m,
            null or ScalarNode { IsNull: true } => null,
            var other => throw new ConversionInputException("InvalidFieldType", path, other, $"{path} must be an object, not {other.JsonTypeName}."),
        };
    }

    /// <summary>The items of a list whose items must all be objects, with their paths; any other item is an input error.</summary>
    public static IEnumerable<(int Index, string Path, MappingNode Item)> MappingItems(SequenceNode list, string path)
    {
        for (int i = 0; i < list.Count; i++)
        {
            string p = NodePaths.Index(path, i);
            yield return list[i] is MappingNode m
                ? (i, p, m)
                : throw new ConversionInputException("InvalidFieldType", p, list[i], $"{p} must be an object, not {list[i].JsonTypeName}.");
        }
    }

    public static SequenceNode? OptionalSequence(MappingNode parent, string key, string path)
    {
        return parent[key] switch
        {
            SequenceNode s => s,
            null or ScalarNode { IsNull: true } => null,
            var other => throw new ConversionInputException("InvalidFieldType", path, other, $"{path} must be an array, not {other.JsonTypeName}."),
        };
    }

    public static ScalarNode? OptionalScalar(MappingNode parent, string key, string path)
    {
        return parent[key] switch
        {
            ScalarNode { IsNull: true } => null,
            ScalarNode s => s,
            null => null,
            var other => throw new ConversionInputException("InvalidFieldType", path, other, $"{path} must be a scalar, not {other.JsonTypeName}."),
        };
    }

    /// <summary>True when the value is present and not null.</summary>
    public static bool Has(MappingNode map, string key) => map[key] is { } v && v is not ScalarNode { IsNull: true };

    // ------------------------------------------------------------ durations (Go-style h/m/s)

    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || !DurationPattern().IsMatch(text))
        {
            return false;
        }

        foreach (Match part in DurationPart().Matches(text))
        {
            if (!long.TryParse(part.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > 10_000_000)
            {
                return false;
            }

            value += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromSeconds(n),
            };
        }

        return true;
    }

    public static string FormatDuration(TimeSpan value)
    {
        long hours = (long)value.TotalHours;
        int minutes = value.Minutes;
        int seconds = value.Seconds;
        string text = "";
        if (hours > 0)
        {
            text += hours.ToString(CultureInfo.InvariantCulture) + "h";
        }

        if (minutes > 0)
        {
            text += minutes.ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (seconds > 0 || text.Length == 0)
        {
            text += seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        return text;
    }

    [GeneratedRegex(@"^([0-9]+(s|m|h))+$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"([0-9]+)(s|m|h)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex DurationPart();

    // ------------------------------------------------------------ shared output helpers

    /// <summary>A new root with apiVersion, kind and cleaned metadata (controller-written fields, hashes and the EKS managed-by label removed, with notes).</summary>
    public MappingNode NewRoot(string apiVersion, string kind, string? rename = null)
    {
        var root = new MappingNode();
        root.Set("apiVersion", NodePaths.Str(apiVersion));
        root.Set("kind", NodePaths.Str(kind));
        var srcMeta = RequireMapping(Source.Root, "metadata", "metadata");
        var meta = new MappingNode();
        var cm = Defaults.ControllerMetadata;
        foreach (var e in srcMeta.Entries)
        {
            string key = e.KeyText;
            if (cm.Fields.Contains(key))
            {
                continue; // written by the API server / controllers; never part of a manifest to apply
            }

            if (key is "labels" or "annotations" && e.Value is MappingNode m)
            {
                var copy = new MappingNode();
                foreach (var kv in m.Entries)
                {
                    string path = NodePaths.Key(NodePaths.Join("metadata", key), kv.KeyText);
                    bool controllerAnnotation = key == "annotations" && cm.Annotations.Contains(kv.KeyText);
                    bool controllerLabel = key == "labels" && cm.Labels.TryGetValue(kv.KeyText, out string? v) && kv.Value is ScalarNode s && s.Value == v;
                    if (controllerAnnotation || controllerLabel)
                    {
                        Info(NoteAction.Dropped, path, null, $"{kv.KeyText} is written by the controller (or marks an EKS-managed built-in); not carried over.");
                        continue;
                    }

                    copy.Set(kv.Key, kv.Value.Clone());
                }

                if (copy.Count > 0)
                {
                    meta.Set(key, Sorted(copy));
                }

                continue;
            }

            meta.Set(e.Key, e.Value.Clone());
        }

        if (rename is not null)
        {
            meta.Set("name", NodePaths.Str(rename));
        }

        root.Set("metadata", meta);
        if (Has(Source.Root, "status"))
        {
            Info(NoteAction.Dropped, "status", null, "status is written by the controller; not carried over.");
        }

        return root;
    }

    /// <summary>A copy of the mapping with keys in ordinal order, recursively (sequence order kept).</summary>
    public static MappingNode Sorted(MappingNode map)
    {
        var copy = new MappingNode { Line = map.Line, Column = map.Column };
        foreach (var e in map.Entries.OrderBy(e => e.KeyText, StringComparer.Ordinal))
        {
            copy.Set(e.Key, SortedNode(e.Value));
        }

        return copy;
    }

    private static ManifestNode SortedNode(ManifestNode node) => node switch
    {
        MappingNode m => Sorted(m),
        SequenceNode s => new SequenceNode(s.Items.Select(SortedNode)) { Line = s.Line, Column = s.Column },
        _ => node.Clone(),
    };
}
