namespace EksAutoMode.Engine.Manifests;

/// <summary>
/// One Kubernetes object read from a source: a YAML document, a JSON object, or one item of a
/// <c>kind: List</c> / <c>*List</c>. <see cref="ApiVersion"/>, <see cref="Kind"/> and <see cref="Name"/> are read
/// from the root when they are string scalars.
/// </summary>
public sealed class ManifestDocument
{
    public ManifestDocument(MappingNode root, string? sourceFile = null, int documentIndex = 0, int? itemIndex = null)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        SourceFile = sourceFile;
        DocumentIndex = documentIndex;
        ItemIndex = itemIndex;
    }

    /// <summary>File the document came from; null for text or objects given directly.</summary>
    public string? SourceFile { get; set; }

    /// <summary>0-based index of the YAML document in its source.</summary>
    public int DocumentIndex { get; set; }

    /// <summary>0-based index in the <c>items</c> of a List document, or null when not from a List.</summary>
    public int? ItemIndex { get; set; }

    public MappingNode Root { get; }

    public string? ApiVersion => Root.GetString("apiVersion");

    public string? Kind => Root.GetString("kind");

    /// <summary>The API group (the part of apiVersion before '/'; empty for the core group).</summary>
    public string Group
    {
        get
        {
            string? av = ApiVersion;
            if (av is null)
            {
                return string.Empty;
            }

            int slash = av.IndexOf('/');
            return slash < 0 ? string.Empty : av.Substring(0, slash);
        }
    }

    public string? Name => Root.GetMapping("metadata")?.GetString("name");

    public string? Namespace => Root.GetMapping("metadata")?.GetString("namespace");

    public int Line => Root.Line;

    public int Column => Root.Column;

    public override string ToString() => $"{Kind ?? "?"}/{Name ?? "?"}";
}

/// <summary>How bad a reading problem is.</summary>
public enum ManifestProblemSeverity
{
    Error,
    Warning,
}

/// <summary>
/// A problem met while reading input: syntax errors, refused input (size, alias expansion, nesting,
/// binary or non-UTF-8 bytes), documents that are not objects. Reading never throws for bad input.
/// </summary>
public sealed class ManifestProblem
{
    public ManifestProblem(string code, string message, int line = 0, int column = 0, ManifestProblemSeverity severity = ManifestProblemSeverity.Error)
    {
        Code = code;
        Message = message;
        Line = line;
        Column = column;
        Severity = severity;
    }

    /// <summary>Stable PascalCase code: see <see cref="ManifestProblemCodes"/>.</summary>
    public string Code { get; }

    public string Message { get; }

    public int Line { get; }

    public int Column { get; }

    public ManifestProblemSeverity Severity { get; }

    public string? SourceFile { get; set; }

    /// <summary>0-based YAML document index the problem belongs to, when known.</summary>
    public int? DocumentIndex { get; set; }

    public override string ToString() => $"{SourceFile ?? "<input>"}:{Line}:{Column}: {Code}: {Message}";
}

/// <summary>The stable problem codes <see cref="ManifestReader"/> reports.</summary>
public static class ManifestProblemCodes
{
    public const string SyntaxError = "YamlSyntaxError";
    public const string InputTooLarge = "InputTooLarge";
    public const string AliasExpansionLimit = "AliasExpansionLimit";
    public const string NestingTooDeep = "NestingTooDeep";
    public const string BinaryInput = "BinaryInput";
    public const string InvalidEncoding = "InvalidEncoding";
    public const string DuplicateKey = "DuplicateKey";
    public const string UnsupportedKey = "UnsupportedKey";
    public const string NotAnObject = "NotAnObject";
    public const string UnknownAlias = "UnknownAlias";
    public const string UnsupportedValue = "UnsupportedValue";
    public const string ReadFailed = "ReadFailed";
    public const string ScalarTooLarge = "ScalarTooLarge";
    public const string KeyTooLong = "KeyTooLong";
    public const string LineTooLong = "LineTooLong";
    public const string TooManyDocuments = "TooManyDocuments";
    public const string TooManyAliases = "TooManyAliases";
    public const string ExpandedSizeLimit = "ExpandedSizeLimit";

    /// <summary>The error category of a problem code (budgets are LimitsExceeded, syntax errors ParserError).</summary>
    public static ErrorKind KindOf(string code) => code switch
    {
        SyntaxError => ErrorKind.ParserError,
        ReadFailed => ErrorKind.ReadError,
        InputTooLarge or AliasExpansionLimit or NestingTooDeep or ScalarTooLarge or KeyTooLong or LineTooLong or TooManyDocuments
            or TooManyAliases or ExpandedSizeLimit => ErrorKind.LimitsExceeded,
        _ => ErrorKind.InvalidData,
    };
}

/// <summary>What reading one input produced.</summary>
public sealed class ManifestReadResult
{
    public ManifestReadResult(IReadOnlyList<ManifestDocument> documents, IReadOnlyList<ManifestProblem> problems)
    {
        Documents = documents;
        Problems = problems;
    }

    public IReadOnlyList<ManifestDocument> Documents { get; }

    public IReadOnlyList<ManifestProblem> Problems { get; }

    public bool HasErrors => Problems.Any(p => p.Severity == ManifestProblemSeverity.Error);
}

/// <summary>
/// Limits that protect the reader from hostile input. All are enforced while parsing (not after building the
/// tree), so a hostile input stops early with a problem naming the limit, in time and memory proportional to the
/// limit. The defaults are far above any real NodeClass/NodePool (the API server itself refuses objects over
/// about 1.5 MB) and are listed in about_EksAutoMode.
/// </summary>
public sealed class ManifestReaderOptions
{
    public static ManifestReaderOptions Default { get; } = new();

    /// <summary>Longest scalar (string) accepted, in characters, before or after alias expansion. Default 1 MiB.</summary>
    public int MaxScalarLength { get; init; } = 1024 * 1024;

    /// <summary>Longest mapping key accepted, in characters (label keys are at most 317). Default 1,024.</summary>
    public int MaxKeyLength { get; init; } = 1024;

    /// <summary>Longest line accepted, in characters. Default 1 MiB.</summary>
    public int MaxLineLength { get; init; } = 1024 * 1024;

    /// <summary>Most YAML documents read from one input. Default 10,000.</summary>
    public int MaxDocuments { get; init; } = 10_000;

    /// <summary>Most aliases (<c>*name</c>) in one document. Default 1,000.</summary>
    public int MaxAliases { get; init; } = 1_000;

    /// <summary>Largest total of scalar characters in one document after alias expansion. Default 8 MiB.</summary>
    public long MaxExpandedLength { get; init; } = 8L * 1024 * 1024;

    /// <summary>Cancels reading (Ctrl+C): checked between parser events, so even a huge input stops promptly.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Largest input accepted, in bytes (UTF-8). Default 5 MB.</summary>
    public long MaxInputBytes { get; init; } = 5L * 1024 * 1024;

    /// <summary>Deepest nesting of mappings/sequences accepted. Default 100.</summary>
    public int MaxDepth { get; init; } = 100;

    /// <summary>Most nodes alias expansion may add to one document. Default 100,000.</summary>
    public int MaxAliasExpandedNodes { get; init; } = 100_000;

    /// <summary>Whether <c>kind: List</c> and <c>*List</c> documents are split into their items. Default true.</summary>
    public bool ExpandLists { get; init; } = true;
}
