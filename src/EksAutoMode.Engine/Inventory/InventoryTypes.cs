using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Engine.Inventory;

/// <summary>Who launched and manages a node, from its labels and EC2 facts (never from its name).</summary>
public enum ComputeType
{
    AutoMode,
    ManagedNodeGroup,
    SelfManaged,
    Karpenter,
    Fargate,
    Hybrid,
}

/// <summary>Karpenter's capacity types (<c>karpenter.sh/capacity-type</c>); EC2 lifecycle spot / on-demand otherwise.</summary>
public enum NodeCapacityType
{
    Unknown,
    OnDemand,
    Spot,
    Reserved,
}

/// <summary>Where a node's hourly EC2 price came from.</summary>
public enum NodePriceSource
{
    /// <summary>No price (Fargate, hybrid, unknown instance type).</summary>
    None,
    /// <summary>The per-user price cache (Update-AutoModePriceCache).</summary>
    Cache,
    /// <summary>The embedded on-demand price snapshot.</summary>
    Embedded,
    /// <summary>EC2 DescribeSpotPriceHistory, read now.</summary>
    SpotPriceHistory,
    /// <summary>A labelled guess (for example spot priced at on-demand because no spot price could be read).</summary>
    Estimated,
}

/// <summary>A Kubernetes status condition.</summary>
public sealed record KubernetesCondition(string Type, string Status, string? Reason, string? Message, DateTimeOffset? LastTransitionTime)
{
    public bool IsTrue => Status == "True";
}

/// <summary>One finding of the diagnosis catalogue on a NodeClaim, NodePool or NodeClass.</summary>
public sealed record DiagnosisFinding(string Code, string Severity, string Target, string Message, string Remediation, string Evidence, string DocUrl, string Source, DateTime AsOf);

/// <summary>One Kubernetes Node with what EC2, its NodeClaim, its pool and its pods say about it.</summary>
public sealed record NodeInfo
{
    public required string ClusterName { get; init; }
    public required string Name { get; init; }
    public string? InstanceId { get; init; }
    public string? InstanceType { get; init; }
    public string? Region { get; init; }
    public string? Zone { get; init; }
    public string? Architecture { get; init; }
    public NodeCapacityType CapacityType { get; init; }
    public ComputeType ComputeType { get; init; }
    public string ComputeTypeReason { get; init; } = "";
    public bool IsAutoModeManaged { get; init; }
    public string? NodePool { get; init; }
    public string? NodeClass { get; init; }
    public string? NodeClaim { get; init; }
    public string? NodeGroup { get; init; }
    public string? FargateProfile { get; init; }
    public bool Ready { get; init; }
    public bool Cordoned { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public TimeSpan? Age { get; init; }
    public TimeSpan? ExpireAfter { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public TimeSpan? TimeToExpiry { get; init; }
    public bool Drifted { get; init; }
    public bool Disrupting { get; init; }
    public int? MaxPods { get; init; }
    public int Pods { get; init; }
    /// <summary>Running pods owned by a StatefulSet or mounting a PersistentVolumeClaim.</summary>
    public int StatefulPods { get; init; }
    public decimal? CpuAllocatable { get; init; }
    public decimal CpuRequested { get; init; }
    public decimal? MemoryAllocatable { get; init; }
    public decimal MemoryRequested { get; init; }
    public decimal? HourlyPrice { get; init; }
    public decimal? SpotPrice { get; init; }
    public decimal? FeeHourly { get; init; }
    public bool FeeApplies { get; init; }
    public LaunchType LaunchType { get; init; }
    public string? Currency { get; init; }
    public NodePriceSource PriceSource { get; init; }
    public PriceSource FeeSource { get; init; }
    public DateTimeOffset? PriceAsOf { get; init; }
    public string? PriceNote { get; init; }
    public IReadOnlyList<string> Taints { get; init; } = Array.Empty<string>();
    /// <summary>EC2 Operator.Managed of the instance (null when EC2 was not read or does not say).</summary>
    public bool? Ec2OperatorManaged { get; init; }
    public string? Ec2State { get; init; }
}
