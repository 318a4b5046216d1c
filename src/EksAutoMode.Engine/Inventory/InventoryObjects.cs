using System.Text.Json;

namespace EksAutoMode.Engine.Inventory;

/// <summary>A NodePool as the inventory reports it.</summary>
public sealed record NodePoolInfo
{
    public required string ClusterName { get; init; }
    public required string Name { get; init; }
    public bool IsBuiltIn { get; init; }
    /// <summary>True when the pool's NodeClass is an Auto Mode NodeClass (eks.amazonaws.com).</summary>
    public bool IsAutoMode { get; init; }
    public string? NodeClass { get; init; }
    public string? NodeClassKind { get; init; }
    public int? Weight { get; init; }
    public int? Replicas { get; init; }
    public string? ExpireAfterText { get; init; }
    public TimeSpan? ExpireAfter { get; init; }
    public TimeSpan? TerminationGracePeriod { get; init; }
    /// <summary>expireAfter + terminationGracePeriod (Auto Mode applies 24h when unset); null when expireAfter is Never.</summary>
    public TimeSpan? MaxNodeLifetime { get; init; }
    public string? ConsolidationPolicy { get; init; }
    public string? ConsolidateAfter { get; init; }
    public IReadOnlyList<string> Budgets { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, string> Limits { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Usage { get; init; } = new Dictionary<string, string>();
    public decimal? CpuLimit { get; init; }
    public decimal? CpuUsage { get; init; }
    public decimal? MemoryLimit { get; init; }
    public decimal? MemoryUsage { get; init; }
    public int? NodeLimit { get; init; }
    public int Nodes { get; init; }
    public bool? Ready { get; init; }
    public string? ReadyReason { get; init; }
    public string? ReadyMessage { get; init; }
    public IReadOnlyList<string> Taints { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Requirements { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<KubernetesCondition> Conditions { get; init; } = Array.Empty<KubernetesCondition>();
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyList<DiagnosisFinding> Diagnosis { get; init; } = Array.Empty<DiagnosisFinding>();

    /// <summary>True when any limit is reached by the pool's usage (cpu, memory or nodes).</summary>
    public bool AtLimit =>
        (CpuLimit is { } c && CpuUsage is { } cu && cu >= c) || (MemoryLimit is { } m && MemoryUsage is { } mu && mu >= m) || (NodeLimit is { } n && Nodes >= n);
}

/// <summary>An Auto Mode NodeClass or OSS Karpenter EC2NodeClass.</summary>
public sealed record NodeClassInfo
{
    public required string ClusterName { get; init; }
    public required string Name { get; init; }
    /// <summary>NodeClass (eks.amazonaws.com) or EC2NodeClass (karpenter.k8s.aws).</summary>
    public required string Kind { get; init; }
    public bool IsAutoMode => Kind == "NodeClass";
    public bool IsBuiltIn { get; init; }
    public string? Role { get; init; }
    public string? InstanceProfile { get; init; }
    public IReadOnlyList<string> Subnets { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> SubnetZones { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> SecurityGroups { get; init; } = Array.Empty<string>();
    public string? EphemeralStorageSize { get; init; }
    public int? EphemeralStorageIops { get; init; }
    public int? EphemeralStorageThroughput { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public bool? Ready { get; init; }
    public string? ReadyReason { get; init; }
    public string? ReadyMessage { get; init; }
    public IReadOnlyList<KubernetesCondition> Conditions { get; init; } = Array.Empty<KubernetesCondition>();
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyList<DiagnosisFinding> Diagnosis { get; init; } = Array.Empty<DiagnosisFinding>();
}

/// <summary>A NodeClaim with its lifecycle conditions and diagnosis.</summary>
public sealed record NodeClaimInfo
{
    public required string ClusterName { get; init; }
    public required string Name { get; init; }
    public string? NodePool { get; init; }
    public string? NodeClass { get; init; }
    public string? NodeClassKind { get; init; }
    public string? NodeName { get; init; }
    public string? ProviderId { get; init; }
    public string? InstanceId { get; init; }
    public string? InstanceType { get; init; }
    public NodeCapacityType CapacityType { get; init; }
    public string? Zone { get; init; }
    public string? Architecture { get; init; }
    public bool? Launched { get; init; }
    public bool? Registered { get; init; }
    public bool? Initialized { get; init; }
    public bool? Ready { get; init; }
    public bool Drifted { get; init; }
    public bool Deleting { get; init; }
    public string? ExpireAfterText { get; init; }
    public TimeSpan? ExpireAfter { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? DeletionTimestamp { get; init; }
    public IReadOnlyList<KubernetesCondition> Conditions { get; init; } = Array.Empty<KubernetesCondition>();
    public IReadOnlyList<DiagnosisFinding> Diagnosis { get; init; } = Array.Empty<DiagnosisFinding>();

    /// <summary>The first condition that is not True among Launched, Registered, Initialized, Ready (what the claim waits for).</summary>
    public KubernetesCondition? Blocking =>
        new[] { "Launched", "Registered", "Initialized", "Ready" }.Select(t => Conditions.Find(t) ?? new KubernetesCondition(t, "Unknown", null, null, null))
            .FirstOrDefault(c => !c.IsTrue);
}

/// <summary>Parses NodePools, NodeClasses and NodeClaims from their JSON.</summary>
public static class InventoryObjects
{
    /// <summary>Auto Mode applies 24h to each NodeClaim when the pool leaves terminationGracePeriod unset (automode-facts §2).</summary>
    public static readonly TimeSpan AutoModeDefaultGracePeriod = TimeSpan.FromHours(24);

    /// <summary>The karpenter.sh/v1 NodePool CRD's default for spec.template.spec.expireAfter.</summary>
    public const string OssDefaultExpireAfter = "720h";

    public static NodeCapacityType ParseCapacityType(string? text) => text?.ToLowerInvariant() switch
    {
        "on-demand" or "on_demand" or "ondemand" => NodeCapacityType.OnDemand,
        "spot" => NodeCapacityType.Spot,
        "reserved" or "capacity-block" => NodeCapacityType.Reserved,
        _ => NodeCapacityType.Unknown,
    };

    public static NodePoolInfo ParseNodePool(string cluster, JsonElement pool, int? countedNodes)
    {
        JsonElement? spec = pool.Path("spec", "template", "spec");
        string? group = pool.Str("spec", "template", "spec", "nodeClassRef", "group");
        string? classKind = pool.Str("spec", "template", "spec", "nodeClassRef", "kind");
        string? className = pool.Str("spec", "template", "spec", "nodeClassRef", "name");
        bool auto = string.Equals(group, "eks.amazonaws.com", StringComparison.Ordinal);
        string name = pool.Name();
        // The karpenter.sh/v1 NodePool CRD defaults an unset expireAfter to 720h, so an API server never serves an OSS
        // pool without it; a copy that lacks it (a hand-made object, a proxy that drops defaults) still means 720h, not
        // Never. Auto Mode's default for custom pools is not documented (automode-facts §2), so it stays unknown there.
        // Source: https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/apis/crds/karpenter.sh_nodepools.yaml, as of 2026-12-04.
        string? expireText = pool.Str("spec", "template", "spec", "expireAfter") ?? (auto ? null : OssDefaultExpireAfter);
        TimeSpan? expire = GoDuration.Parse(expireText);
        string? graceText = pool.Str("spec", "template", "spec", "terminationGracePeriod");
        TimeSpan? grace = GoDuration.Parse(graceText);
        TimeSpan? effectiveGrace = grace ?? (auto ? AutoModeDefaultGracePeriod : null);
        var conditions = pool.Conditions();
        KubernetesCondition? ready = conditions.Find("Ready");
        var limits = pool.Map("spec", "limits");
        var usage = pool.Map("status", "resources");
        int? statusNodes = pool.Int("status", "nodes") ?? (usage.TryGetValue("nodes", out string? n) && int.TryParse(n, out int ni) ? ni : null);
        var labels = pool.Map("metadata", "labels");
        return new NodePoolInfo
        {
            ClusterName = cluster,
            Name = name,
            IsAutoMode = auto,
            IsBuiltIn = auto && ComputeTypeResolver.BuiltInNodePools.Contains(name, StringComparer.Ordinal) && className == "default",
            NodeClass = className,
            NodeClassKind = classKind,
            Weight = pool.Int("spec", "weight"),
            Replicas = pool.Int("spec", "replicas"),
            ExpireAfterText = expireText,
            ExpireAfter = expire,
            TerminationGracePeriod = effectiveGrace,
            MaxNodeLifetime = expire is { } e ? e + (effectiveGrace ?? TimeSpan.Zero) : null,
            ConsolidationPolicy = pool.Str("spec", "disruption", "consolidationPolicy"),
            ConsolidateAfter = pool.Str("spec", "disruption", "consolidateAfter"),
            Budgets = pool.Array("spec", "disruption", "budgets").Select(b =>
            {
                var parts = new List<string> { "nodes=" + (b.Str("nodes") ?? "10%") };
                if (b.Str("schedule") is { } s) parts.Add("schedule=" + s);
                if (b.Str("duration") is { } d) parts.Add("duration=" + d);
                string reasons = string.Join("/", b.Array("reasons").Select(r => r.GetString()));
                if (reasons.Length > 0) parts.Add("reasons=" + reasons);
                return string.Join(" ", parts);
            }).ToArray(),
            Limits = limits,
            Usage = usage,
            CpuLimit = Kubernetes.KubernetesQuantity.Parse(limits.GetValueOrDefault("cpu")),
            CpuUsage = Kubernetes.KubernetesQuantity.Parse(usage.GetValueOrDefault("cpu")),
            MemoryLimit = Kubernetes.KubernetesQuantity.Parse(limits.GetValueOrDefault("memory")),
            MemoryUsage = Kubernetes.KubernetesQuantity.Parse(usage.GetValueOrDefault("memory")),
            NodeLimit = limits.TryGetValue("nodes", out string? nl) && int.TryParse(nl, out int nli) ? nli : null,
            Nodes = statusNodes ?? countedNodes ?? 0,
            Ready = conditions.State("Ready"),
            ReadyReason = ready?.Reason,
            ReadyMessage = ready?.Message,
            Taints = spec?.Taints("taints") ?? Array.Empty<string>(),
            Requirements = spec?.Requirements("requirements") ?? Array.Empty<string>(),
            Labels = labels,
            Conditions = conditions,
            CreatedAt = pool.Time("metadata", "creationTimestamp"),
        };
    }

    public static NodeClassInfo ParseNodeClass(string cluster, JsonElement nodeClass, string kind)
    {
        var conditions = nodeClass.Conditions();
        KubernetesCondition? ready = conditions.Find("Ready");
        string name = nodeClass.Name();
        JsonElement? storage = kind == "NodeClass" ? nodeClass.Path("spec", "ephemeralStorage") : null;
        string? size = storage?.Str("size");
        if (kind != "NodeClass")
        {
            // EC2NodeClass: the root volume is the block device mapping marked rootVolume (or the first one).
            JsonElement? root = nodeClass.Array("spec", "blockDeviceMappings").Cast<JsonElement?>()
                .FirstOrDefault(b => b!.Value.Str("rootVolume") == "true") ?? nodeClass.Array("spec", "blockDeviceMappings").Cast<JsonElement?>().FirstOrDefault();
            storage = root?.Path("ebs");
            size = storage?.Str("volumeSize");
        }

        return new NodeClassInfo
        {
            ClusterName = cluster,
            Name = name,
            Kind = kind,
            IsBuiltIn = kind == "NodeClass" && name == "default",
            Role = nodeClass.Str("spec", "role"),
            InstanceProfile = nodeClass.Str("status", "instanceProfile") ?? nodeClass.Str("spec", "instanceProfile"),
            Subnets = nodeClass.Array("status", "subnets").Select(s => s.Str("id") ?? "").Where(s => s.Length > 0).ToArray(),
            SubnetZones = nodeClass.Array("status", "subnets").Select(s => s.Str("zone") ?? "").Where(s => s.Length > 0).Distinct().ToArray(),
            SecurityGroups = nodeClass.Array("status", "securityGroups").Select(s => s.Str("id") ?? "").Where(s => s.Length > 0).ToArray(),
            EphemeralStorageSize = size,
            EphemeralStorageIops = storage?.Int("iops"),
            EphemeralStorageThroughput = storage?.Int("throughput"),
            Tags = nodeClass.Map("spec", "tags"),
            Ready = conditions.State("Ready"),
            ReadyReason = ready?.Reason,
            ReadyMessage = ready?.Message,
            Conditions = conditions,
            CreatedAt = nodeClass.Time("metadata", "creationTimestamp"),
        };
    }

    public static NodeClaimInfo ParseNodeClaim(string cluster, JsonElement claim)
    {
        var labels = claim.Map("metadata", "labels");
        var conditions = claim.Conditions();
        string? providerId = claim.Str("status", "providerID");
        string? instanceType = labels.GetValueOrDefault("node.kubernetes.io/instance-type");
        string? capacity = labels.GetValueOrDefault("karpenter.sh/capacity-type");
        // Before launch the labels are not set yet: the single-valued requirement says what was asked for.
        foreach (JsonElement r in claim.Array("spec", "requirements"))
        {
            var values = r.Array("values").Select(v => v.GetString()).ToList();
            if (r.Str("operator") == "In" && values.Count == 1)
            {
                if (instanceType is null && r.Str("key") == "node.kubernetes.io/instance-type") instanceType = values[0];
                if (capacity is null && r.Str("key") == "karpenter.sh/capacity-type") capacity = values[0];
            }
        }

        string? expireText = claim.Str("spec", "expireAfter");
        DateTimeOffset? deletion = claim.Time("metadata", "deletionTimestamp");
        return new NodeClaimInfo
        {
            ClusterName = cluster,
            Name = claim.Name(),
            NodePool = labels.GetValueOrDefault("karpenter.sh/nodepool")
                ?? claim.Array("metadata", "ownerReferences").Where(o => o.Str("kind") == "NodePool").Select(o => o.Str("name")).FirstOrDefault(),
            NodeClass = claim.Str("spec", "nodeClassRef", "name"),
            NodeClassKind = claim.Str("spec", "nodeClassRef", "kind"),
            NodeName = claim.Str("status", "nodeName"),
            ProviderId = providerId,
            InstanceId = NodeInventoryReader.InstanceIdFromProviderId(providerId),
            InstanceType = instanceType,
            CapacityType = ParseCapacityType(capacity),
            Zone = labels.GetValueOrDefault("topology.kubernetes.io/zone"),
            Architecture = labels.GetValueOrDefault("kubernetes.io/arch"),
            Launched = conditions.State("Launched"),
            Registered = conditions.State("Registered"),
            Initialized = conditions.State("Initialized"),
            Ready = conditions.State("Ready"),
            Drifted = conditions.State("Drifted") == true,
            Deleting = deletion is not null,
            ExpireAfterText = expireText,
            ExpireAfter = GoDuration.Parse(expireText),
            CreatedAt = claim.Time("metadata", "creationTimestamp"),
            DeletionTimestamp = deletion,
            Conditions = conditions,
        };
    }
}
