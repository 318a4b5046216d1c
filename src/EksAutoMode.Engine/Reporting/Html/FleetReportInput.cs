namespace EksAutoMode.Engine.Reporting.Html;

/// <summary>
/// What a fleet report is built from: the module's objects (nodes, pools, classes, NodeClaims, readiness and IAM
/// findings, validation findings, cost lines) in plain engine records, plus the clusters that were read and when.
/// </summary>
public sealed class FleetReportInput
{
    public List<ReportNode> Nodes { get; } = new();
    public List<ReportPool> Pools { get; } = new();
    public List<ReportDiagnosedObject> Classes { get; } = new();
    public List<ReportClaim> Claims { get; } = new();
    public List<ReportCheck> Checks { get; } = new();
    public List<ReportValidation> Validations { get; } = new();
    public List<ReportCostLine> CostLines { get; } = new();

    /// <summary>Clusters read by the report itself, with the time each read finished.</summary>
    public List<ReportClusterRead> Collected { get; } = new();
}

/// <summary>A cluster the report read itself (Export-AutoModeReport -ClusterName).</summary>
public sealed record ReportClusterRead(string ClusterName, DateTimeOffset CollectedAt, string? Region);

/// <summary>One node (Get-AutoModeNode).</summary>
public sealed record ReportNode
{
    public string ClusterName { get; init; } = "";
    public string Name { get; init; } = "";
    public string? InstanceType { get; init; }
    public string? Region { get; init; }
    public string? Zone { get; init; }
    public string? Architecture { get; init; }
    public string ComputeType { get; init; } = "";
    public string CapacityType { get; init; } = "";
    public string LaunchType { get; init; } = "";
    public bool IsAutoModeManaged { get; init; }
    public string? NodePool { get; init; }
    public bool Ready { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public TimeSpan? Age { get; init; }

    /// <summary>When the node reaches its expireAfter; null when it never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public int Pods { get; init; }

    /// <summary>Pods owned by a StatefulSet or mounting a PersistentVolumeClaim; null when the input did not say.</summary>
    public int? StatefulPods { get; init; }
    public decimal? SpotPrice { get; init; }
}

/// <summary>A NodePool (Get-AutoModeNodePool).</summary>
public sealed class ReportPool
{
    public string ClusterName { get; init; } = "";
    public string Name { get; init; } = "";
    public bool IsAutoMode { get; init; }
    public bool IsBuiltIn { get; init; }
    public int Nodes { get; init; }
    public int? NodeLimit { get; init; }
    public bool AtLimit { get; init; }
    public string? ExpireAfterText { get; init; }
    public bool? Ready { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyList<ReportDiagnosis> Diagnosis { get; init; } = Array.Empty<ReportDiagnosis>();
}

/// <summary>A NodeClass or EC2NodeClass (Get-AutoModeNodeClass): only its diagnosis is reported.</summary>
public sealed class ReportDiagnosedObject
{
    public string Kind { get; init; } = "";
    public string ClusterName { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyList<ReportDiagnosis> Diagnosis { get; init; } = Array.Empty<ReportDiagnosis>();
}

/// <summary>One diagnosis of the inventory catalogue (Data/Inventory/diagnosis.yaml).</summary>
public sealed record ReportDiagnosis(string Code, string Severity, string Message, string Evidence, string Remediation, string DocUrl);

/// <summary>A NodeClaim (Get-AutoModeNodeClaim).</summary>
public sealed class ReportClaim
{
    public string ClusterName { get; init; } = "";
    public string Name { get; init; } = "";
    public string? NodePool { get; init; }
    public string? NodeName { get; init; }
    public string? InstanceType { get; init; }
    public bool? Ready { get; init; }
    public bool Deleting { get; init; }
    public string? WaitingFor { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public TimeSpan? Age { get; init; }
    public IReadOnlyList<ReportDiagnosis> Diagnosis { get; init; } = Array.Empty<ReportDiagnosis>();
}

/// <summary>One readiness or IAM check result (Test-AutoModeReadiness, Test-AutoModeIamRole).</summary>
public sealed class ReportCheck
{
    public string? ClusterName { get; init; }
    public string CheckId { get; init; } = "";
    public string Category { get; init; } = "";
    public string Title { get; init; } = "";
    public string Status { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Message { get; init; } = "";
    public IReadOnlyList<string> Evidence { get; init; } = Array.Empty<string>();
    public string Remediation { get; init; } = "";
    public string DocUrl { get; init; } = "";
    public string? PolicyJson { get; init; }
    public string? SkipReason { get; init; }
    public string Source { get; init; } = "";
    public DateTime? AsOf { get; init; }
}

/// <summary>One validation finding (Test-AutoModeManifest, Test-NodeClassSpec, Test-NodePoolSpec).</summary>
public sealed class ReportValidation
{
    public string RuleId { get; init; } = "";
    public string Severity { get; init; } = "";
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string FieldPath { get; init; } = "";
    public string Message { get; init; } = "";
    public string? Hint { get; init; }
    public string? File { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }
    public string? SourceUrl { get; init; }
}

/// <summary>One line of Measure-AutoModeCost.</summary>
public sealed class ReportCostLine
{
    public string InstanceType { get; init; } = "";
    public string? NodePool { get; init; }
    public string Region { get; init; } = "";
    public int Count { get; init; }
    public string CapacityType { get; init; } = "";
    public bool FeeApplies { get; init; }
    public string Period { get; init; } = "";
    public decimal Hours { get; init; }
    public decimal Ec2Cost { get; init; }
    public decimal FeeCost { get; init; }
    public string Currency { get; init; } = "";
    public decimal Ec2Discount { get; init; }
    public string PriceSource { get; init; } = "";
    public DateTimeOffset? AsOf { get; init; }
}
