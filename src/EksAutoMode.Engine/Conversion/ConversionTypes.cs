using System.Text.RegularExpressions;

namespace EksAutoMode.Engine.Conversion;

/// <summary>Which way a conversion goes.</summary>
public enum ConversionDirection
{
    /// <summary>Auto Mode NodeClass/NodePool → OSS Karpenter EC2NodeClass/NodePool (ConvertTo-OssKarpenter).</summary>
    AutoToOss,

    /// <summary>OSS Karpenter EC2NodeClass/NodePool → Auto Mode NodeClass/NodePool (ConvertFrom-OssKarpenter).</summary>
    OssToAuto,
}

public enum NoteSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>What happened to a source setting.</summary>
public enum NoteAction
{
    /// <summary>Carried over, possibly under another name.</summary>
    Mapped,

    /// <summary>Written from a default or a parameter because the source did not say.</summary>
    Defaulted,

    /// <summary>Carried over with a value or behaviour that is close but not identical.</summary>
    Approximated,

    /// <summary>Not carried over; the message says where the setting lives on the other side.</summary>
    Dropped,

    /// <summary>A required value the source does not have; the output is incomplete until it is supplied.</summary>
    Placeholder,
}

/// <summary>One thing the user should know about a conversion.</summary>
/// <param name="Line">1-based line in the source document that SourcePath points at (the field, or its nearest ancestor present); 0 when unknown.</param>
/// <param name="Column">1-based column of that line; 0 when unknown.</param>
public sealed record ConversionNoteData(NoteSeverity Severity, string? SourcePath, string? TargetPath, NoteAction Action, string Message, int Line = 0, int Column = 0);

/// <summary>A selector term given on the command line: an id, a name (security groups only) or tags.</summary>
public sealed class SelectorTermSpec
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>A taint as given to -Taint: <c>key[=value]:Effect</c>.</summary>
public sealed partial class TaintSpec
{
    public TaintSpec(string key, string? value, string effect)
    {
        Key = key;
        Value = value;
        Effect = effect;
    }

    public string Key { get; }
    public string? Value { get; }
    public string Effect { get; }

    internal static readonly string[] Effects = { "NoSchedule", "PreferNoSchedule", "NoExecute" };

    /// <summary>Parses <c>key[=value]:Effect</c>; throws <see cref="EngineException"/> (InvalidTaint) when malformed.</summary>
    public static TaintSpec Parse(string text)
    {
        var m = TaintPattern().Match(text ?? "");
        if (!m.Success)
        {
            throw new EngineException("InvalidTaint", ErrorKind.InvalidArgument,
                $"'{text}' is not a taint. Use key[=value]:Effect, for example eks-auto-mode:NoSchedule.", text);
        }

        string effect = Effects.FirstOrDefault(e => string.Equals(e, m.Groups["effect"].Value, StringComparison.OrdinalIgnoreCase))
            ?? throw new EngineException("InvalidTaint", ErrorKind.InvalidArgument,
                $"Taint effect '{m.Groups["effect"].Value}' is not one of NoSchedule, PreferNoSchedule, NoExecute.", text);
        string? value = m.Groups["value"].Success ? m.Groups["value"].Value : null;
        return new TaintSpec(m.Groups["key"].Value, string.IsNullOrEmpty(value) ? null : value, effect);
    }

    public override string ToString() => Key + (Value is null ? "" : "=" + Value) + ":" + Effect;

    [GeneratedRegex(@"^(?<key>([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)(=(?<value>[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)?:(?<effect>[A-Za-z]+)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex TaintPattern();
}

/// <summary>Settings of one conversion run.</summary>
public sealed class ConversionOptions
{
    /// <summary>AMI alias for amiSelectorTerms (Auto → OSS). Default bottlerocket@latest.</summary>
    public string? AmiAlias { get; init; }

    /// <summary>metadataOptions.httpPutResponseHopLimit (Auto → OSS); null keeps Auto Mode's 1.</summary>
    public int? MetadataHopLimit { get; init; }

    /// <summary>Subnet selector terms used in place of the source's (Auto → OSS).</summary>
    public IReadOnlyList<SelectorTermSpec>? SubnetSelectorTerms { get; init; }

    /// <summary>Security-group selector terms used in place of the source's (Auto → OSS).</summary>
    public IReadOnlyList<SelectorTermSpec>? SecurityGroupSelectorTerms { get; init; }

    /// <summary>Cluster name for karpenter.sh/discovery tag selectors where the source has none (Auto → OSS).</summary>
    public string? ClusterName { get; init; }

    /// <summary>Keep expireAfter even when Auto Mode rejects it (OSS → Auto).</summary>
    public bool KeepExpireAfter { get; init; }

    /// <summary>Taints added to converted NodePools (OSS → Auto), e.g. the migration taint eks-auto-mode:NoSchedule.</summary>
    public IReadOnlyList<TaintSpec> Taints { get; init; } = Array.Empty<TaintSpec>();

    /// <summary>Documents of other kinds are returned unchanged instead of skipped.</summary>
    public bool PassThruOtherKinds { get; init; }

    /// <summary>Check every converted document against its target schema (default true).</summary>
    public bool Validate { get; init; } = true;
}

/// <summary>The result for one source document.</summary>
public sealed class ConvertedDocument
{
    public string? SourceFile { get; init; }
    public int DocumentIndex { get; init; }
    public int SourceLine { get; init; }
    public string? SourceKind { get; init; }
    public string? SourceName { get; init; }
    public string? TargetApiVersion { get; init; }
    public string? TargetKind { get; init; }
    public string? TargetName { get; init; }

    /// <summary>The converted document as YAML, with the notes as '#' comments above their fields.</summary>
    public string Yaml { get; init; } = "";

    private string? _plain;

    /// <summary>The converted document without the note comments (written on first use).</summary>
    public string YamlWithoutComments => _plain ??= PlainYamlFactory?.Invoke() ?? Yaml;

    internal Func<string>? PlainYamlFactory { get; init; }

    public IReadOnlyList<ConversionNoteData> Notes { get; init; } = Array.Empty<ConversionNoteData>();

    /// <summary>True for a document of another kind returned unchanged (-PassThruOtherKinds).</summary>
    public bool PassedThrough { get; init; }

    /// <summary>Error findings of the target-schema check ("path: message"); empty when the document is valid.</summary>
    public IReadOnlyList<string> ValidationErrors { get; init; } = Array.Empty<string>();

    public bool IsValid => ValidationErrors.Count == 0;
}

/// <summary>One item of a conversion run: a converted document, a failure, or a skipped document of another kind.</summary>
public sealed class ConversionItem
{
    public ConvertedDocument? Document { get; init; }
    public EngineException? Error { get; init; }

    /// <summary>Set when a document of another kind was skipped (no -PassThruOtherKinds): why.</summary>
    public string? SkippedReason { get; init; }
}
