namespace EksAutoMode;

/// <summary>Who launched and manages a node (from labels and EC2 facts, never from names).</summary>
public enum NodeComputeType
{
    AutoMode,
    ManagedNodeGroup,
    SelfManaged,
    Karpenter,
    Fargate,
    Hybrid,
}

/// <summary>Karpenter capacity type of a node (karpenter.sh/capacity-type, or EC2's instance lifecycle).</summary>
public enum NodeCapacity
{
    Unknown,
    OnDemand,
    Spot,
    Reserved,
}

/// <summary>Where a node's HourlyPrice came from.</summary>
public enum NodePriceSource
{
    None,
    Cache,
    Embedded,
    SpotPriceHistory,
    Estimated,
}

/// <summary>A Kubernetes status condition.</summary>
public sealed class AutoModeCondition
{
    public string Type { get; set; } = string.Empty;
    public string Status { get; set; } = string.Empty;
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public DateTime? LastTransitionTime { get; set; }

    public override string ToString() => Reason is null ? $"{Type}={Status}" : $"{Type}={Status} ({Reason})";
}

/// <summary>One diagnosis finding (Data/Inventory/diagnosis.yaml) on a NodeClaim, NodePool or NodeClass.</summary>
public sealed class AutoModeDiagnosis
{
    public string Code { get; set; } = string.Empty;
    public string Severity { get; set; } = string.Empty;
    public string Target { get; set; } = string.Empty;
    public string Message { get; set; } = string.Empty;
    public string Remediation { get; set; } = string.Empty;
    public string Evidence { get; set; } = string.Empty;
    public string DocUrl { get; set; } = string.Empty;
    public string Source { get; set; } = string.Empty;
    public DateTime AsOf { get; set; }

    public override string ToString() => Code;
}

/// <summary>One Kubernetes node of a cluster (Get-AutoModeNode).</summary>
public sealed class AutoModeNode
{
    public string ClusterName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string? InstanceId { get; set; }
    public string? InstanceType { get; set; }
    public string? Region { get; set; }
    public string? Zone { get; set; }
    public string? Architecture { get; set; }
    /// <summary>A NodeCapacity name (Unknown, OnDemand, Spot, Reserved); a string so ConvertTo-Json writes the name.</summary>
    public string CapacityType { get; set; } = string.Empty;
    /// <summary>A NodeComputeType name (AutoMode, ManagedNodeGroup, SelfManaged, Karpenter, Fargate, Hybrid).</summary>
    public string ComputeType { get; set; } = string.Empty;
    public string ComputeTypeReason { get; set; } = string.Empty;
    public bool IsAutoModeManaged { get; set; }
    /// <summary>The pricing launch type (read by Measure-AutoModeCost): AutoModeBuiltIn, AutoModeCustom, ManagedNodeGroup, SelfManaged, Karpenter, Fargate.</summary>
    public string LaunchType { get; set; } = string.Empty;
    public string? NodePool { get; set; }
    public string? NodeClass { get; set; }
    public string? NodeClaim { get; set; }
    public string? NodeGroup { get; set; }
    public string? FargateProfile { get; set; }
    public bool Ready { get; set; }
    public bool Cordoned { get; set; }
    public DateTime? CreatedAt { get; set; }
    public TimeSpan? Age { get; set; }
    /// <summary>The pool's (NodeClaim's) expireAfter; null = Never or unknown.</summary>
    public TimeSpan? ExpireAfter { get; set; }
    /// <summary>When the node reaches its expireAfter; DateTime.MaxValue when it never expires.</summary>
    public DateTime ExpiresAt { get; set; }
    /// <summary>Time left until ExpiresAt; TimeSpan.MaxValue when the node never expires (so comparisons and sorting work).</summary>
    public TimeSpan TimeToExpiry { get; set; }
    public bool Drifted { get; set; }
    public bool Disrupting { get; set; }
    public int? MaxPods { get; set; }
    public int Pods { get; set; }
    /// <summary>Running pods owned by a StatefulSet or mounting a PersistentVolumeClaim (a replacement moves their state).</summary>
    public int StatefulPods { get; set; }
    public double? CpuAllocatable { get; set; }
    public double CpuRequested { get; set; }
    public double? CpuRequestedPercent { get; set; }
    public double? MemoryAllocatableGiB { get; set; }
    public double MemoryRequestedGiB { get; set; }
    public double? MemoryRequestedPercent { get; set; }
    /// <summary>EC2 hourly price: on-demand from the price catalogue, spot from DescribeSpotPriceHistory.</summary>
    public decimal? HourlyPrice { get; set; }
    /// <summary>The spot price when the node is spot and one was read (Measure-AutoModeCost reads it).</summary>
    public decimal? SpotPrice { get; set; }
    public decimal? FeeHourly { get; set; }
    public bool FeeApplies { get; set; }
    public string? Currency { get; set; }
    /// <summary>A NodePriceSource name (None, Cache, Embedded, SpotPriceHistory, Estimated).</summary>
    public string PriceSource { get; set; } = string.Empty;
    public string FeeSource { get; set; } = string.Empty;
    public DateTime? PriceAsOf { get; set; }
    public string? PriceNote { get; set; }
    public string[] Taints { get; set; } = Array.Empty<string>();

    public override string ToString() => Name;
}

/// <summary>A NodePool (Get-AutoModeNodePool).</summary>
public sealed class AutoModeNodePool
{
    public string ClusterName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public bool IsBuiltIn { get; set; }
    public bool IsAutoMode { get; set; }
    public string? NodeClass { get; set; }
    public string? NodeClassKind { get; set; }
    public int? Weight { get; set; }
    public int? Replicas { get; set; }
    public TimeSpan? ExpireAfter { get; set; }
    /// <summary>expireAfter as written (336h, Never).</summary>
    public string? ExpireAfterText { get; set; }
    public TimeSpan? TerminationGracePeriod { get; set; }
    /// <summary>expireAfter + terminationGracePeriod: the longest a node of this pool lives (Auto Mode caps it at 21 days).</summary>
    public TimeSpan? MaxNodeLifetime { get; set; }
    public string? ConsolidationPolicy { get; set; }
    public string? ConsolidateAfter { get; set; }
    public string[] Budgets { get; set; } = Array.Empty<string>();
    public System.Collections.Hashtable Limits { get; set; } = new();
    public System.Collections.Hashtable Usage { get; set; } = new();
    public double? CpuLimit { get; set; }
    public double? CpuUsage { get; set; }
    public double? MemoryLimitGiB { get; set; }
    public double? MemoryUsageGiB { get; set; }
    public int? NodeLimit { get; set; }
    public int Nodes { get; set; }
    public bool AtLimit { get; set; }
    public bool? Ready { get; set; }
    public string? ReadyReason { get; set; }
    public string? ReadyMessage { get; set; }
    public string[] Taints { get; set; } = Array.Empty<string>();
    public string[] Requirements { get; set; } = Array.Empty<string>();
    public AutoModeCondition[] Conditions { get; set; } = Array.Empty<AutoModeCondition>();
    public DateTime? CreatedAt { get; set; }
    public AutoModeDiagnosis[] Diagnosis { get; set; } = Array.Empty<AutoModeDiagnosis>();

    public override string ToString() => Name;
}

/// <summary>A NodeClass or EC2NodeClass (Get-AutoModeNodeClass).</summary>
public sealed class AutoModeNodeClass
{
    public string ClusterName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string Kind { get; set; } = string.Empty;
    public bool IsAutoMode { get; set; }
    public bool IsBuiltIn { get; set; }
    public string? Role { get; set; }
    public string? InstanceProfile { get; set; }
    public string[] Subnets { get; set; } = Array.Empty<string>();
    public string[] SubnetZones { get; set; } = Array.Empty<string>();
    public string[] SecurityGroups { get; set; } = Array.Empty<string>();
    public string? EphemeralStorageSize { get; set; }
    public int? EphemeralStorageIops { get; set; }
    public int? EphemeralStorageThroughput { get; set; }
    public System.Collections.Hashtable Tags { get; set; } = new();
    public bool? Ready { get; set; }
    public string? ReadyReason { get; set; }
    public string? ReadyMessage { get; set; }
    public AutoModeCondition[] Conditions { get; set; } = Array.Empty<AutoModeCondition>();
    public DateTime? CreatedAt { get; set; }
    public AutoModeDiagnosis[] Diagnosis { get; set; } = Array.Empty<AutoModeDiagnosis>();

    public override string ToString() => Name;
}

/// <summary>A NodeClaim with its lifecycle and diagnosis (Get-AutoModeNodeClaim).</summary>
public sealed class AutoModeNodeClaim
{
    public string ClusterName { get; set; } = string.Empty;
    public string Name { get; set; } = string.Empty;
    public string? NodePool { get; set; }
    public string? NodeClass { get; set; }
    public string? NodeName { get; set; }
    public string? InstanceId { get; set; }
    public string? InstanceType { get; set; }
    /// <summary>A NodeCapacity name (Unknown, OnDemand, Spot, Reserved).</summary>
    public string CapacityType { get; set; } = string.Empty;
    public string? Zone { get; set; }
    public string? Architecture { get; set; }
    public bool? Launched { get; set; }
    public bool? Registered { get; set; }
    public bool? Initialized { get; set; }
    public bool? Ready { get; set; }
    public bool Drifted { get; set; }
    public bool Deleting { get; set; }
    /// <summary>The first lifecycle condition that is not True (what the claim waits for), e.g. "Launched=Unknown (Unauthorized)".</summary>
    public string? WaitingFor { get; set; }
    public TimeSpan? ExpireAfter { get; set; }
    public DateTime? CreatedAt { get; set; }
    public TimeSpan? Age { get; set; }
    public AutoModeCondition[] Conditions { get; set; } = Array.Empty<AutoModeCondition>();
    public AutoModeDiagnosis[] Diagnosis { get; set; } = Array.Empty<AutoModeDiagnosis>();

    public override string ToString() => Name;
}
