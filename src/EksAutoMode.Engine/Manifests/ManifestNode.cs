using System.Globalization;

namespace EksAutoMode.Engine.Manifests;

/// <summary>How a scalar was written in the source. Quoted and block scalars are always strings.</summary>
public enum ScalarStyle
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// <summary>The YAML 1.2 core-schema type a scalar resolves to.</summary>
public enum ScalarType
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

/// <summary>
/// A node of a manifest tree. <see cref="Line"/> and <see cref="Column"/> are 1-based positions in the
/// source text, or 0 when the node was built from .NET values (no source).
/// </summary>
public abstract class ManifestNode
{
    public int Line { get; set; }
    public int Column { get; set; }

    public bool HasPosition => Line > 0;

    /// <summary>A short type name the way the Kubernetes API server names JSON types (object, array, string, ...).</summary>
    public abstract string JsonTypeName { get; }

    /// <summary>A deep copy (positions kept).</summary>
    public abstract ManifestNode Clone();

    /// <summary>Number of nodes in this subtree (this node included; mapping keys not counted).</summary>
    public abstract int CountNodes();

    /// <summary>Converts to plain .NET values: ordered dictionaries, lists, string/bool/long/double/null.</summary>
    public abstract object? ToPlainValue();

    protected T WithPosition<T>(T node) where T : ManifestNode
    {
        node.Line = Line;
        node.Column = Column;
        return node;
    }
}

/// <summary>A scalar: its text as written (after YAML unescaping), its style and optional tag.</summary>
public sealed class ScalarNode : ManifestNode
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    public ScalarNode(string? value, ScalarStyle style = ScalarStyle.Plain, string? tag = null)
    {
        Value = value;
        Style = style;
        Tag = string.IsNullOrEmpty(tag) ? null : tag;
    }

    private string? _value;
    private ScalarStyle _style;
    private string? _tag;
    private ScalarType? _resolved;

    /// <summary>The text (null only for a null built from .NET values).</summary>
    public string? Value
    {
        get => _value;
        set { _value = value; _resolved = null; }
    }

    public ScalarStyle Style
    {
        get => _style;
        set { _style = value; _resolved = null; }
    }

    /// <summary>Explicit tag, e.g. <c>tag:yaml.org,2002:str</c> (written <c>!!str</c>); null when untagged.</summary>
    public string? Tag
    {
        get => _tag;
        set { _tag = value; _resolved = null; }
    }

    /// <summary>A string scalar (double-quoted style, so it stays a string whatever it says).</summary>
    public static ScalarNode String(string value) => new(value, ScalarStyle.DoubleQuoted);

    /// <summary>A null scalar.</summary>
    public static ScalarNode Null() => new(null, ScalarStyle.Plain);

    /// <summary>A plain scalar holding a number or boolean in canonical text.</summary>
    public static ScalarNode Plain(string text) => new(text, ScalarStyle.Plain);

    public override string JsonTypeName => ResolvedType switch
    {
        ScalarType.Null => "null",
        ScalarType.Boolean => "boolean",
        ScalarType.Integer => "integer",
        ScalarType.Float => "number",
        _ => "string",
    };

    /// <summary>
    /// The YAML 1.2 core-schema resolution: an explicit standard tag wins; quoted and block scalars are strings;
    /// plain scalars are null / bool / int / float when they match the core-schema patterns, else strings.
    /// </summary>
    public ScalarType ResolvedType => _resolved ??= Resolve();

    private ScalarType Resolve()
    {
        {
            if (Tag is not null && Tag.StartsWith(TagPrefix, StringComparison.Ordinal))
            {
                switch (Tag.Substring(TagPrefix.Length))
                {
                    case "str": return ScalarType.String;
                    case "null": return ScalarType.Null;
                    case "bool": return ScalarType.Boolean;
                    case "int": return ScalarType.Integer;
                    case "float": return ScalarType.Float;
                }
            }

            if (Value is null)
            {
                return ScalarType.Null;
            }

            if (Style != ScalarStyle.Plain || (Tag is not null && Tag != "!"))
            {
                return ScalarType.String;
            }

            return ResolvePlain(Value);
        }
    }

    public bool IsNull => ResolvedType == ScalarType.Null;

    public bool IsString => ResolvedType == ScalarType.String;

    /// <summary>Resolves plain-scalar text by the YAML 1.2 core schema.</summary>
    public static ScalarType ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return ScalarType.Null;
            case "true" or "True" or "TRUE" or "false" or "False" or "FALSE":
                return ScalarType.Boolean;
        }

        if (text.Length == 0)
        {
            return ScalarType.String;
        }

        char c = text[0];
        if (!(char.IsAsciiDigit(c) || c is '-' or '+' or '.'))
        {
            return ScalarType.String;
        }

        return IsCoreInt(text) ? ScalarType.Integer : IsCoreFloat(text) ? ScalarType.Float : ScalarType.String;
    }

    // The YAML 1.2 core schema's int and float forms, scanned by hand (every plain scalar goes through here, and a
    // regex would cost its construction in the time to the first verdict):
    // int   [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
    // float [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
    private static bool IsCoreInt(string s)
    {
        if (s.Length > 2 && s[0] == '0' && s[1] is 'o' or 'x')
        {
            return s[1] == 'o' ? AllFrom(s, 2, c => c is >= '0' and <= '7') : AllFrom(s, 2, char.IsAsciiHexDigit);
        }

        int start = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        return start < s.Length && AllFrom(s, start, char.IsAsciiDigit);
    }

    private static bool IsCoreFloat(string s)
    {
        if (s is ".nan" or ".NaN" or ".NAN")
        {
            return true;
        }

        int i = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        if (s.AsSpan(i) is ".inf" or ".Inf" or ".INF")
        {
            return true;
        }

        int digits = SkipDigits(s, ref i);
        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (SkipDigits(s, ref i) == 0 && digits == 0)
            {
                return false;
            }
        }
        else if (digits == 0)
        {
            return false;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '-' or '+')
            {
                i++;
            }

            if (SkipDigits(s, ref i) == 0)
            {
                return false;
            }
        }

        return i == s.Length;
    }

    private static bool AllFrom(string s, int start, Func<char, bool> allowed)
    {
        for (int i = start; i < s.Length; i++)
        {
            if (!allowed(s[i]))
            {
                return false;
            }
        }

        return start < s.Length;
    }

    private static int SkipDigits(string s, ref int i)
    {
        int from = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - from;
    }

    public bool TryGetBoolean(out bool value)
    {
        value = false;
        if (ResolvedType != ScalarType.Boolean || Value is null)
        {
            return false;
        }

        value = Value[0] is 't' or 'T';
        return true;
    }

    /// <summary>Integer value (decimal, 0o octal or 0x hex); false when not an integer or out of range.</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        if (ResolvedType != ScalarType.Integer || Value is null)
        {
            return false;
        }

        string t = Value;
        if (t.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
        }

        if (t.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                value = Convert.ToInt64(t.Substring(2), 8);
                return value >= 0;
            }
            catch (Exception e) when (e is OverflowException or FormatException or ArgumentException)
            {
                return false;
            }
        }

        return long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Numeric value of an integer or float scalar (including .inf / .nan).</summary>
    public bool TryGetDouble(out double value)
    {
        value = 0;
        var type = ResolvedType;
        if (Value is null)
        {
            return false;
        }

        if (type == ScalarType.Integer)
        {
            if (TryGetInt64(out long l))
            {
                value = l;
                return true;
            }

            return double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        if (type != ScalarType.Float)
        {
            return false;
        }

        string t = Value;
        string lower = t.ToLowerInvariant();
        switch (lower)
        {
            case ".inf" or "+.inf": value = double.PositiveInfinity; return true;
            case "-.inf": value = double.NegativeInfinity; return true;
            case ".nan": value = double.NaN; return true;
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public override ManifestNode Clone() => WithPosition(new ScalarNode(Value, Style, Tag));

    public override int CountNodes() => 1;

    public override object? ToPlainValue()
    {
        switch (ResolvedType)
        {
            case ScalarType.Null: return null;
            case ScalarType.Boolean: return TryGetBoolean(out bool b) ? b : Value;
            case ScalarType.Integer: return TryGetInt64(out long l) ? l : TryGetDouble(out double d1) ? d1 : Value;
            case ScalarType.Float: return TryGetDouble(out double d) ? d : Value;
            default: return Value;
        }
    }

    public override string ToString() => Value ?? "null";
}

/// <summary>One key/value pair of a mapping; the key keeps its own position.</summary>
public sealed class MappingEntry
{
    public MappingEntry(ScalarNode key, ManifestNode value)
    {
        Key = key;
        Value = value;
    }

    public ScalarNode Key { get; }

    public ManifestNode Value { get; set; }

    public string KeyText => Key.Value ?? "null";
}

/// <summary>An ordered mapping (YAML mapping / JSON object) keyed by scalar text.</summary>
public sealed class MappingNode : ManifestNode
{
    private const int IndexThreshold = 8;
    private readonly List<MappingEntry> _entries = new();
    private Dictionary<string, int>? _index;

    public IReadOnlyList<MappingEntry> Entries => _entries;

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Select(e => e.KeyText);

    public override string JsonTypeName => "object";

    /// <summary>The value for <paramref name="key"/>, or null when absent.</summary>
    public ManifestNode? this[string key] => TryGetValue(key, out var v) ? v : null;

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, out ManifestNode value)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            value = _entries[i].Value;
            return true;
        }

        value = null!;
        return false;
    }

    public MappingEntry? GetEntry(string key)
    {
        int i = IndexOf(key);
        return i >= 0 ? _entries[i] : null;
    }

    private int IndexOf(string key)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(key, out int i) ? i : -1;
        }

        for (int i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].KeyText, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void Reindex()
    {
        if (_entries.Count < IndexThreshold)
        {
            _index = null;
            return;
        }

        _index = new Dictionary<string, int>(_entries.Count, StringComparer.Ordinal);
        for (int j = 0; j < _entries.Count; j++)
        {
            _index[_entries[j].KeyText] = j;
        }
    }

    /// <summary>The value as a string when it is a non-null scalar; otherwise null.</summary>
    public string? GetString(string key) => this[key] is ScalarNode { IsNull: false } s ? s.Value : null;

    public MappingNode? GetMapping(string key) => this[key] as MappingNode;

    public SequenceNode? GetSequence(string key) => this[key] as SequenceNode;

    /// <summary>Adds or replaces the value for a key (a replaced entry keeps its place).</summary>
    public void Set(ScalarNode key, ManifestNode value)
    {
        string text = key.Value ?? "null";
        int i = IndexOf(text);
        if (i >= 0)
        {
            _entries[i] = new MappingEntry(key, value);
        }
        else
        {
            _entries.Add(new MappingEntry(key, value));
            if (_index is not null)
            {
                _index[text] = _entries.Count - 1;
            }
            else if (_entries.Count >= IndexThreshold)
            {
                Reindex();
            }
        }
    }

    public void Set(string key, ManifestNode value) => Set(new ScalarNode(key, ScalarStyle.Plain), value);

    public void Set(string key, string? value) => Set(key, value is null ? ScalarNode.Null() : ScalarNode.String(value));

    public bool Remove(string key)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        _entries.RemoveAt(i);
        Reindex();
        return true;
    }

    public override ManifestNode Clone()
    {
        var copy = WithPosition(new MappingNode());
        foreach (var e in _entries)
        {
            copy.Set((ScalarNode)e.Key.Clone(), e.Value.Clone());
        }

        return copy;
    }

    public override int CountNodes()
    {
        int n = 1;
        foreach (var e in _entries)
        {
            n += e.Value.CountNodes();
        }

        return n;
    }

    public override object? ToPlainValue()
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var e in _entries)
        {
            d[e.KeyText] = e.Value.ToPlainValue();
        }

        return d;
    }
}

/// <summary>A sequence (YAML sequence / JSON array).</summary>
public sealed class SequenceNode : ManifestNode
{
    private readonly List<ManifestNode> _items = new();

    public SequenceNode()
    {
    }

    public SequenceNode(IEnumerable<ManifestNode> items) => _items.AddRange(items);

    public IReadOnlyList<ManifestNode> Items => _items;

    public int Count => _items.Count;

    public ManifestNode this[int index] => _items[index];

    public override string JsonTypeName => "array";

    public void Add(ManifestNode item) => _items.Add(item);

    public void Insert(int index, ManifestNode item) => _items.Insert(index, item);

    public void RemoveAt(int index) => _items.RemoveAt(index);

    public override ManifestNode Clone() => WithPosition(new SequenceNode(_items.Select(i => i.Clone())));

    public override int CountNodes()
    {
        int n = 1;
        foreach (var i in _items)
        {
            n += i.CountNodes();
        }

        return n;
    }

    public override object? ToPlainValue() => _items.Select(i => i.ToPlainValue()).ToList();
}
