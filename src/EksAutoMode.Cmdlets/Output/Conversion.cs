namespace EksAutoMode;

/// <summary>How much a conversion note matters.</summary>
public enum ConversionSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>What happened to a source setting during conversion.</summary>
public enum ConversionAction
{
    /// <summary>Carried over, possibly under another name.</summary>
    Mapped,

    /// <summary>Written from a default or a parameter because the source did not say.</summary>
    Defaulted,

    /// <summary>Carried over with a close but not identical value or behaviour.</summary>
    Approximated,

    /// <summary>Not carried over; the message says where the setting lives on the other side.</summary>
    Dropped,

    /// <summary>A required value the source does not have; the output is not valid until it is supplied.</summary>
    Placeholder,
}

/// <summary>One thing to know about a conversion: what happened to which field, and why.</summary>
public sealed class ConversionNote
{
    /// <summary>A ConversionSeverity name (Info, Warning, Error); a string so ConvertTo-Json writes the name.</summary>
    public string Severity { get; set; } = "";
    public string? SourcePath { get; set; }
    public string? TargetPath { get; set; }
    /// <summary>A ConversionAction name (Mapped, Defaulted, Approximated, Dropped, Placeholder).</summary>
    public string Action { get; set; } = "";
    public string Message { get; set; } = "";

    /// <summary>The file the source document came from (null for pipeline text or objects).</summary>
    public string? SourceFile { get; set; }

    /// <summary>1-based line of SourcePath in the source (the field, or its nearest ancestor present); 0 when unknown.</summary>
    public int Line { get; set; }

    public int Column { get; set; }

    public override string ToString() =>
        (SourceFile is null && Line == 0 ? "" : $"{SourceFile ?? "<input>"}{(Line > 0 ? ":" + Line : "")}: ")
        + $"{Severity} {Action}{(SourcePath is null ? "" : " " + SourcePath)}: {Message}";
}

/// <summary>The conversion of one source document (ConvertTo-OssKarpenter / ConvertFrom-OssKarpenter).</summary>
public sealed class ConversionResult
{
    public string? SourceFile { get; set; }

    /// <summary>1-based position of the document in its source.</summary>
    public int DocumentNumber { get; set; }

    public string? SourceKind { get; set; }
    public string? SourceName { get; set; }
    public string? TargetKind { get; set; }
    public string? TargetName { get; set; }

    /// <summary>The converted manifest, with each note as a '#' comment above its field.</summary>
    public string Yaml { get; set; } = "";

    public ConversionNote[] Notes { get; set; } = Array.Empty<ConversionNote>();

    /// <summary>False when the converted document does not pass its target schema (see ValidationErrors).</summary>
    public bool IsValid { get; set; }

    public string[] ValidationErrors { get; set; } = Array.Empty<string>();

    /// <summary>True for a document of another kind passed through unchanged (-PassThruOtherKinds).</summary>
    public bool PassedThrough { get; set; }

    /// <summary>The file written by -OutputDirectory, if any.</summary>
    public string? OutputPath { get; set; }

    public override string ToString() => $"{SourceKind}/{SourceName} -> {TargetKind}/{TargetName}";
}
