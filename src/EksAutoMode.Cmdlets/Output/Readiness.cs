namespace EksAutoMode;

/// <summary>The verdict of one readiness or IAM check.</summary>
public enum AutoModeCheckStatus
{
    /// <summary>Nothing found that the check looks for.</summary>
    Pass,

    /// <summary>Found: the switch breaks or needs this fixed (see Severity).</summary>
    Fail,

    /// <summary>Found, but informational or partial (read Message).</summary>
    Warn,

    /// <summary>Not evaluated; SkipReason says why (for example no permission to read what the check needs).</summary>
    Skipped,
}

/// <summary>How much a failing check matters for the switch to Auto Mode.</summary>
public enum AutoModeCheckSeverity
{
    Blocker,
    Warning,
    Info,
}

/// <summary>An object that triggered a finding, and the value that did it.</summary>
public sealed class AutoModeCheckEvidence
{
    public string Kind { get; set; } = string.Empty;
    public string? Namespace { get; set; }
    public string Name { get; set; } = string.Empty;
    public string Value { get; set; } = string.Empty;

    public override string ToString() => (Namespace is { Length: > 0 } ns ? $"{Kind}/{ns}/{Name}" : $"{Kind}/{Name}") + (Value.Length > 0 ? $": {Value}" : "");
}

/// <summary>One evaluated check of Test-AutoModeReadiness or Test-AutoModeIamRole.</summary>
public sealed class AutoModeReadinessFinding
{
    public string CheckId { get; set; } = string.Empty;
    public string Category { get; set; } = string.Empty;
    public string Title { get; set; } = string.Empty;
    /// <summary>An AutoModeCheckStatus name (Pass, Fail, Warn, Skipped); a string so ConvertTo-Json writes the name.</summary>
    public string Status { get; set; } = string.Empty;
    /// <summary>An AutoModeCheckSeverity name (Blocker, Warning, Info).</summary>
    public string Severity { get; set; } = string.Empty;
    public string Message { get; set; } = string.Empty;
    public AutoModeCheckEvidence[] Evidence { get; set; } = Array.Empty<AutoModeCheckEvidence>();
    public string Remediation { get; set; } = string.Empty;
    public string DocUrl { get; set; } = string.Empty;

    /// <summary>Why the check was not evaluated (Skipped only).</summary>
    public string? SkipReason { get; set; }

    /// <summary>For IAM findings: the policy JSON (statement or trust policy) to add.</summary>
    public string? PolicyJson { get; set; }

    public string? ClusterName { get; set; }
    public string Source { get; set; } = string.Empty;
    public DateTime AsOf { get; set; }
}

/// <summary>A row of the readiness/IAM check catalogue (-ListAvailable).</summary>
public sealed class AutoModeReadinessCheck
{
    public string Id { get; set; } = string.Empty;
    public string Category { get; set; } = string.Empty;
    public string Title { get; set; } = string.Empty;
    /// <summary>An AutoModeCheckSeverity name (Blocker, Warning, Info).</summary>
    public string Severity { get; set; } = string.Empty;

    /// <summary>Target Kubernetes versions the check applies to ("all", ">= 1.36", "&lt;= 1.35").</summary>
    public string KubernetesVersions { get; set; } = string.Empty;
    public DateTime AppliesSince { get; set; }
    public string Remediation { get; set; } = string.Empty;
    public string DocUrl { get; set; } = string.Empty;
    public string Source { get; set; } = string.Empty;
    public DateTime AsOf { get; set; }
}

/// <summary>An installed EKS add-on or third-party controller and its support for a target Kubernetes version (Get-AutoModeAddonSupport).</summary>
public sealed class AutoModeAddonSupport
{
    public string? ClusterName { get; set; }
    public string Name { get; set; } = string.Empty;

    /// <summary>"EKS add-on", "Helm release", "Deployment", "DaemonSet" or "StatefulSet".</summary>
    public string Source { get; set; } = string.Empty;
    public string? Namespace { get; set; }
    public string? InstalledVersion { get; set; }
    public string TargetKubernetesVersion { get; set; } = string.Empty;

    /// <summary>Whether EKS publishes any version for the target (EKS add-ons only; null when unknown).</summary>
    public bool? CompatibleVersionExists { get; set; }

    /// <summary>Whether the installed version is listed for the target (EKS add-ons only).</summary>
    public bool? InstalledVersionCompatible { get; set; }
    public string[] CompatibleVersions { get; set; } = Array.Empty<string>();
    public string? DefaultVersion { get; set; }
    public bool RedundantUnderAutoMode { get; set; }
    public string Advice { get; set; } = string.Empty;
}
