namespace EksAutoMode;

/// <summary>How serious a validation finding is.</summary>
public enum ValidationSeverity
{
    /// <summary>The API server (or EKS Auto Mode) rejects it, or nodes will not launch.</summary>
    Error,

    /// <summary>Likely wrong or risky; fails the check only with -Strict.</summary>
    Warning,

    /// <summary>For information (including the OK line of -PassThru); never a failure.</summary>
    Info,
}

/// <summary>One problem found by Test-NodeClassSpec, Test-NodePoolSpec or Test-AutoModeManifest (or an OK line with -PassThru).</summary>
public sealed class ValidationFinding
{
    public string RuleId { get; set; } = string.Empty;
    /// <summary>A ValidationSeverity name (Error, Warning, Info); a string so ConvertTo-Json writes the name.</summary>
    public string Severity { get; set; } = string.Empty;
    public string? Kind { get; set; }
    public string? Name { get; set; }

    /// <summary>Field path as the API server prints it, e.g. spec.template.spec.expireAfter or spec.subnetSelectorTerms[0].id.</summary>
    public string Path { get; set; } = string.Empty;
    public string Message { get; set; } = string.Empty;

    /// <summary>The line the API server would print for this finding (<c>path: message</c> in its exact words).</summary>
    public string ApiServerText { get; set; } = string.Empty;
    public string? Hint { get; set; }
    public string? File { get; set; }
    public int Line { get; set; }
    public int Column { get; set; }
    public string? SourceUrl { get; set; }
    public string? AsOf { get; set; }
    public string? ApiVersion { get; set; }

    /// <summary>AutoMode or Karpenter: the world the document was checked for.</summary>
    public string? Target { get; set; }

    /// <summary>
    /// The schema the document was checked against: 'karpenter 1.15 (bundled, as-of …)', 'eks-auto-mode (bundled,
    /// as-of …)', 'cluster &lt;name&gt;' (-ClusterName/-KubeConfigPath) or 'file &lt;path&gt;' (-CrdPath).
    /// </summary>
    public string? SchemaSource { get; set; }

    public int DocumentIndex { get; set; }

    /// <summary>
    /// Who rejects it: ApiServer (kubectl apply fails), KarpenterController (the API server accepts it; the NodePool
    /// controller sets ValidationSucceeded=False and launches no nodes), AutoModePolicy or Input.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>file:line:column: severity ruleId: path: message (the compiler-style line CI logs understand).</summary>
    public override string ToString()
    {
        string where = (File ?? "<input>") + (Line > 0 ? $":{Line}:{Column}" : string.Empty);
        string text = string.IsNullOrEmpty(Path) ? Message : Path + ": " + Message;
        return $"{where}: {Severity.ToLowerInvariant()} {RuleId}: {text}";
    }
}
