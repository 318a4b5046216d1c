using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalarStyle = YamlDotNet.Core.ScalarStyle;

namespace EksAutoMode.Engine.Manifests;

/// <summary>
/// Reads Kubernetes manifests from YAML (multi-document) or JSON text, from files, or from plain .NET values,
/// into <see cref="ManifestDocument"/>s with 1-based line/column positions. Bad input never throws: it becomes
/// <see cref="ManifestProblem"/>s (syntax errors with their position; refused input such as documents over
/// 5 MB, alias bombs, deep nesting, binary or non-UTF-8 bytes).
/// </summary>
public static class ManifestReader
{
    /// <summary>Reads a file. A missing or unreadable file is a <see cref="ManifestProblemCodes.ReadFailed"/> problem.</summary>
    public static ManifestReadResult ReadFile(string path, ManifestReaderOptions? options = null)
    {
        options ??= ManifestReaderOptions.Default;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Single(new ManifestProblem(ManifestProblemCodes.ReadFailed, $"Cannot find file '{path}'."), path);
            }

            if (info.Length > options.MaxInputBytes)
            {
                return Single(TooLarge(info.Length, options), path);
            }

            byte[] bytes = File.ReadAllBytes(path);
            return ReadBytes(bytes, path, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return Single(new ManifestProblem(ManifestProblemCodes.ReadFailed, $"Cannot read '{path}': {e.Message}"), path);
        }
    }

    /// <summary>Reads raw bytes: UTF-8 (with or without BOM) or UTF-16/UTF-32 with a BOM. Binary and invalid UTF-8 are reported.</summary>
    public static ManifestReadResult ReadBytes(byte[] bytes, string? sourceFile = null, ManifestReaderOptions? options = null)
    {
        options ??= ManifestReaderOptions.Default;
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.LongLength > options.MaxInputBytes)
        {
            return Single(TooLarge(bytes.LongLength, options), sourceFile);
        }

        string text;
        Encoding? bomEncoding = DetectBom(bytes, out int bomLength);
        if (bomEncoding is not null && bomEncoding is not UTF8Encoding)
        {
            try
            {
                text = bomEncoding.GetString(bytes, bomLength, bytes.Length - bomLength);
            }
            catch (DecoderFallbackException)
            {
                return Single(new ManifestProblem(ManifestProblemCodes.InvalidEncoding, $"The input starts with a {bomEncoding.WebName} byte-order mark but is not valid {bomEncoding.WebName} text."), sourceFile);
            }
        }
        else
        {
            int nul = Array.IndexOf(bytes, (byte)0, bomLength);
            if (nul >= 0)
            {
                (int l, int c) = PositionOfByte(bytes, bomLength, nul);
                return Single(new ManifestProblem(ManifestProblemCodes.BinaryInput,
                    "The input is binary (it contains NUL bytes), not YAML or JSON text. (UTF-16/UTF-32 text needs a byte-order mark.)", l, c), sourceFile);
            }

            try
            {
                text = new UTF8Encoding(false, true).GetString(bytes, bomLength, bytes.Length - bomLength);
            }
            catch (DecoderFallbackException e)
            {
                int bad = bomLength + Math.Max(0, e.Index);
                (int l, int c) = PositionOfByte(bytes, bomLength, Math.Min(bad, bytes.Length));
                return Single(new ManifestProblem(ManifestProblemCodes.InvalidEncoding,
                    $"The input is not valid UTF-8 (invalid byte 0x{(bad < bytes.Length ? bytes[bad] : 0):X2}). Save the file as UTF-8.", l, c), sourceFile);
            }
        }

        return ReadTextCore(text, sourceFile, options);
    }

    /// <summary>Reads YAML or JSON text (JSON is read as YAML flow syntax, with the same positions).</summary>
    public static ManifestReadResult ReadText(string text, string? sourceFile = null, ManifestReaderOptions? options = null)
    {
        options ??= ManifestReaderOptions.Default;
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > options.MaxInputBytes / 4 || text.Length * 3L > options.MaxInputBytes)
        {
            long byteCount = Encoding.UTF8.GetByteCount(text);
            if (byteCount > options.MaxInputBytes)
            {
                return Single(TooLarge(byteCount, options), sourceFile);
            }
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text.Substring(1);
        }

        return ReadTextCore(text, sourceFile, options);
    }

    /// <summary>
    /// Builds documents from plain .NET values (IDictionary, IList/IEnumerable, strings, numbers, booleans, null,
    /// JsonElement, or <see cref="ManifestNode"/>), as produced from hashtables, ConvertFrom-Json objects and the
    /// like. A string is read as YAML/JSON text. A top-level list is a list of documents. Nodes have no position.
    /// </summary>
    public static ManifestReadResult ReadObject(object? value, string? sourceFile = null, ManifestReaderOptions? options = null)
    {
        options ??= ManifestReaderOptions.Default;
        if (value is string s)
        {
            return ReadText(s, sourceFile, options);
        }

        var documents = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        if (value is ManifestDocument md)
        {
            documents.Add(md);
            return new ManifestReadResult(documents, problems);
        }

        IEnumerable<object?> roots = value is not IDictionary && value is not ManifestNode && value is IEnumerable e && value is not JsonElement
            ? e.Cast<object?>()
            : value is JsonElement { ValueKind: JsonValueKind.Array } je ? je.EnumerateArray().Select(x => (object?)x) : new[] { value };
        int index = 0;
        foreach (object? root in roots)
        {
            var budget = new ObjectBudget(options);
            ManifestNode? node;
            try
            {
                node = FromObject(root, 0, budget);
            }
            catch (ReaderAbort abort)
            {
                AddProblem(problems, abort.Problem, sourceFile, index);
                index++;
                continue;
            }

            AddRoot(node, sourceFile, index, options, documents, problems);
            index++;
        }

        return new ManifestReadResult(documents, problems);
    }

    /// <summary>Converts one plain .NET value to a node tree (no positions). Throws <see cref="EngineException"/> (InvalidData) for values too deep or too large.</summary>
    public static ManifestNode FromObject(object? value, ManifestReaderOptions? options = null)
    {
        try
        {
            return FromObject(value, 0, new ObjectBudget(options ?? ManifestReaderOptions.Default));
        }
        catch (ReaderAbort abort)
        {
            throw new EngineException(abort.Problem.Code, ErrorKind.InvalidData, abort.Problem.Message, value);
        }
    }

    private sealed class ObjectBudget
    {
        public ObjectBudget(ManifestReaderOptions options) => Options = options;

        public ManifestReaderOptions Options { get; }

        public int Nodes { get; set; }
    }

    private static ManifestNode FromObject(object? value, int depth, ObjectBudget budget)
    {
        if (depth > budget.Options.MaxDepth)
        {
            throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.NestingTooDeep,
                $"The object is nested more than {budget.Options.MaxDepth} levels deep (or refers to itself); refused."));
        }

        if ((budget.Nodes & 1023) == 0)
        {
            budget.Options.CancellationToken.ThrowIfCancellationRequested();
        }

        if (++budget.Nodes > budget.Options.MaxAliasExpandedNodes * 10)
        {
            throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.InputTooLarge,
                $"The object has more than {budget.Options.MaxAliasExpandedNodes * 10} values; refused."));
        }

        switch (value)
        {
            case null:
                return ScalarNode.Null();
            case ManifestNode node:
                return node.Clone();
            case ManifestDocument doc:
                return doc.Root.Clone();
            case string s:
                if (s.Length > budget.Options.MaxScalarLength)
                {
                    throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.ScalarTooLarge,
                        $"A value is {Limit(s.Length)} characters long; values over {Limit(budget.Options.MaxScalarLength)} characters (MaxScalarLength) are refused."));
                }

                return ScalarNode.String(s);
            case bool b:
                return ScalarNode.Plain(b ? "true" : "false");
            case char c:
                return ScalarNode.String(c.ToString());
            case sbyte or byte or short or ushort or int or uint or long or ulong or System.Numerics.BigInteger:
                return ScalarNode.Plain(Convert.ToString(value, CultureInfo.InvariantCulture)!);
            case float or double or decimal:
                return ScalarNode.Plain(FormatFloat(Convert.ToDouble(value, CultureInfo.InvariantCulture), value));
            case DateTime dt:
                return ScalarNode.String(dt.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return ScalarNode.String(dto.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
            case TimeSpan ts:
                return ScalarNode.String(ts.ToString("c", CultureInfo.InvariantCulture));
            case Enum or Guid or Uri:
                return ScalarNode.String(value.ToString()!);
            case JsonElement je:
                return FromJsonElement(je, depth, budget);
            case IDictionary dict:
            {
                var map = new MappingNode();
                foreach (DictionaryEntry entry in dict)
                {
                    string key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "null";
                    if (key.Length > budget.Options.MaxKeyLength)
                    {
                        throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.KeyTooLong,
                            $"A mapping key is {Limit(key.Length)} characters long; keys over {Limit(budget.Options.MaxKeyLength)} characters (MaxKeyLength) are refused."));
                    }

                    map.Set(key, FromObject(entry.Value, depth + 1, budget));
                }

                return map;
            }

            case IEnumerable enumerable:
            {
                var seq = new SequenceNode();
                foreach (object? item in enumerable)
                {
                    seq.Add(FromObject(item, depth + 1, budget));
                }

                return seq;
            }

            default:
                return ScalarNode.String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
        }
    }

    private static string FormatFloat(double d, object original)
    {
        if (double.IsNaN(d))
        {
            return ".nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }

        string text = original is decimal m ? m.ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);
        return text;
    }

    private static ManifestNode FromJsonElement(JsonElement e, int depth, ObjectBudget budget)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var map = new MappingNode();
                foreach (var p in e.EnumerateObject())
                {
                    map.Set(p.Name, FromObject(p.Value, depth + 1, budget));
                }

                return map;
            }

            case JsonValueKind.Array:
                return new SequenceNode(e.EnumerateArray().Select(x => FromObject(x, depth + 1, budget)).ToList());
            case JsonValueKind.String:
                return ScalarNode.String(e.GetString() ?? string.Empty);
            case JsonValueKind.Number:
                return ScalarNode.Plain(e.GetRawText());
            case JsonValueKind.True:
                return ScalarNode.Plain("true");
            case JsonValueKind.False:
                return ScalarNode.Plain("false");
            default:
                return ScalarNode.Null();
        }
    }

    private static ManifestReadResult ReadTextCore(string text, string? sourceFile, ManifestReaderOptions options)
    {
        var state = new ReadState(text, sourceFile, options);

        // One parser reads the whole text; after a syntax error or a refused document, reading resumes at the next
        // document marker ("---" at column 0: the YAML spec forbids it inside any scalar or collection, so it is
        // always a place where a parser can start afresh). A document with a line over the line budget is skipped
        // the same way, before the parser sees it.
        var longLines = LongLines(text, options.MaxLineLength);
        int next = 0;
        while (state.Position < text.Length && !state.Stopped)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            if (next < longLines.Count && longLines[next].Start < state.Position)
            {
                next++;
                continue;
            }

            if (next < longLines.Count)
            {
                var (longStart, longLength, longLine) = longLines[next];
                int chunk = LastMarkerAtOrBefore(text, state.Position, longStart);
                ParseSegment(state, chunk);
                if (state.Stopped)
                {
                    break;
                }

                // The cursor is now at the start of the chunk holding the long line.
                state.Cursor.AdvanceTo(chunk);
                int index = state.Cursor.DocumentIndexHere();
                state.DocumentIndex = Math.Max(state.DocumentIndex, index);
                AddProblem(state.Problems, new ManifestProblem(ManifestProblemCodes.LineTooLong,
                    $"Line {longLine} is {Limit(longLength)} characters long; lines over {Limit(options.MaxLineLength)} characters (MaxLineLength) are refused. The document was not read.",
                    longLine, 1), sourceFile, index);
                state.Resume(longLine + 1, longStart);
                next++;
                continue;
            }

            ParseSegment(state, text.Length);
        }

        return new ManifestReadResult(state.Documents, state.Problems);
    }

    /// <summary>Parses text[state.Position..end), resuming after errors at the next document marker; leaves Position at end (or further).</summary>
    private static void ParseSegment(ReadState state, int end)
    {
        var options = state.Options;
        while (state.Position < end && !state.Stopped)
        {
            int start = state.Position;
            int lineOffset = state.Line - 1;
            var parser = new Parser(new SegmentReader(state.Text, start, end));
            int errorLine;
            try
            {
                bool aborted = false;
                errorLine = 0;
                while (parser.MoveNext())
                {
                    if (parser.Current is not DocumentStart)
                    {
                        continue;
                    }

                    state.DocumentIndex++;
                    if (++state.DocumentsSeen > options.MaxDocuments)
                    {
                        AddProblem(state.Problems, new ManifestProblem(ManifestProblemCodes.TooManyDocuments,
                            $"The input has more than {Limit(options.MaxDocuments)} documents (MaxDocuments); the rest was not read.",
                            (int)Math.Min(int.MaxValue, parser.Current.Start.Line + lineOffset), 1), state.SourceFile, state.DocumentIndex);
                        state.Stopped = true;
                        return;
                    }

                    var builder = new TreeBuilder(parser, options, lineOffset);
                    ManifestNode? root;
                    try
                    {
                        root = builder.BuildDocument();
                    }
                    catch (ReaderAbort abort)
                    {
                        // Refused (a budget): stop at once rather than parse the rest of a hostile document.
                        AddProblem(state.Problems, abort.Problem, state.SourceFile, state.DocumentIndex);
                        errorLine = abort.Problem.Line;
                        aborted = true;
                        break;
                    }

                    foreach (var p in builder.Problems)
                    {
                        AddProblem(state.Problems, p, state.SourceFile, state.DocumentIndex);
                    }

                    AddRoot(root, state.SourceFile, state.DocumentIndex, options, state.Documents, state.Problems);
                }

                if (!aborted)
                {
                    state.Position = end;
                    state.Line = state.Cursor.LineAt(end);
                    return;
                }
            }
            catch (YamlException e)
            {
                int line = (int)Math.Min(int.MaxValue, e.End.Line + lineOffset);
                int column = (int)Math.Min(int.MaxValue, e.End.Column);
                if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindTabIndentation(state.Text, line) is { } tab)
                {
                    // YamlDotNet reports tab indentation at the enclosing mapping; point at the tab itself.
                    (line, column) = tab;
                }

                AddProblem(state.Problems, new ManifestProblem(ManifestProblemCodes.SyntaxError, CleanYamlMessage(e), line, column), state.SourceFile, Math.Max(0, state.DocumentIndex));
                errorLine = (int)Math.Min(int.MaxValue, e.Start.Line + lineOffset);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
            {
                // The YamlDotNet scanner occasionally fails with a non-YAML exception on malformed input; report it
                // at the last position the parser reached.
                var mark = parser.Current?.End;
                int line = mark is null ? state.Line : (int)Math.Min(int.MaxValue, mark.Value.Line + lineOffset);
                AddProblem(state.Problems, new ManifestProblem(ManifestProblemCodes.SyntaxError,
                    "YAML syntax error: the text after this point cannot be parsed (malformed scalar, flow collection or indentation).",
                    line, mark is null ? 1 : (int)Math.Min(int.MaxValue, mark.Value.Column)), state.SourceFile, Math.Max(0, state.DocumentIndex));
                errorLine = line;
            }

            state.Resume(errorLine, start);
            if (state.Position < end)
            {
                // The document that starts at the marker gets the index it has in the file.
                state.DocumentIndex = Math.Max(state.DocumentIndex, state.Cursor.DocumentIndexHere() - 1);
            }
        }
    }

    private sealed class ReadState
    {
        public ReadState(string text, string? sourceFile, ManifestReaderOptions options)
        {
            Text = text;
            SourceFile = sourceFile;
            Options = options;
            Cursor = new LineCursor(text);
        }

        public string Text { get; }

        public string? SourceFile { get; }

        public ManifestReaderOptions Options { get; }

        public LineCursor Cursor { get; }

        public List<ManifestDocument> Documents { get; } = new();

        public List<ManifestProblem> Problems { get; } = new();

        public int Position { get; set; }

        public int Line { get; set; } = 1;

        public int DocumentIndex { get; set; } = -1;

        public int DocumentsSeen { get; set; }

        public bool Stopped { get; set; }

        /// <summary>Moves to the first document marker on or after <paramref name="fromLine"/> that starts after <paramref name="after"/> (or to the end).</summary>
        public void Resume(int fromLine, int after)
        {
            Cursor.NextMarker(fromLine, after);
            Position = Cursor.Position;
            Line = Cursor.Line;
        }
    }

    /// <summary>Walks the text line by line, forward only, counting document markers (for document indexes after a resume).</summary>
    private sealed class LineCursor
    {
        private readonly string _text;
        private int _markers;
        private bool _preambleContent;

        public LineCursor(string text) => _text = text;

        public int Position { get; private set; }

        public int Line { get; private set; } = 1;

        /// <summary>The index the document starting at the cursor (a marker line) has in the file.</summary>
        public int DocumentIndexHere() => _markers + (_preambleContent ? 1 : 0);

        public void NextMarker(int minLine, int after)
        {
            while (Position < _text.Length)
            {
                if (Line >= minLine && Position > after && IsDocumentMarker(_text, Position))
                {
                    return;
                }

                Consume();
            }
        }

        public void AdvanceTo(int position)
        {
            while (Position < position && Position < _text.Length)
            {
                Consume();
            }
        }

        /// <summary>The line number at <paramref name="position"/> (a line start or the end); advances the cursor there.</summary>
        public int LineAt(int position)
        {
            AdvanceTo(position);
            return Line;
        }

        private void Consume()
        {
            int nl = _text.IndexOf('\n', Position);
            int lineEnd = nl < 0 ? _text.Length : nl;
            if (IsDocumentMarker(_text, Position))
            {
                _markers++;
            }
            else if (_markers == 0 && !_preambleContent)
            {
                int j = Position;
                while (j < lineEnd && _text[j] is ' ' or '\t' or '\r' or '\uFEFF')
                {
                    j++;
                }

                _preambleContent = j < lineEnd && _text[j] is not '#' and not '%';
            }

            Position = nl < 0 ? _text.Length : nl + 1;
            Line++;
        }
    }

    /// <summary>A TextReader over part of a string, without copying it.</summary>
    private sealed class SegmentReader : TextReader
    {
        private readonly string _text;
        private readonly int _end;
        private int _position;

        public SegmentReader(string text, int start, int end)
        {
            _text = text;
            _position = start;
            _end = end;
        }

        public override int Peek() => _position < _end ? _text[_position] : -1;

        public override int Read() => _position < _end ? _text[_position++] : -1;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            int n = Math.Min(buffer.Length, _end - _position);
            if (n <= 0)
            {
                return 0;
            }

            _text.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }

    private static string Limit(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static bool IsDocumentMarker(string text, int i) =>
        i + 3 <= text.Length && text[i] == '-' && text[i + 1] == '-' && text[i + 2] == '-'
        && (i + 3 == text.Length || text[i + 3] is ' ' or '\t' or '\r' or '\n');

    /// <summary>Start of the last document-marker line in [from, position], or <paramref name="from"/> when there is none.</summary>
    private static int LastMarkerAtOrBefore(string text, int from, int position)
    {
        int last = from;
        int i = from;
        while (i <= position && i < text.Length)
        {
            if (IsDocumentMarker(text, i))
            {
                last = i;
            }

            int nl = text.IndexOf('\n', i, position - i);
            if (nl < 0)
            {
                break;
            }

            i = nl + 1;
        }

        return last;
    }

    /// <summary>Lines longer than <paramref name="maxLength"/>: (start, length, line number), in order.</summary>
    private static List<(int Start, int Length, int Line)> LongLines(string text, int maxLength)
    {
        var result = new List<(int, int, int)>();
        if (text.Length <= maxLength)
        {
            return result;
        }

        int i = 0, line = 1;
        while (i < text.Length)
        {
            int nl = text.IndexOf('\n', i);
            int end = nl < 0 ? text.Length : nl;
            if (end - i > maxLength)
            {
                result.Add((i, end - i, line));
            }

            if (nl < 0)
            {
                break;
            }

            i = nl + 1;
            line++;
        }

        return result;
    }

    private static (int Line, int Column)? FindTabIndentation(string text, int fromLine)
    {
        int line = 1;
        int i = 0;
        while (i < text.Length)
        {
            int end = text.IndexOf('\n', i);
            if (end < 0)
            {
                end = text.Length;
            }

            if (line >= fromLine)
            {
                for (int j = i; j < end && (text[j] == ' ' || text[j] == '\t'); j++)
                {
                    if (text[j] == '\t')
                    {
                        return (line, j - i + 1);
                    }
                }
            }

            line++;
            i = end + 1;
        }

        return null;
    }

    private static string CleanYamlMessage(YamlException e)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; positions are reported separately.
        string message = e.Message;
        int marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && marker > 0)
        {
            message = message.Substring(marker + 3);
        }

        return "YAML syntax error: " + message.Trim();
    }

    private static void AddRoot(ManifestNode? root, string? sourceFile, int documentIndex, ManifestReaderOptions options,
        List<ManifestDocument> documents, List<ManifestProblem> problems)
    {
        switch (root)
        {
            case null:
                return;
            case ScalarNode { IsNull: true }:
                return; // an empty document ("---" alone, comments only): nothing to check
            case MappingNode map:
                if (options.ExpandLists && IsList(map) && map["items"] is SequenceNode items)
                {
                    for (int i = 0; i < items.Count; i++)
                    {
                        if (items[i] is MappingNode itemMap)
                        {
                            documents.Add(new ManifestDocument(itemMap, sourceFile, documentIndex, i));
                        }
                        else if (items[i] is not ScalarNode { IsNull: true })
                        {
                            AddProblem(problems, new ManifestProblem(ManifestProblemCodes.NotAnObject,
                                $"List item {i} is {Article(items[i].JsonTypeName)}, not an object.", items[i].Line, items[i].Column), sourceFile, documentIndex);
                        }
                    }

                    return;
                }

                documents.Add(new ManifestDocument(map, sourceFile, documentIndex));
                return;
            default:
                AddProblem(problems, new ManifestProblem(ManifestProblemCodes.NotAnObject,
                    $"Document {documentIndex + 1} is {Article(root.JsonTypeName)}, not an object: a Kubernetes manifest must be a mapping with apiVersion and kind.",
                    root.Line, root.Column), sourceFile, documentIndex);
                return;
        }
    }

    private static string Article(string typeName) => typeName is "array" or "object" or "integer" ? "an " + typeName : "a " + typeName;

    private static bool IsList(MappingNode map)
    {
        string? kind = map.GetString("kind");
        return kind is not null && kind.EndsWith("List", StringComparison.Ordinal) && map.ContainsKey("items");
    }

    private static void AddProblem(List<ManifestProblem> problems, ManifestProblem problem, string? sourceFile, int documentIndex)
    {
        problem.SourceFile ??= sourceFile;
        problem.DocumentIndex ??= documentIndex;
        problems.Add(problem);
    }

    private static ManifestReadResult Single(ManifestProblem problem, string? sourceFile)
    {
        problem.SourceFile = sourceFile;
        return new ManifestReadResult(Array.Empty<ManifestDocument>(), new[] { problem });
    }

    private static ManifestProblem TooLarge(long size, ManifestReaderOptions options) =>
        new(ManifestProblemCodes.InputTooLarge,
            $"The input is {size.ToString("N0", CultureInfo.InvariantCulture)} bytes; documents over {FormatMb(options.MaxInputBytes)} are refused.", 1, 1);

    private static string FormatMb(long bytes) => bytes % (1024 * 1024) == 0
        ? (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MB"
        : bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";

    private static Encoding? DetectBom(byte[] b, out int length)
    {
        length = 0;
        if (b.Length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)
        {
            length = 4;
            return new UTF32Encoding(true, true, true);
        }

        if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)
        {
            length = 4;
            return new UTF32Encoding(false, true, true);
        }

        if (b.Length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        {
            length = 3;
            return new UTF8Encoding(false, true);
        }

        if (b.Length >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        {
            length = 2;
            return new UnicodeEncoding(true, true, true);
        }

        if (b.Length >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        {
            length = 2;
            return new UnicodeEncoding(false, true, true);
        }

        return null;
    }

    private static (int Line, int Column) PositionOfByte(byte[] bytes, int start, int index)
    {
        int line = 1;
        int lineStart = start;
        for (int i = start; i < index && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        // Column in characters: count UTF-8 lead bytes between the line start and the index.
        int column = 1;
        for (int i = lineStart; i < index && i < bytes.Length; i++)
        {
            if ((bytes[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return (line, column);
    }

    internal sealed class ReaderAbort : Exception
    {
        public ReaderAbort(ManifestProblem problem)
            : base(problem.Message) => Problem = problem;

        public ManifestProblem Problem { get; }
    }

    /// <summary>Builds one document's tree from parser events, enforcing depth and alias-expansion limits.</summary>
    private sealed class TreeBuilder
    {
        private readonly IParser _parser;
        private readonly ManifestReaderOptions _options;
        private readonly Dictionary<string, ManifestNode> _anchors = new(StringComparer.Ordinal);
        private readonly int _lineOffset;
        private int _expanded;
        private int _aliases;
        private long _expandedLength;
        private int _events;

        public TreeBuilder(IParser parser, ManifestReaderOptions options, int lineOffset = 0)
        {
            _parser = parser;
            _options = options;
            _lineOffset = lineOffset;
        }

        public List<ManifestProblem> Problems { get; } = new();

        /// <summary>Called with the parser on DocumentStart; leaves it on DocumentEnd.</summary>
        public ManifestNode? BuildDocument()
        {
            ManifestNode? root = null;
            while (_parser.MoveNext())
            {
                if (_parser.Current is DocumentEnd)
                {
                    return root;
                }

                root = BuildNode(0);
            }

            return root;
        }

        private ManifestNode BuildNode(int depth, bool isKey = false)
        {
            ParsingEvent ev = _parser.Current!;
            if ((++_events & 1023) == 0)
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
            }

            switch (ev)
            {
                case Scalar s:
                {
                    if (isKey && s.Value.Length > _options.MaxKeyLength)
                    {
                        throw Refuse(ManifestProblemCodes.KeyTooLong,
                            $"A mapping key is {Limit(s.Value.Length)} characters long; keys over {Limit(_options.MaxKeyLength)} characters (MaxKeyLength) are refused.", ev);
                    }

                    if (s.Value.Length > _options.MaxScalarLength)
                    {
                        throw Refuse(ManifestProblemCodes.ScalarTooLarge,
                            $"A value is {Limit(s.Value.Length)} characters long; values over {Limit(_options.MaxScalarLength)} characters (MaxScalarLength) are refused.", ev);
                    }

                    AddExpandedLength(s.Value.Length, ev);
                    var node = new ScalarNode(s.Value, MapStyle(s.Style), s.Tag.IsEmpty ? null : s.Tag.Value);
                    Position(node, ev);
                    Register(s, node);
                    return node;
                }

                case AnchorAlias alias:
                {
                    string name = alias.Value.Value;
                    if (!_anchors.TryGetValue(name, out var target))
                    {
                        throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.UnknownAlias,
                            $"The alias *{name} refers to no anchor defined before it.", Line(ev), Column(ev)));
                    }

                    if (++_aliases > _options.MaxAliases)
                    {
                        throw Refuse(ManifestProblemCodes.TooManyAliases,
                            $"The document uses more than {Limit(_options.MaxAliases)} aliases (MaxAliases); refused.", ev);
                    }

                    var (nodes, length) = Measure(target, _options.MaxAliasExpandedNodes - _expanded + 1);
                    _expanded += nodes;
                    if (_expanded > _options.MaxAliasExpandedNodes)
                    {
                        throw Refuse(ManifestProblemCodes.AliasExpansionLimit,
                            $"Alias expansion would create more than {Limit(_options.MaxAliasExpandedNodes)} nodes (MaxAliasExpandedNodes; a YAML alias bomb?); the document is refused.", ev);
                    }

                    if (isKey && target is ScalarNode { Value: { } keyText } && keyText.Length > _options.MaxKeyLength)
                    {
                        throw Refuse(ManifestProblemCodes.KeyTooLong,
                            $"A mapping key is {Limit(keyText.Length)} characters long; keys over {Limit(_options.MaxKeyLength)} characters (MaxKeyLength) are refused.", ev);
                    }

                    AddExpandedLength(length, ev);
                    return target.Clone();
                }

                case SequenceStart ss:
                {
                    CheckDepth(depth, ev);
                    var seq = new SequenceNode();
                    Position(seq, ev);
                    while (_parser.MoveNext() && _parser.Current is not SequenceEnd)
                    {
                        seq.Add(BuildNode(depth + 1));
                    }

                    Register(ss, seq);
                    return seq;
                }

                case MappingStart ms:
                {
                    CheckDepth(depth, ev);
                    var map = new MappingNode();
                    Position(map, ev);
                    List<ManifestNode>? merges = null;
                    while (_parser.MoveNext() && _parser.Current is not MappingEnd)
                    {
                        ParsingEvent keyEvent = _parser.Current!;
                        ManifestNode keyNode = BuildNode(depth + 1, isKey: true);
                        if (!_parser.MoveNext())
                        {
                            break;
                        }

                        ManifestNode value = BuildNode(depth + 1);
                        if (keyNode is not ScalarNode key)
                        {
                            Problems.Add(new ManifestProblem(ManifestProblemCodes.UnsupportedKey,
                                $"A mapping key must be a scalar; {Article(keyNode.JsonTypeName)} key is not supported in a Kubernetes manifest (entry ignored).",
                                Line(keyEvent), Column(keyEvent)));
                            continue;
                        }

                        if (key.Style == Manifests.ScalarStyle.Plain && key.Value == "<<" && key.Tag is null)
                        {
                            (merges ??= new()).Add(value);
                            continue;
                        }

                        var existing = map.GetEntry(key.Value ?? "null");
                        if (existing is not null)
                        {
                            Problems.Add(new ManifestProblem(ManifestProblemCodes.DuplicateKey,
                                $"mapping key \"{key.Value}\" already defined at line {existing.Key.Line}", key.Line, key.Column));
                        }

                        map.Set(key, value);
                    }

                    if (merges is not null)
                    {
                        ApplyMerges(map, merges);
                    }

                    Register(ms, map);
                    return map;
                }

                default:
                    throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.SyntaxError,
                        $"YAML syntax error: unexpected {ev.GetType().Name}.", Line(ev), Column(ev)));
            }
        }

        private ReaderAbort Refuse(string code, string message, ParsingEvent ev) => new(new ManifestProblem(code, message, Line(ev), Column(ev)));

        private void AddExpandedLength(long length, ParsingEvent ev)
        {
            _expandedLength += length;
            if (_expandedLength > _options.MaxExpandedLength)
            {
                throw Refuse(ManifestProblemCodes.ExpandedSizeLimit,
                    $"The document's values add up to more than {Limit(_options.MaxExpandedLength)} characters after alias expansion (MaxExpandedLength); refused.", ev);
            }
        }

        /// <summary>Nodes and scalar characters in a tree, counting stops once <paramref name="nodeLimit"/> is passed.</summary>
        private static (int Nodes, long Length) Measure(ManifestNode node, int nodeLimit)
        {
            int nodes = 0;
            long length = 0;
            var stack = new Stack<ManifestNode>();
            stack.Push(node);
            while (stack.Count > 0 && nodes <= nodeLimit)
            {
                var n = stack.Pop();
                nodes++;
                switch (n)
                {
                    case ScalarNode sc:
                        length += sc.Value?.Length ?? 0;
                        break;
                    case MappingNode map:
                        foreach (var e in map.Entries)
                        {
                            length += e.KeyText.Length;
                            stack.Push(e.Value);
                        }

                        break;
                    case SequenceNode seq:
                        foreach (var item in seq.Items)
                        {
                            stack.Push(item);
                        }

                        break;
                }
            }

            return (nodes, length);
        }

        private void ApplyMerges(MappingNode map, List<ManifestNode> merges)
        {
            foreach (var merge in merges)
            {
                IEnumerable<ManifestNode> sources = merge is SequenceNode seq ? seq.Items : new[] { merge };
                foreach (var source in sources)
                {
                    if (source is not MappingNode sourceMap)
                    {
                        Problems.Add(new ManifestProblem(ManifestProblemCodes.UnsupportedValue,
                            "A merge key (<<) needs a mapping or a list of mappings; entry ignored.", source.Line, source.Column));
                        continue;
                    }

                    foreach (var entry in sourceMap.Entries)
                    {
                        if (!map.ContainsKey(entry.KeyText))
                        {
                            map.Set((ScalarNode)entry.Key.Clone(), entry.Value.Clone());
                        }
                    }
                }
            }
        }

        private void CheckDepth(int depth, ParsingEvent ev)
        {
            if (depth >= _options.MaxDepth)
            {
                throw new ReaderAbort(new ManifestProblem(ManifestProblemCodes.NestingTooDeep,
                    $"The document is nested more than {_options.MaxDepth} levels deep (MaxDepth); refused.", Line(ev), Column(ev)));
            }
        }

        private void Register(NodeEvent ev, ManifestNode node)
        {
            if (!ev.Anchor.IsEmpty)
            {
                _anchors[ev.Anchor.Value] = node;
            }
        }

        private void Position(ManifestNode node, ParsingEvent ev)
        {
            node.Line = Line(ev);
            node.Column = Column(ev);
        }

        private int Line(ParsingEvent ev) => (int)Math.Min(int.MaxValue, ev.Start.Line + _lineOffset);

        private static int Column(ParsingEvent ev) => (int)Math.Min(int.MaxValue, ev.Start.Column);

        private static Manifests.ScalarStyle MapStyle(YamlScalarStyle style) => style switch
        {
            YamlScalarStyle.SingleQuoted => Manifests.ScalarStyle.SingleQuoted,
            YamlScalarStyle.DoubleQuoted => Manifests.ScalarStyle.DoubleQuoted,
            YamlScalarStyle.Literal => Manifests.ScalarStyle.Literal,
            YamlScalarStyle.Folded => Manifests.ScalarStyle.Folded,
            _ => Manifests.ScalarStyle.Plain,
        };
    }
}
