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

    /// <summary>Documents skipped because their kind is not covered (for verbose output).</summary>
    public event Action<ManifestDocument>? Skipped;

    /// <summary>Reads and validates a file.</summary>
    public IReadOnlyList<DocumentResult> AddFile(string path) => Add(ManifestReader.ReadFile(path, ReaderOptions), path);

    /// <summary>Reads and validates YAML/JSON text.</summary>
    public IReadOnlyList<DocumentResult> AddText(string text, string? source = null) => Add(ManifestReader.ReadText(text, source, ReaderOptions), source);

    /// <summary>Validates plain .NET values (dictionaries, lists, scalars) or manifest nodes/documents.</summary>
    public IReadOnlyList<DocumentResult> AddObject(object? value, string? source = null) => Add(ManifestReader.ReadObject(value, source, ReaderOptions), source);

    /// <summary>Validates what a reader produced. Reading problems come first, as findings of their own.</summary>
    public IReadOnlyList<DocumentResult> Add(ManifestReadResult read, string? source = null)
    {
        var results = new List<DocumentResult>();
        if (read.Problems.Count > 0)
        {
            var problems = ManifestValidator.FromProblems(read.Problems);
            Note(problems);
            results.Add(new DocumentResult(null, source, problems));
        }

        foreach (var doc in read.Documents)
        {
            _documents.Add(doc);
            if (!ManifestValidator.IsCovered(doc, Options) || !_kindFilter(doc))
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
    public DocumentResult(ManifestDocument? document, string? source, IReadOnlyList<ManifestFinding> findings)
    {
        Document = document;
        Source = source;
        Findings = findings;
    }

    public ManifestDocument? Document { get; }

    public string? Source { get; }

    public IReadOnlyList<ManifestFinding> Findings { get; }
}
