using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// One validation run over many inputs (one cmdlet invocation): reads inputs, validates the covered documents
/// as they come, and at the end applies the cross-document rule (NodePool → node class present in the input).
/// Keeps the verdict: <see cref="Failed"/> is true once an Error (or, with <see cref="Strict"/>, a Warning) was found.
/// </summary>
public sealed class ValidationRun
{
    private readonly List<ManifestDocument> _documents = new();
    private readonly List<ManifestDocument> _checked = new();
    private readonly Func<ManifestDocument, bool> _kindFilter;

    public ValidationRun(ValidationOptions options, Func<ManifestDocument, bool>? kindFilter = null, bool strict = false, ManifestReaderOptions? readerOptions = null)
    {
        Options = options;
        Strict = strict;
        ReaderOptions = readerOptions ?? ManifestReaderOptions.Default;
        _kindFilter = kindFilter ?? (_ => true);
    }

    public ValidationOptions Options { get; }

    public ManifestReaderOptions ReaderOptions { get; }

    public bool Strict { get; }

    public bool Failed { get; private set; }

    public int DocumentsChecked { get; private set; }

    public int DocumentsSkipped { get; private set; }

    /// <summary>
    /// The gate's verdict: true only when at least one document was checked and no Error (with <see cref="Strict"/>,
    /// no Warning) was found, input errors included. A run that looked at nothing does not pass.
    /// </summary>
    public bool Passed => !Failed && DocumentsChecked > 0;

    /// <summary>Documents and reading problems seen so far (0 means the input held no YAML/JSON at all).</summary>
    public int ItemsRead { get; private set; }

    /// <summary>Documents skipped because their kind is not covered (for debug output).</summary>
    public event Action<ManifestDocument>? Skipped;

    /// <summary>Reads and validates a file.</summary>
    public IReadOnlyList<DocumentResult> AddFile(string path) => Add(ManifestReader.ReadFile(path, ReaderOptions), path);

    /// <summary>Reads and validates YAML/JSON text.</summary>
    public IReadOnlyList<DocumentResult> AddText(string text, string? source = null) => Add(ManifestReader.ReadText(text, source, ReaderOptions), source);

    /// <summary>Validates plain .NET values (dictionaries, lists, scalars) or manifest nodes/documents.</summary>
    public IReadOnlyList<DocumentResult> AddObject(object? value, string? source = null) => Add(ManifestReader.ReadObject(value, source, ReaderOptions), source);

    /// <summary>
    /// Records an input error found outside the reader (a path that does not exist, a folder with no manifests):
    /// the run fails, and the error comes back as a finding and as an <see cref="EngineException"/> to report.
    /// </summary>
    public DocumentResult AddInputError(string errorId, ErrorKind kind, string message, string? file)
    {
        var finding = InputFinding(errorId, message, file, 0, 0, 0, null);
        Note(new[] { finding });
        return new DocumentResult(null, file, new[] { finding }, new[] { ToException(finding, kind) });
    }

    /// <summary>Validates what a reader produced. Reading problems come first, as findings of their own.</summary>
    public IReadOnlyList<DocumentResult> Add(ManifestReadResult read, string? source = null)
    {
        var results = new List<DocumentResult>();
        ItemsRead += read.Problems.Count + read.Documents.Count;
        if (read.Problems.Count > 0)
        {
            var problems = ManifestValidator.FromProblems(read.Problems.Select(p => { p.SourceFile ??= source; return p; }));
            Note(problems);
            var errors = problems.Zip(read.Problems)
                .Where(x => x.First.Severity == FindingSeverity.Error)
                .Select(x => ToException(x.First, ManifestProblemCodes.KindOf(x.Second.Code)))
                .ToList();
            results.Add(new DocumentResult(null, source, problems, errors));
        }

        foreach (var doc in read.Documents)
        {
            _documents.Add(doc);
            var (role, errorId, message, at) = KindRecognizer.Classify(doc, Options);
            if (role is DocumentRole.NotKubernetesObject or DocumentRole.NearMiss)
            {
                var finding = InputFinding(errorId!, message!, doc.SourceFile ?? source, (at ?? doc.Root).Line, (at ?? doc.Root).Column, doc.DocumentIndex, doc);
                Note(new[] { finding });
                results.Add(new DocumentResult(null, doc.SourceFile ?? source, new[] { finding }, new[] { ToException(finding, ErrorKind.InvalidData) }));
                continue;
            }

            if (role != DocumentRole.Checked || !_kindFilter(doc))
            {
                DocumentsSkipped++;
                Skipped?.Invoke(doc);
                continue;
            }

            DocumentsChecked++;
            _checked.Add(doc);
            var findings = ManifestValidator.Validate(doc, Options);
            Note(findings);
            results.Add(new DocumentResult(doc, doc.SourceFile ?? source, findings));
        }

        return results;
    }

    private static ManifestFinding InputFinding(string errorId, string message, string? file, int line, int column, int documentIndex, ManifestDocument? doc) => new()
    {
        RuleId = "INPUT-" + errorId,
        Severity = FindingSeverity.Error,
        Message = DisplayText.Escape(message),
        File = file,
        Line = line,
        Column = column,
        DocumentIndex = documentIndex,
        ApiVersion = DisplayText.EscapeOrNull(doc?.ApiVersion),
        Kind = DisplayText.EscapeOrNull(doc?.Kind),
        Name = DisplayText.EscapeOrNull(doc?.Name),
    };

    /// <summary>An input error as an exception for an error record: "file:line:column: message", the file as target.</summary>
    private static EngineException ToException(ManifestFinding finding, ErrorKind kind)
    {
        string where = finding.Line > 0 ? $"{finding.File ?? "<input>"}:{finding.Line}:{finding.Column}: " : string.Empty;
        return new EngineException(finding.RuleId.StartsWith("INPUT-", StringComparison.Ordinal) ? finding.RuleId[6..] : finding.RuleId, kind,
            where + finding.Message, finding.File ?? "<input>");
    }

    /// <summary>Cross-document findings (AM-NP-008), once all inputs were added.</summary>
    public IReadOnlyList<ManifestFinding> Finish()
    {
        var findings = new List<ManifestFinding>();
        foreach (var doc in _checked)
        {
            findings.AddRange(ManifestValidator.CheckReferences(doc, _documents, Options));
        }

        Note(findings);
        return findings;
    }

    private void Note(IEnumerable<ManifestFinding> findings)
    {
        foreach (var f in findings)
        {
            if (f.Severity == FindingSeverity.Error || (Strict && f.Severity == FindingSeverity.Warning))
            {
                Failed = true;
            }
        }
    }
}

/// <summary>The findings for one document (or, with a null document, for an input that could not be read).</summary>
public sealed class DocumentResult
{
    public DocumentResult(ManifestDocument? document, string? source, IReadOnlyList<ManifestFinding> findings, IReadOnlyList<EngineException>? inputErrors = null)
    {
        Document = document;
        Source = source;
        Findings = findings;
        InputErrors = inputErrors ?? Array.Empty<EngineException>();
    }

    /// <summary>
    /// Input errors (the input could not be read or is not what was meant to be checked), also present in
    /// <see cref="Findings"/>: cmdlets write each as a non-terminating error record with this ErrorId.
    /// </summary>
    public IReadOnlyList<EngineException> InputErrors { get; }

    public ManifestDocument? Document { get; }

    public string? Source { get; }

    public IReadOnlyList<ManifestFinding> Findings { get; }
}
