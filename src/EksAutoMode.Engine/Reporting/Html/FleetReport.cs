namespace EksAutoMode.Engine.Reporting.Html;

/// <summary>
/// The content of Export-AutoModeReport: what the HTML page shows and the JSON document holds. Every number
/// carries where it came from (cluster and time of collection, price source and as-of date, file:line).
/// </summary>
public sealed class FleetReport
{
    public string Title { get; init; } = "";
    public DateTimeOffset GeneratedAt { get; init; }
    public string? ToolVersion { get; init; }
    public IReadOnlyList<ReportSourceRow> Sources { get; init; } = Array.Empty<ReportSourceRow>();
    public FleetSection Fleet { get; init; } = new();
    public CostSection Cost { get; init; } = new();
    public ExpirySection Expiry { get; init; } = new();
    public CheckSection Readiness { get; init; } = new();
    public ValidationSection Validation { get; init; } = new();
    public ClaimSection NodeClaims { get; init; } = new();
}

/// <summary>A cluster the numbers came from: read by the report, or piped objects (collection time derived from CreatedAt + Age).</summary>
public sealed record ReportSourceRow(string ClusterName, string Origin, DateTimeOffset? CollectedAt, string CollectedAtBasis, int Nodes, int Pools, int NodeClaims);

public sealed record CountRow(string Key, int Count);

public sealed class FleetSection
{
    public int Nodes { get; init; }
    public int Clusters { get; init; }
    public int AutoModeNodes { get; init; }
    public int ReadyNodes { get; init; }
    public IReadOnlyList<CountRow> ByComputeType { get; init; } = Array.Empty<CountRow>();
    public IReadOnlyList<CountRow> ByNodePool { get; init; } = Array.Empty<CountRow>();
    public IReadOnlyList<CountRow> ByCapacityType { get; init; } = Array.Empty<CountRow>();
    public IReadOnlyList<CountRow> ByArchitecture { get; init; } = Array.Empty<CountRow>();
    public IReadOnlyList<PoolRow> Pools { get; init; } = Array.Empty<PoolRow>();
}

public sealed record PoolRow(string ClusterName, string Name, bool IsAutoMode, bool IsBuiltIn, int Nodes, int? NodeLimit, bool AtLimit, string? ExpireAfter, bool? Ready, IReadOnlyList<string> Diagnosis);

public sealed class CostSection
{
    /// <summary>"Nodes" (priced here from the nodes with the price catalogue), "CostLines" (Measure-AutoModeCost lines as given) or "None".</summary>
    public string Basis { get; init; } = "None";
    public string Period { get; init; } = "";
    public decimal Hours { get; init; }
    public decimal Ec2Discount { get; init; }
    public IReadOnlyList<CostTotalRow> Totals { get; init; } = Array.Empty<CostTotalRow>();
    public IReadOnlyList<CostRow> ByNodePool { get; init; } = Array.Empty<CostRow>();
    public IReadOnlyList<CostRow> ByCapacityType { get; init; } = Array.Empty<CostRow>();

    /// <summary>Distinct price sources behind the numbers (source, as-of date, origin).</summary>
    public IReadOnlyList<string> PriceSources { get; init; } = Array.Empty<string>();

    /// <summary>Nodes that could not be priced (Fargate, hybrid, unknown instance type) and why.</summary>
    public IReadOnlyList<UnpricedRow> Unpriced { get; init; } = Array.Empty<UnpricedRow>();
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
}

public sealed record CostTotalRow(string Currency, int Instances, int FeeInstances, decimal Ec2Cost, decimal FeeCost, decimal TotalCost, decimal? FeePercentOfEc2, DateTimeOffset? AsOf);

public sealed record CostRow(string Currency, string Key, int Instances, decimal Ec2Cost, decimal FeeCost, decimal? FeePercentOfEc2, string PriceSource, DateTimeOffset? AsOf);

public sealed record UnpricedRow(string ClusterName, string Node, string Reason);

public sealed class ExpirySection
{
    public int AutoModeNodes { get; init; }
    public int WithExpiry { get; init; }
    public int NeverExpire { get; init; }
    public int StatefulNodes { get; init; }

    /// <summary>Whether the input said which nodes hold stateful pods (Get-AutoModeNode 's StatefulPods).</summary>
    public bool StatefulKnown { get; init; }
    public string StatefulRule { get; init; } = "";
    public IReadOnlyList<ExpiryDay> Days { get; init; } = Array.Empty<ExpiryDay>();
    public IReadOnlyList<ExpiryNodeRow> Nodes { get; init; } = Array.Empty<ExpiryNodeRow>();
}

/// <summary>One UTC day of the expiry timeline (Overdue: the day is before the report's time).</summary>
public sealed record ExpiryDay(string Date, int Nodes, int StatefulNodes, bool Overdue);

public sealed record ExpiryNodeRow(string ClusterName, string Node, string? NodePool, string? InstanceType, DateTimeOffset ExpiresAt, int Pods, int? StatefulPods);

public sealed class CheckSection
{
    public int Checks { get; init; }
    public int Passed { get; init; }
    public int Skipped { get; init; }
    public IReadOnlyList<CountRow> BySeverity { get; init; } = Array.Empty<CountRow>();

    /// <summary>Fail and Warn results, Blocker first.</summary>
    public IReadOnlyList<CheckRow> Findings { get; init; } = Array.Empty<CheckRow>();
    public IReadOnlyList<string> Sources { get; init; } = Array.Empty<string>();
}

public sealed record CheckRow(string? ClusterName, string CheckId, string Category, string Title, string Status, string Severity, string Message,
    IReadOnlyList<string> Evidence, string Remediation, string DocUrl, string? PolicyJson);

public sealed class ValidationSection
{
    public int Findings { get; init; }
    public int Files { get; init; }
    public IReadOnlyList<CountRow> BySeverity { get; init; } = Array.Empty<CountRow>();

    /// <summary>Error and Warning findings in file, line order (Info lines are only counted).</summary>
    public IReadOnlyList<ValidationRow> Rows { get; init; } = Array.Empty<ValidationRow>();
}

public sealed record ValidationRow(string? File, int Line, int Column, string Severity, string RuleId, string? Kind, string? Name, string FieldPath, string Message, string? Hint, string? SourceUrl);

public sealed class ClaimSection
{
    public int NodeClaims { get; init; }
    public int Stuck { get; init; }
    public string StuckRule { get; init; } = "";
    public IReadOnlyList<StuckClaimRow> StuckClaims { get; init; } = Array.Empty<StuckClaimRow>();

    /// <summary>NodePools and NodeClasses with a diagnosis.</summary>
    public IReadOnlyList<DiagnosedRow> Diagnosed { get; init; } = Array.Empty<DiagnosedRow>();
}

public sealed record StuckClaimRow(string ClusterName, string Name, string? NodePool, string? WaitingFor, DateTimeOffset? CreatedAt, TimeSpan? Age, IReadOnlyList<ReportDiagnosis> Diagnosis);

public sealed record DiagnosedRow(string Kind, string ClusterName, string Name, ReportDiagnosis Diagnosis);
