using System.Collections;
using EksAutoMode.Engine.Inventory;

namespace EksAutoMode.Commands;

/// <summary>Engine inventory records → the output types PowerShell sees (shared by the four inventory cmdlets).</summary>
internal static class InventoryMapping
{
    public static AutoModeCondition[] Conditions(IReadOnlyList<KubernetesCondition> conditions) =>
        conditions.Select(c => new AutoModeCondition { Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, LastTransitionTime = c.LastTransitionTime?.UtcDateTime }).ToArray();

    public static AutoModeDiagnosis[] Diagnosis(IReadOnlyList<DiagnosisFinding> findings) =>
        findings.Select(f => new AutoModeDiagnosis
        {
            Code = f.Code, Severity = f.Severity, Target = f.Target, Message = f.Message, Remediation = f.Remediation,
            Evidence = f.Evidence, DocUrl = f.DocUrl, Source = f.Source, AsOf = f.AsOf,
        }).ToArray();

    public static Hashtable Table(IReadOnlyDictionary<string, string> map)
    {
        var table = new Hashtable(StringComparer.Ordinal);
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            table[k] = v;
        }

        return table;
    }

    public static double? Gib(decimal? bytes) => bytes is { } b ? Math.Round((double)b / (1024d * 1024 * 1024), 2) : null;

    public static AutoModeNodePool ToOutput(NodePoolInfo p) => new()
    {
        ClusterName = p.ClusterName,
        Name = p.Name,
        IsBuiltIn = p.IsBuiltIn,
        IsAutoMode = p.IsAutoMode,
        NodeClass = p.NodeClass,
        NodeClassKind = p.NodeClassKind,
        Weight = p.Weight,
        Replicas = p.Replicas,
        ExpireAfter = p.ExpireAfter,
        ExpireAfterText = p.ExpireAfterText,
        TerminationGracePeriod = p.TerminationGracePeriod,
        MaxNodeLifetime = p.MaxNodeLifetime,
        ConsolidationPolicy = p.ConsolidationPolicy,
        ConsolidateAfter = p.ConsolidateAfter,
        Budgets = p.Budgets.ToArray(),
        Limits = Table(p.Limits),
        Usage = Table(p.Usage),
        CpuLimit = p.CpuLimit is { } cl ? (double)cl : null,
        CpuUsage = p.CpuUsage is { } cu ? (double)cu : null,
        MemoryLimitGiB = Gib(p.MemoryLimit),
        MemoryUsageGiB = Gib(p.MemoryUsage),
        NodeLimit = p.NodeLimit,
        Nodes = p.Nodes,
        AtLimit = p.AtLimit,
        Ready = p.Ready,
        ReadyReason = p.ReadyReason,
        ReadyMessage = p.ReadyMessage,
        Taints = p.Taints.ToArray(),
        Requirements = p.Requirements.ToArray(),
        Conditions = Conditions(p.Conditions),
        CreatedAt = p.CreatedAt?.UtcDateTime,
        Diagnosis = Diagnosis(p.Diagnosis),
    };

    public static AutoModeNodeClass ToOutput(NodeClassInfo c) => new()
    {
        ClusterName = c.ClusterName,
        Name = c.Name,
        Kind = c.Kind,
        IsAutoMode = c.IsAutoMode,
        IsBuiltIn = c.IsBuiltIn,
        Role = c.Role,
        InstanceProfile = c.InstanceProfile,
        Subnets = c.Subnets.ToArray(),
        SubnetZones = c.SubnetZones.ToArray(),
        SecurityGroups = c.SecurityGroups.ToArray(),
        EphemeralStorageSize = c.EphemeralStorageSize,
        EphemeralStorageIops = c.EphemeralStorageIops,
        EphemeralStorageThroughput = c.EphemeralStorageThroughput,
        Tags = Table(c.Tags),
        Ready = c.Ready,
        ReadyReason = c.ReadyReason,
        ReadyMessage = c.ReadyMessage,
        Conditions = Conditions(c.Conditions),
        CreatedAt = c.CreatedAt?.UtcDateTime,
        Diagnosis = Diagnosis(c.Diagnosis),
    };

    public static AutoModeNodeClaim ToOutput(NodeClaimInfo c, DateTimeOffset now) => new()
    {
        ClusterName = c.ClusterName,
        Name = c.Name,
        NodePool = c.NodePool,
        NodeClass = c.NodeClass,
        NodeName = c.NodeName,
        InstanceId = c.InstanceId,
        InstanceType = c.InstanceType,
        CapacityType = ((NodeCapacity)(int)c.CapacityType).ToString(),
        Zone = c.Zone,
        Architecture = c.Architecture,
        Launched = c.Launched,
        Registered = c.Registered,
        Initialized = c.Initialized,
        Ready = c.Ready,
        Drifted = c.Drifted,
        Deleting = c.Deleting,
        WaitingFor = c.Blocking is { } b ? (b.Reason is null ? $"{b.Type}={b.Status}" : $"{b.Type}={b.Status} ({b.Reason})") : null,
        ExpireAfter = c.ExpireAfter,
        CreatedAt = c.CreatedAt?.UtcDateTime,
        Age = c.CreatedAt is { } t ? now - t : null,
        Conditions = Conditions(c.Conditions),
        Diagnosis = Diagnosis(c.Diagnosis),
    };
}
