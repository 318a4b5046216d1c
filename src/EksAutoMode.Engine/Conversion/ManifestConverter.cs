using System.Text;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>
/// Converts Auto Mode NodeClass/NodePool manifests to OSS Karpenter EC2NodeClass/NodePool and back. Reads YAML/JSON
/// text, files or .NET objects through <see cref="ManifestReader"/>, converts each document, writes deterministic
/// YAML with the notes as comments and checks the result against the target schema.
/// </summary>
public sealed partial class ManifestConverter
{
    private readonly ConversionDirection _direction;
    private readonly ConversionOptions _options;
    private readonly AmiFamilyInfo _family;
    private readonly string _alias;

    /// <exception cref="EngineException">InvalidAmiAlias, InvalidMetadataHopLimit, InvalidSelector for bad options.</exception>
    public ManifestConverter(ConversionDirection direction, ConversionOptions? options = null)
    {
        _direction = direction;
        _options = options ?? new ConversionOptions();
        var d = ConversionData.Instance.Defaults;
        _alias = string.IsNullOrWhiteSpace(_options.AmiAlias) ? d.DefaultAmiAlias : _options.AmiAlias!.Trim();
        _family = ResolveFamily(_alias, d);
        if (_options.MetadataHopLimit is int hop && (hop < 1 || hop > 64))
        {
            throw new EngineException("InvalidMetadataHopLimit", ErrorKind.InvalidArgument, $"-MetadataHopLimit {hop} is outside 1–64 (the EC2NodeClass range).", hop);
        }

        CheckTerms(_options.SubnetSelectorTerms, "-SubnetSelector", "subnet-");
        CheckTerms(_options.SecurityGroupSelectorTerms, "-SecurityGroupSelector", "sg-");
    }

    /// <summary>Checks converted documents against their target schema; null skips the check. Set by the validation engine's adapter.</summary>
    internal Func<ManifestDocument, IReadOnlyList<string>>? SchemaCheck { get; set; } = ConversionValidation.Check;

    /// <summary>Writes a converted tree as YAML (with notes as comments and a header). A seam for tests of the read-back check.</summary>
    internal Func<MappingNode, IReadOnlyDictionary<string, List<string>>, IEnumerable<string>, string> Writer { get; set; } = (root, comments, header) => YamlWriter.Write(root, comments, header);

    private static AmiFamilyInfo ResolveFamily(string alias, DefaultsTable d)
    {
        var m = AliasPattern().Match(alias);
        if (!m.Success)
        {
            throw new EngineException("InvalidAmiAlias", ErrorKind.InvalidArgument,
                $"-AmiAlias '{alias}' is not in the form family@version (for example bottlerocket@latest or al2023@v20251117).", alias);
        }

        string family = m.Groups[1].Value;
        if (d.RejectedAmiFamilies.Contains(family))
        {
            throw new EngineException("InvalidAmiAlias", ErrorKind.InvalidArgument,
                $"-AmiAlias '{alias}': Auto Mode runs Linux nodes only, so a Windows family is not a faithful conversion. Use one of: {string.Join(", ", d.AmiFamilies.Keys)}.", alias);
        }

        if (!d.AmiFamilies.TryGetValue(family, out var info))
        {
            throw new EngineException("InvalidAmiAlias", ErrorKind.InvalidArgument,
                $"-AmiAlias '{alias}': unknown AMI family '{family}'. Use one of: {string.Join(", ", d.AmiFamilies.Keys)}.", alias);
        }

        return info;
    }

    private static void CheckTerms(IReadOnlyList<SelectorTermSpec>? terms, string parameter, string idPrefix)
    {
        foreach (var t in terms ?? Array.Empty<SelectorTermSpec>())
        {
            int set = (t.Id is null ? 0 : 1) + (t.Name is null ? 0 : 1) + (t.Tags is null ? 0 : 1);
            if (set != 1)
            {
                throw new EngineException("InvalidSelector", ErrorKind.InvalidArgument, $"{parameter}: each term is exactly one of an id, a name or a tag hashtable.", parameter);
            }

            if (t.Id is not null && !t.Id.StartsWith(idPrefix, StringComparison.Ordinal))
            {
                throw new EngineException("InvalidSelector", ErrorKind.InvalidArgument, $"{parameter}: '{t.Id}' is not an id starting with '{idPrefix}'.", t.Id);
            }

            if (t.Tags is not null && (t.Tags.Count == 0 || t.Tags.Any(kv => string.IsNullOrEmpty(kv.Key) || string.IsNullOrEmpty(kv.Value))))
            {
                throw new EngineException("InvalidSelector", ErrorKind.InvalidArgument, $"{parameter}: tag selectors need non-empty keys and values (use '*' for any value).", parameter);
            }
        }
    }

    [GeneratedRegex(@"^([a-zA-Z0-9]+)@(.+)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex AliasPattern();

    // ------------------------------------------------------------------ entry points

    public IEnumerable<ConversionItem> ConvertFile(string path, CancellationToken cancellationToken = default) =>
        Convert(ManifestReader.ReadFile(path), path, cancellationToken);

    public IEnumerable<ConversionItem> ConvertText(string text, string? sourceFile = null, CancellationToken cancellationToken = default) =>
        Convert(ManifestReader.ReadText(text, sourceFile), sourceFile, cancellationToken);

    /// <summary>Converts a .NET value (dictionary, list of dictionaries, or YAML/JSON text).</summary>
    public IEnumerable<ConversionItem> ConvertObject(object? value, CancellationToken cancellationToken = default) =>
        Convert(ManifestReader.ReadObject(value), null, cancellationToken);

    private IEnumerable<ConversionItem> Convert(ManifestReadResult read, string? sourceFile, CancellationToken cancellationToken)
    {
        var badDocs = new HashSet<int>();
        foreach (var problem in read.Problems.Where(p => p.Severity == ManifestProblemSeverity.Error))
        {
            if (problem.DocumentIndex is int di)
            {
                badDocs.Add(di);
            }

            string where = Where(problem.SourceFile ?? sourceFile, problem.DocumentIndex, problem.Line, problem.Column);
            yield return new ConversionItem
            {
                Error = new EngineException(problem.Code, problem.Code is ManifestProblemCodes.SyntaxError ? ErrorKind.ParserError : ErrorKind.InvalidData,
                    $"{where}: {problem.Message} Nothing was converted for this document.", problem.SourceFile ?? sourceFile ?? "<input>"),
            };
        }

        var documents = read.Documents.Where(d => !badDocs.Contains(d.DocumentIndex)).ToList();
        if (documents.Count >= ParallelThreshold && MaxParallelism > 1)
        {
            // Documents are independent: convert and validate them on all cores, results in source order.
            var results = documents.AsParallel().AsOrdered()
                .WithDegreeOfParallelism(MaxParallelism)
                .WithCancellation(cancellationToken)
                .Select(ConvertDocument);
            foreach (var item in results)
            {
                yield return item;
            }

            yield break;
        }

        foreach (var doc in documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ConvertDocument(doc);
        }
    }

    /// <summary>Inputs with at least this many documents are converted in parallel.</summary>
    internal const int ParallelThreshold = 16;

    /// <summary>Most threads a conversion uses (1 turns parallel conversion off).</summary>
    internal int MaxParallelism { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    private static string Where(string? file, int? documentIndex, int line, int column)
    {
        var sb = new StringBuilder(file ?? "<input>");
        if (line > 0)
        {
            sb.Append(':').Append(line);
            if (column > 0)
            {
                sb.Append(':').Append(column);
            }
        }

        if (documentIndex is int di)
        {
            sb.Append(" (document ").Append(di + 1).Append(')');
        }

        return sb.ToString();
    }

    /// <summary>Converts one document read by <see cref="ManifestReader"/>.</summary>
    public ConversionItem ConvertDocument(ManifestDocument doc)
    {
        string kind = doc.Kind ?? "";
        string apiVersion = doc.ApiVersion ?? "";
        var d = ConversionData.Instance.Defaults;
        bool toOss = _direction == ConversionDirection.AutoToOss;
        try
        {
            if (doc.Kind is null || doc.ApiVersion is null)
            {
                throw new ConversionInputException("MissingKind", doc.Kind is null ? "kind" : "apiVersion", doc.Root, $"The document has no {(doc.Kind is null ? "kind" : "apiVersion")}.");
            }

            string sourceNodeClass = toOss ? d.AutoNodeClass.Kind : d.OssNodeClass.Kind;
            string sourceGroup = toOss ? d.AutoNodeClass.Group : d.OssNodeClass.Group;
            if (kind == sourceNodeClass && doc.Group == sourceGroup)
            {
                RequireVersion(doc, toOss ? d.AutoNodeClass.ApiVersion : d.OssNodeClass.ApiVersion);
                RequireName(doc);
                var ctx = new ConversionContext(_options, doc);
                var root = toOss ? NodeClassConverter.ToOss(ctx, _family, _alias) : NodeClassConverter.FromOss(ctx);
                return Finish(ctx, root);
            }

            if (kind == d.NodePool.Kind && doc.Group == "karpenter.sh")
            {
                string? refGroup = doc.Root.GetMapping("spec")?.GetMapping("template")?.GetMapping("spec")?.GetMapping("nodeClassRef")?.GetString("group");
                bool matches = refGroup == sourceGroup;
                if (matches || refGroup is null)
                {
                    RequireVersion(doc, d.NodePool.ApiVersion);
                    RequireName(doc);
                    var ctx = new ConversionContext(_options, doc);
                    return Finish(ctx, NodePoolConverter.Convert(ctx, _direction));
                }

                return Other(doc, $"NodePool '{doc.Name}' already points at {refGroup} (nodeClassRef.group), so it is not {(toOss ? "an Auto Mode" : "an OSS Karpenter")} NodePool.");
            }

            return Other(doc, $"{kind} ({apiVersion}) is not a kind this command converts.");
        }
        catch (ConversionInputException e)
        {
            int line = e.Node?.Line > 0 ? e.Node.Line : doc.Line;
            int col = e.Node?.Line > 0 ? e.Node.Column : doc.Column;
            string where = Where(doc.SourceFile, doc.DocumentIndex, line, col);
            return new ConversionItem
            {
                Error = new EngineException(e.ErrorId, ErrorKind.InvalidData,
                    $"{where}: {(doc.Kind is null ? "" : $"{kind}/{doc.Name ?? "(no name)"}: ")}{e.Message} Nothing was converted for this document.", doc.SourceFile ?? doc.ToString()),
            };
        }
    }

    private static void RequireVersion(ManifestDocument doc, string expected)
    {
        if (doc.ApiVersion != expected)
        {
            throw new ConversionInputException("UnsupportedApiVersion", "apiVersion", doc.Root.GetEntry("apiVersion")?.Value ?? doc.Root,
                $"apiVersion {doc.ApiVersion} is not supported; only {expected} is (migrate older Karpenter APIs to v1 first).");
        }
    }

    private static void RequireName(ManifestDocument doc)
    {
        if (string.IsNullOrEmpty(doc.Name))
        {
            throw new ConversionInputException("MissingRequiredField", "metadata.name", doc.Root.GetMapping("metadata") ?? (ManifestNode)doc.Root, "metadata.name is required.");
        }
    }

    private ConversionItem Other(ManifestDocument doc, string reason)
    {
        if (!_options.PassThruOtherKinds)
        {
            return new ConversionItem { SkippedReason = $"{Where(doc.SourceFile, doc.DocumentIndex, doc.Line, 0)}: {reason} Skipped (use -PassThruOtherKinds to pass it through unchanged)." };
        }

        string yaml = YamlWriter.Write(doc.Root);
        var (_, loadErrors) = ReadBack(yaml, doc, doc.Root);
        if (loadErrors.Count > 0)
        {
            return new ConversionItem
            {
                Error = new EngineException("ConvertedDocumentInvalid", ErrorKind.InvalidResult,
                    $"{Where(doc.SourceFile, doc.DocumentIndex, doc.Line, 0)}: {DisplayText.Escape(string.Join("; ", loadErrors))}. Nothing was written for this document.", doc.SourceFile ?? doc.ToString()),
            };
        }

        return new ConversionItem
        {
            Document = new ConvertedDocument
            {
                SourceFile = doc.SourceFile,
                DocumentIndex = doc.DocumentIndex,
                SourceLine = doc.Line,
                SourceKind = doc.Kind,
                SourceName = doc.Name,
                TargetApiVersion = doc.ApiVersion,
                TargetKind = doc.Kind,
                TargetName = doc.Name,
                Yaml = yaml,
                PlainYamlFactory = () => yaml,
                PassedThrough = true,
            },
        };
    }

    private ConversionItem Finish(ConversionContext ctx, MappingNode root)
    {
        var doc = ctx.Source;
        var notes = ctx.Notes;
        var comments = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var n in notes)
        {
            string anchor = n.TargetPath ?? (n.SourcePath is null ? "" : NodePaths.Parent(n.SourcePath));
            if (!comments.TryGetValue(anchor, out var list))
            {
                comments[anchor] = list = new List<string>();
            }

            list.Add(FormatNote(n));
        }

        string command = _direction == ConversionDirection.AutoToOss ? "ConvertTo-OssKarpenter" : "ConvertFrom-OssKarpenter";
        string targetKind = root.GetString("kind")!;
        string? targetName = root.GetMapping("metadata")?.GetString("name");
        string source = doc.SourceFile is null ? "input" : Path.GetFileName(doc.SourceFile);
        var header = new[] { $"{command}: {doc.Kind}/{doc.Name} -> {targetKind}/{targetName} (from {source}, document {doc.DocumentIndex + 1})" };
        string yaml = Writer(root, comments, header);

        var errors = new List<string>();
        foreach (var n in notes.Where(n => n.Action == NoteAction.Placeholder))
        {
            errors.Add($"{n.TargetPath}: {n.Message}");
        }

        if (SchemaCheck is { } check)
        {
            // What is checked is the text that will be written, read back as a user's kubectl would read it, not
            // the tree it was written from: a writer slip (an unquoted string a reader types differently, a note
            // that breaks out of its comment) then shows up as an error instead of a file that means something else.
            var (written, loadErrors) = ReadBack(yaml, doc, root);
            errors.AddRange(loadErrors);
            if (written is not null)
            {
                errors.AddRange(check(written));
            }
        }

        return new ConversionItem
        {
            Document = new ConvertedDocument
            {
                SourceFile = doc.SourceFile,
                DocumentIndex = doc.DocumentIndex,
                SourceLine = doc.Line,
                SourceKind = doc.Kind,
                SourceName = doc.Name,
                TargetApiVersion = root.GetString("apiVersion"),
                TargetKind = targetKind,
                TargetName = targetName,
                Yaml = yaml,
                PlainYamlFactory = () => YamlWriter.Write(root),
                Notes = notes.ToList(),
                ValidationErrors = errors.Distinct().ToList(),
            },
        };
    }

    /// <summary>
    /// Reads emitted YAML back: exactly one document, no reading problem, same apiVersion/kind/name as the tree it
    /// came from. Returns the document read (null when it does not load) and the errors.
    /// </summary>
    internal static (ManifestDocument? Document, IReadOnlyList<string> Errors) ReadBack(string yaml, ManifestDocument source, MappingNode? expected = null)
    {
        var read = ManifestReader.ReadText(yaml, source.SourceFile);
        var errors = read.Problems.Select(p => $"the converted YAML does not load back (line {p.Line}): {p.Message} ({p.Code})").ToList();
        if (read.Documents.Count != 1)
        {
            errors.Add($"the converted YAML reads back as {read.Documents.Count} documents instead of 1");
            return (null, errors);
        }

        var written = read.Documents[0];
        if (expected is not null && !NodePaths.DeepEquals(written.Root, expected))
        {
            errors.Add("the converted YAML reads back as a different document than was converted");
        }

        return (errors.Count == 0 ? new ManifestDocument(written.Root, source.SourceFile, source.DocumentIndex) : null, errors);
    }

    internal static string FormatNote(ConversionNoteData n) =>
        $"{n.Severity} {n.Action}{(n.SourcePath is null ? "" : " " + n.SourcePath)}: {n.Message}";

    /// <summary>Joins documents into one multi-document YAML stream (each starts with '---'), ready for kubectl apply -f -.</summary>
    public static string JoinYaml(IEnumerable<ConvertedDocument> documents, bool withComments = true)
    {
        var sb = new StringBuilder();
        foreach (var d in documents)
        {
            sb.Append("---\n").Append(withComments ? d.Yaml : d.YamlWithoutComments);
        }

        return sb.ToString();
    }

    /// <summary>The file name -OutputDirectory uses for a document: &lt;kind&gt;-&lt;name&gt;.yaml in lower case, unsafe characters replaced.</summary>
    public static string FileNameFor(ConvertedDocument document)
    {
        string raw = $"{document.TargetKind}-{document.TargetName ?? "unnamed"}".ToLowerInvariant();
        var sb = new StringBuilder(raw.Length);
        foreach (char c in raw)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_');
        }

        return sb.ToString().Trim('.') + ".yaml";
    }
}
