using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Cel;

namespace EksAutoMode.Engine.Validation;

/// <summary>A compiled CEL expression (wraps the Cel package's delegate; internal only).</summary>
internal sealed class CelProgram
{
    public CelProgram(string expression, CelProgramDelegate program)
    {
        Expression = expression;
        Program = program;
    }

    public string Expression { get; }

    internal CelProgramDelegate Program { get; }

    internal System.Collections.Concurrent.ConcurrentDictionary<string, (object? Value, string? Error)> Memo { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// CEL evaluation for x-kubernetes-validations, on the Cel package (cel-net). The package provides the CEL
/// standard library and macros (has, all, exists, exists_one, filter, map, size, matches, startsWith, endsWith,
/// contains, int(), duration(), timestamp()). The Kubernetes CEL libraries the API server adds are registered
/// here as Cel extension functions: the regex library (find, findAll), the strings extension (split, join,
/// lowerAscii, upperAscii, trim, replace, indexOf, lastIndexOf, substring, charAt) and the list library
/// (isSorted, sum, min, max, indexOf, lastIndexOf). Error texts are mapped to cel-go's wording, since the API
/// server prints those.
/// </summary>
internal static class CelEngine
{
    private static readonly object Gate = new();
    private static readonly CelEnvironment Environment = CreateEnvironment();

    /// <summary>
    /// Whether a rule reads <c>oldSelf</c> (a transition rule), as the word <c>oldSelf</c>. A plain scan, so that
    /// compiling a schema neither builds a regex nor waits for this class's CEL environment.
    /// </summary>
    public static bool ReferencesOldSelf(string rule)
    {
        const string word = "oldSelf";
        for (int at = rule.IndexOf(word, StringComparison.Ordinal); at >= 0; at = rule.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            int end = at + word.Length;
            if ((at == 0 || !IsWordChar(rule[at - 1])) && (end == rule.Length || !IsWordChar(rule[end])))
            {
                return true;
            }
        }

        return false;

        static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
    }

    public static CelProgram Compile(string expression)
    {
        lock (Gate)
        {
            return new CelProgram(expression, Environment.Compile(expression));
        }
    }

    /// <summary>Evaluates with <c>self</c> bound. Returns the value, or an error text in cel-go's wording.</summary>
    public static (object? Value, string? Error) Evaluate(CelProgram program, object? self)
    {
        try
        {
            object? result = program.Program(new Dictionary<string, object?>(1) { ["self"] = self });
            if (result is not null && result.GetType().Name == "CelNoSuchField")
            {
                string? marker = result.GetType().GetProperty("Message")?.GetValue(result) as string;
                return (null, "no such key: " + NoSuchKeyName(marker));
            }

            return (result, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            return (null, GoError(e));
        }
    }

    /// <summary>
    /// Evaluates with a per-program memo keyed by a canonical form of <c>self</c>. CEL rules are pure functions
    /// of <c>self</c>, so equal values give equal results; manifests repeat values a lot (requirement keys,
    /// selector terms, label maps), and the memo saves the interpreter's cost for each repeat. Bounded.
    /// </summary>
    public static (object? Value, string? Error) EvaluateMemoized(CelProgram program, object? self)
    {
        string key = CanonicalKey(self);
        if (program.Memo.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var result = Evaluate(program, self);
        if (program.Memo.Count < MemoLimit && key.Length <= MemoKeyMaxLength && Interlocked.Read(ref s_memoChars) + key.Length <= MemoTotalChars
            && program.Memo.TryAdd(key, result))
        {
            Interlocked.Add(ref s_memoChars, key.Length);
        }

        return result;
    }

    /// <summary>Most entries per program's memo.</summary>
    private const int MemoLimit = 4096;

    /// <summary>Values whose canonical key is longer than this are not memoised (they rarely repeat and cost memory).</summary>
    private const int MemoKeyMaxLength = 2048;

    /// <summary>
    /// All memos of the process together hold at most this many key characters (about 32 MB); after that, rules are
    /// evaluated without memo. Bounds memory in long sessions and under hostile input.
    /// </summary>
    internal const long MemoTotalChars = 16L * 1024 * 1024;

    private static long s_memoChars;

    /// <summary>Key characters held by all memos (for tests).</summary>
    internal static long MemoChars => Interlocked.Read(ref s_memoChars);

    internal static string CanonicalKey(object? value)
    {
        var sb = new StringBuilder();
        AppendKey(sb, value);
        return sb.ToString();
    }

    private static void AppendKey(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append('n');
                break;
            case string s:
                sb.Append('s').Append(s.Length).Append(':').Append(s);
                break;
            case bool b:
                sb.Append(b ? 'T' : 'F');
                break;
            case long l:
                sb.Append('i').Append(l).Append(';');
                break;
            case double d:
                sb.Append('d').Append(d.ToString("R", CultureInfo.InvariantCulture)).Append(';');
                break;
            case Dictionary<string, object?> map:
                sb.Append('{');
                foreach (var (k, v) in map)
                {
                    sb.Append(k.Length).Append(':').Append(k);
                    AppendKey(sb, v);
                }

                sb.Append('}');
                break;
            case List<object?> list:
                sb.Append('[');
                foreach (var v in list)
                {
                    AppendKey(sb, v);
                }

                sb.Append(']');
                break;
            default:
                sb.Append('?').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append(';');
                break;
        }
    }

    /// <summary>cel-go's wording for an evaluation failure.</summary>
    private static string GoError(Exception e)
    {
        string type = e.GetType().Name;
        string message = e.Message;
        switch (type)
        {
            case "CelStringParsingException":
            {
                string to = message.Contains("duration", StringComparison.OrdinalIgnoreCase) ? "google.protobuf.Duration"
                    : message.Contains("timestamp", StringComparison.OrdinalIgnoreCase) ? "google.protobuf.Timestamp"
                    : message.Contains("UInt", StringComparison.Ordinal) ? "uint"
                    : message.Contains("Int", StringComparison.Ordinal) ? "int"
                    : message.Contains("Double", StringComparison.Ordinal) ? "double"
                    : "unknown";
                return $"type conversion error from 'string' to '{to}'";
            }

            case "CelNoSuchFieldException":
            {
                var m = Regex.Match(message, "field '([^']*)'", RegexOptions.NonBacktracking);
                return "no such key: " + (m.Success ? m.Groups[1].Value : "?");
            }

            case "CelArgumentRangeException":
                return "index out of range";
            case "CelDivideByZeroException":
                return "division by zero";
            case "CelNoSuchOverloadException":
                // An absent field reaches a function as the package's CelNoSuchField marker; cel-go reports the key.
                if (message.Contains("NoSuchField", StringComparison.Ordinal))
                {
                    var key = Regex.Match(message, "field '([^']*)'", RegexOptions.NonBacktracking);
                    return "no such key" + (key.Success ? ": " + key.Groups[1].Value : string.Empty);
                }

                return "no such overload";
            case "RegexMatchTimeoutException":
                return "regular expression evaluation timed out";
            case "RegexParseException":
                return "invalid regular expression: " + message;
            case "OverflowException":
                return "integer overflow";
            default:
                return message;
        }
    }

    private static string NoSuchKeyName(string? text)
    {
        if (text is null)
        {
            return "?";
        }

        var m = Regex.Match(text, "field '([^']*)'", RegexOptions.NonBacktracking);
        if (!m.Success)
        {
            m = Regex.Match(text, "'([^']*)'", RegexOptions.NonBacktracking);
        }

        return m.Success ? m.Groups[1].Value : text;
    }

    private static CelEnvironment CreateEnvironment()
    {
        var env = new CelEnvironment(Array.Empty<Google.Protobuf.Reflection.FileDescriptor>(), string.Empty);
        var s = typeof(string);
        var l = typeof(long);

        // Regular expressions: RE2 semantics in linear time (Re2Regex), also for the standard matches(), which the
        // package would otherwise run on a backtracking engine without a time limit (a user CRD could hang us).
        env.RegisterFunction("matches", new[] { s, s }, a => GetRegex(Str(a[1])).IsMatch(Str(a[0])));

        // Kubernetes regex library.
        env.RegisterFunction("find", new[] { s, s }, a => Find(Str(a[0]), Str(a[1])));
        env.RegisterFunction("findAll", new[] { s, s }, a => FindAll(Str(a[0]), Str(a[1]), -1));
        env.RegisterFunction("findAll", new[] { s, s, l }, a => FindAll(Str(a[0]), Str(a[1]), Convert.ToInt64(a[2], CultureInfo.InvariantCulture)));

        // cel-go strings extension (ext.Strings) as enabled in the API server.
        env.RegisterFunction("split", new[] { s, s }, a => Split(Str(a[0]), Str(a[1]), -1));
        env.RegisterFunction("split", new[] { s, s, l }, a => Split(Str(a[0]), Str(a[1]), Convert.ToInt64(a[2], CultureInfo.InvariantCulture)));
        env.RegisterFunction("lowerAscii", new[] { s }, a => AsciiCase(Str(a[0]), lower: true));
        env.RegisterFunction("upperAscii", new[] { s }, a => AsciiCase(Str(a[0]), lower: false));
        env.RegisterFunction("trim", new[] { s }, a => Str(a[0]).Trim());
        env.RegisterFunction("replace", new[] { s, s, s }, a => Replace(Str(a[0]), Str(a[1]), Str(a[2]), -1));
        env.RegisterFunction("replace", new[] { s, s, s, l }, a => Replace(Str(a[0]), Str(a[1]), Str(a[2]), Convert.ToInt64(a[3], CultureInfo.InvariantCulture)));
        env.RegisterFunction("indexOf", new[] { s, s }, a => (long)CodePointIndex(Str(a[0]), Str(a[0]).IndexOf(Str(a[1]), StringComparison.Ordinal)));
        env.RegisterFunction("lastIndexOf", new[] { s, s }, a => (long)CodePointIndex(Str(a[0]), Str(a[0]).LastIndexOf(Str(a[1]), StringComparison.Ordinal)));
        env.RegisterFunction("substring", new[] { s, l }, a => Substring(Str(a[0]), Convert.ToInt64(a[1], CultureInfo.InvariantCulture), null));
        env.RegisterFunction("substring", new[] { s, l, l }, a => Substring(Str(a[0]), Convert.ToInt64(a[1], CultureInfo.InvariantCulture), Convert.ToInt64(a[2], CultureInfo.InvariantCulture)));
        env.RegisterFunction("charAt", new[] { s, l }, a => CharAt(Str(a[0]), Convert.ToInt64(a[1], CultureInfo.InvariantCulture)));
        env.RegisterFunction("join", new[] { typeof(object) }, a => string.Join(string.Empty, List(a[0]).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))));
        env.RegisterFunction("join", new[] { typeof(object), s }, a => string.Join(Str(a[1]), List(a[0]).Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))));

        // Kubernetes list library.
        env.RegisterFunction("isSorted", new[] { typeof(object) }, a => IsSorted(List(a[0])));
        env.RegisterFunction("sum", new[] { typeof(object) }, a => Sum(List(a[0])));
        env.RegisterFunction("min", new[] { typeof(object) }, a => MinMax(List(a[0]), min: true));
        env.RegisterFunction("max", new[] { typeof(object) }, a => MinMax(List(a[0]), min: false));
        return env;
    }

    private static string Str(object? o) => o as string ?? throw new InvalidOperationException("no such overload");

    private static List<object?> List(object? o) => o is IEnumerable e and not string ? e.Cast<object?>().ToList() : throw new InvalidOperationException("no such overload");

    private static readonly Dictionary<string, Regex> RegexCache = new(StringComparer.Ordinal);

    private static Regex GetRegex(string pattern)
    {
        lock (RegexCache)
        {
            if (!RegexCache.TryGetValue(pattern, out var regex))
            {
                regex = Re2Regex.Create(pattern);
                if (RegexCache.Count < 1000)
                {
                    RegexCache[pattern] = regex;
                }
            }

            return regex;
        }
    }

    private static string Find(string text, string pattern)
    {
        var m = GetRegex(pattern).Match(text);
        return m.Success ? m.Value : string.Empty;
    }

    private static object?[] FindAll(string text, string pattern, long limit)
    {
        var result = new List<object?>();
        foreach (Match m in GetRegex(pattern).Matches(text))
        {
            if (limit >= 0 && result.Count >= limit)
            {
                break;
            }

            result.Add(m.Value);
        }

        return result.ToArray();
    }

    private static object?[] Split(string text, string separator, long limit)
    {
        if (limit == 0)
        {
            return Array.Empty<object?>();
        }

        string[] parts;
        if (separator.Length == 0)
        {
            parts = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
            if (limit > 0 && parts.Length > limit)
            {
                parts = parts.Take((int)limit - 1).Append(string.Concat(parts.Skip((int)limit - 1))).ToArray();
            }
        }
        else
        {
            parts = limit > 0 ? text.Split(separator, (int)Math.Min(limit, int.MaxValue)) : text.Split(separator);
        }

        return parts.Cast<object?>().ToArray();
    }

    private static string AsciiCase(string text, bool lower)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c < 128 ? (lower ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) : c);
        }

        return sb.ToString();
    }

    private static string Replace(string text, string from, string to, long limit)
    {
        if (limit < 0)
        {
            return from.Length == 0 ? text : text.Replace(from, to, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        int pos = 0;
        for (long n = 0; n < limit; n++)
        {
            int i = from.Length == 0 ? -1 : text.IndexOf(from, pos, StringComparison.Ordinal);
            if (i < 0)
            {
                break;
            }

            sb.Append(text, pos, i - pos).Append(to);
            pos = i + from.Length;
        }

        sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }

    private static int CodePointIndex(string text, int charIndex) =>
        charIndex <= 0 ? charIndex : text.AsSpan(0, charIndex).ToString().EnumerateRunes().Count();

    private static string Substring(string text, long start, long? end)
    {
        var runes = text.EnumerateRunes().ToArray();
        long e = end ?? runes.Length;
        if (start < 0 || start > runes.Length || e < start || e > runes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), "index out of range");
        }

        return string.Concat(runes.Skip((int)start).Take((int)(e - start)).Select(r => r.ToString()));
    }

    private static string CharAt(string text, long index)
    {
        var runes = text.EnumerateRunes().ToArray();
        if (index < 0 || index > runes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "index out of range");
        }

        return index == runes.Length ? string.Empty : runes[index].ToString();
    }

    private static bool IsSorted(List<object?> list)
    {
        for (int i = 1; i < list.Count; i++)
        {
            if (Comparer.DefaultInvariant.Compare(list[i - 1], list[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static object Sum(List<object?> list)
    {
        if (list.All(x => x is long or int))
        {
            return list.Sum(x => Convert.ToInt64(x, CultureInfo.InvariantCulture));
        }

        return list.Sum(x => Convert.ToDouble(x, CultureInfo.InvariantCulture));
    }

    private static object? MinMax(List<object?> list, bool min)
    {
        if (list.Count == 0)
        {
            throw new InvalidOperationException(min ? "min called on empty list" : "max called on empty list");
        }

        object? best = list[0];
        foreach (var x in list.Skip(1))
        {
            int c = Comparer.DefaultInvariant.Compare(x, best);
            if (min ? c < 0 : c > 0)
            {
                best = x;
            }
        }

        return best;
    }
}
