namespace EksAutoMode.Engine.Validation;

/// <summary>How serious a finding is. <see cref="Error"/> means the API server (or Auto Mode) rejects or breaks it.</summary>
public enum FindingSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>Which world a NodePool is checked for.</summary>
public enum ValidationTarget
{
    /// <summary>Infer from <c>nodeClassRef.group</c> (eks.amazonaws.com → Auto Mode; karpenter.k8s.aws → Karpenter).</summary>
    Auto,
    AutoMode,
    Karpenter,
}

/// <summary>One problem found in one document (or in the input itself).</summary>
public sealed class ManifestFinding
{
    public string RuleId { get; init; } = string.Empty;
    public FindingSeverity Severity { get; init; }
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }

    /// <summary>Field path the way the API server prints it: <c>spec.template.spec.expireAfter</c>, <c>spec.subnetSelectorTerms[0].id</c>, <c>spec.tags[key]</c>.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The message; for API-server checks, its own wording after the path (<c>Too long: may not be more than 64 bytes</c>).</summary>
    public string Message { get; init; } = string.Empty;
    public string? Hint { get; set; }
    public string? File { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }
    public int DocumentIndex { get; init; }
    public string? SourceUrl { get; init; }

    /// <summary>As-of date of the rule or schema the finding comes from (yyyy-MM-dd).</summary>
    public string? AsOf { get; init; }

    /// <summary>The target the document was checked for (AutoMode or Karpenter), when it applies.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// The schema the document was checked against: <c>karpenter 1.15 (bundled, as-of 2026-08-21)</c>,
    /// <c>eks-auto-mode (bundled, as-of …)</c>, <c>cluster &lt;name&gt;</c> or <c>file &lt;path&gt;</c>; null for input errors
    /// and for an apiVersion no schema covers.
    /// </summary>
    public string? SchemaSource { get; init; }

    /// <summary>
    /// The API server's own wording where <see cref="Message"/> adds to it (the 21-day rules state the largest
    /// allowed expireAfter); null when Message is exactly the API server's text.
    /// </summary>
    public string? ApiServerMessage { get; init; }

    /// <summary>
    /// Who rejects what the finding describes: ApiServer (schema and CEL: kubectl apply fails), KarpenterController
    /// (the API server accepts it; the NodePool controller sets ValidationSucceeded=False and launches no nodes),
    /// AutoModePolicy (an EKS Auto Mode rule of this module) or Input (the input could not be checked).
    /// </summary>
    public string Origin => PolicyRules.OriginOf(RuleId);

    /// <summary>The line the API server would print: <c>path: message</c>.</summary>
    public string ApiServerText => (string.IsNullOrEmpty(Path) ? string.Empty : Path + ": ") + (ApiServerMessage ?? Message);

    public override string ToString() => $"{File ?? "<input>"}:{Line}:{Column}: {Severity} {RuleId}: {ApiServerText}";
}

/// <summary>Options for <see cref="ManifestValidator"/>.</summary>
public sealed class ValidationOptions
{
    public static ValidationOptions Default { get; } = new();

    public ValidationTarget Target { get; init; } = ValidationTarget.Auto;

    /// <summary>Schemas to use instead of the built-in ones for the kinds they define (from <see cref="SchemaSet.LoadCrdFile"/>, or the cluster's CRDs).</summary>
    public SchemaSet? CustomSchemas { get; init; }

    /// <summary>
    /// The bundled OSS Karpenter minor version for EC2NodeClass and NodePool (see <see cref="KarpenterVersions"/>);
    /// null = the newest. Schemas in <see cref="CustomSchemas"/> take precedence for the kinds they define.
    /// </summary>
    public string? KarpenterVersion { get; init; }

    /// <summary>Whether to apply the Auto Mode policy rules (on by default).</summary>
    public bool PolicyRules { get; init; } = true;
}
