using System.Runtime.CompilerServices;
using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Engine.Inventory;

/// <summary>What to read and how.</summary>
public sealed record NodeInventoryOptions
{
    public required string ClusterName { get; init; }

    /// <summary>Region for prices when a node has no region or zone label (the cluster's Region).</summary>
    public string? Region { get; init; }

    /// <summary>Keeps only nodes this predicate accepts (applied before any EC2 call).</summary>
    public Func<NodeInfo, bool>? Filter { get; init; }

    /// <summary>Page size for nodes and NodeClaims (pods are listed in pages 10 times larger, ~10 pods per node).</summary>
    public int PageSize { get; init; } = 500;

    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Progress of one cluster's read (called on a worker thread).</summary>
public sealed record InventoryProgress(string ClusterName, string Stage, int Items, long? Remaining);

/// <summary>
/// Reads every Node of one cluster and joins what is known about it: its NodeClaim and NodePool (expiry, drift),
/// its non-terminal pods (one cluster-wide pod list, not one per node), EC2 (instance facts in batches of up to
/// 1,000 ids; spot prices) and the price catalogue (EC2 on-demand price and the Auto Mode fee, only where Auto Mode
/// launched the instance). Nodes are listed in pages and yielded as each batch is complete.
/// </summary>
public sealed class NodeInventoryReader
{
    private readonly KubernetesListReader _kube;
    private readonly Ec2FactsReader? _ec2;
    private readonly PriceCatalogue _prices;
    private readonly HashSet<string> _spotTypesRead = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), (decimal Price, DateTimeOffset At)> _spot = new();

    /// <param name="ec2">null = offline: no EC2 calls; facts come from labels, prices from the catalogue.</param>
    public NodeInventoryReader(KubernetesListReader kube, Ec2FactsReader? ec2, PriceCatalogue prices)
    {
        _kube = kube;
        _ec2 = ec2;
        _prices = prices;
    }

    /// <summary>Spot nodes whose spot price could not be read (priced at on-demand and labelled Estimated).</summary>
    public int SpotPricesMissing { get; private set; }

    /// <summary>Instance id from a providerID <c>aws:///us-west-2a/i-0123…</c>; null for Fargate/hybrid/other providers.</summary>
    public static string? InstanceIdFromProviderId(string? providerId)
    {
        if (providerId is null || !providerId.StartsWith("aws://", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string last = providerId[(providerId.LastIndexOf('/') + 1)..];
        return last.StartsWith("i-", StringComparison.Ordinal) && last.Length > 2 ? last : null;
    }

    private sealed class PodTotals
    {
        public int Count;
        public int Stateful;
        public decimal Cpu;
        public decimal Memory;
    }

    private sealed record PoolFacts(TimeSpan? ExpireAfter, bool Never, bool IsAutoMode, string? NodeClass);

    public async IAsyncEnumerable<NodeInfo> ReadAsync(NodeInventoryOptions options, IProgress<InventoryProgress>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string cluster = options.ClusterName;
        var pools = new Dictionary<string, PoolFacts>(StringComparer.Ordinal);
        foreach (JsonElement pool in await _kube.ListAllAsync(KubernetesResourceType.NodePools, new KubernetesListOptions { PageSize = options.PageSize, NotFoundIsEmpty = true }, cancellationToken).ConfigureAwait(false))
        {
            NodePoolInfo info = InventoryObjects.ParseNodePool(cluster, pool, null);
            pools[info.Name] = new PoolFacts(info.ExpireAfter, string.Equals(info.ExpireAfterText, "Never", StringComparison.Ordinal), info.IsAutoMode, info.NodeClass);
        }

        // NodeClaims by node name (and instance id, for claims whose node has not registered under that name yet).
        var claims = new Dictionary<string, NodeClaimInfo>(StringComparer.Ordinal);
        await foreach (KubernetesListPage page in _kube.ListAsync(KubernetesResourceType.NodeClaims, new KubernetesListOptions { PageSize = options.PageSize, NotFoundIsEmpty = true }, cancellationToken).ConfigureAwait(false))
        {
            foreach (JsonElement item in page.Items)
            {
                NodeClaimInfo claim = InventoryObjects.ParseNodeClaim(cluster, item);
                if (claim.NodeName is { } node) claims[node] = claim;
                if (claim.InstanceId is { } id) claims.TryAdd(id, claim);
            }

            progress?.Report(new InventoryProgress(cluster, "NodeClaims", page.ItemsSoFar, page.RemainingItemCount));
        }

        // Pods are the bulk (~10 per node): streamed item by item, keeping only the per-node totals, so no page of
        // 5,000 pods is ever held in memory.
        var pods = new Dictionary<string, PodTotals>(StringComparer.Ordinal);
        var podOptions = new KubernetesListOptions { PageSize = options.PageSize * 10 };
        Action<KubernetesListProgress>? podPage = progress is null ? null : p => progress.Report(new InventoryProgress(cluster, "Pods", p.ItemsSoFar, p.RemainingItemCount));
        await foreach (JsonElement pod in _kube.ListItemsAsync(KubernetesResourceType.Pods, podOptions, podPage, cancellationToken).ConfigureAwait(false))
        {
            string? node = pod.Str("spec", "nodeName");
            string? phase = pod.Str("status", "phase");
            if (node is null || phase is "Succeeded" or "Failed")
            {
                continue;
            }

            if (!pods.TryGetValue(node, out PodTotals? totals))
            {
                pods[node] = totals = new PodTotals();
            }

            totals.Count++;
            if (IsStateful(pod))
            {
                totals.Stateful++;
            }

            (decimal cpu, decimal memory) = PodRequests(pod);
            totals.Cpu += cpu;
            totals.Memory += memory;
        }

        var batch = new List<NodeInfo>(Ec2FactsReader.MaxIdsPerCall);
        await foreach (KubernetesListPage page in _kube.ListAsync(KubernetesResourceType.Nodes, new KubernetesListOptions { PageSize = options.PageSize }, cancellationToken).ConfigureAwait(false))
        {
            foreach (JsonElement node in page.Items)
            {
                NodeInfo info = FromNode(cluster, node, claims, pools, pods, options);
                if (options.Filter is null || options.Filter(info))
                {
                    batch.Add(info);
                }
            }

            progress?.Report(new InventoryProgress(cluster, "Nodes", page.ItemsSoFar, page.RemainingItemCount));
            if (batch.Count + options.PageSize > Ec2FactsReader.MaxIdsPerCall)
            {
                foreach (NodeInfo done in await CompleteAsync(batch, options, cancellationToken).ConfigureAwait(false))
                {
                    yield return done;
                }

                batch.Clear();
            }
        }

        foreach (NodeInfo done in await CompleteAsync(batch, options, cancellationToken).ConfigureAwait(false))
        {
            yield return done;
        }
    }

    /// <summary>
    /// Whether a pod keeps state that a node replacement disturbs: owned by a StatefulSet, or mounting a
    /// PersistentVolumeClaim (ephemeral volumes are deleted with the pod, so they do not count).
    /// </summary>
    public static bool IsStateful(JsonElement pod)
    {
        foreach (JsonElement owner in pod.Array("metadata", "ownerReferences"))
        {
            if (owner.Str("kind") == "StatefulSet")
            {
                return true;
            }
        }

        foreach (JsonElement volume in pod.Array("spec", "volumes"))
        {
            if (volume.Str("persistentVolumeClaim", "claimName") is { Length: > 0 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A pod's effective requests as the scheduler counts them: max(sum of containers, largest init container) plus
    /// pod overhead (sidecar init containers with restartPolicy Always add to the sum).
    /// </summary>
    public static (decimal Cpu, decimal Memory) PodRequests(JsonElement pod)
    {
        decimal cpu = 0, memory = 0, initCpu = 0, initMemory = 0;
        foreach (JsonElement c in pod.Array("spec", "containers"))
        {
            cpu += c.Quantity("resources", "requests", "cpu") ?? 0;
            memory += c.Quantity("resources", "requests", "memory") ?? 0;
        }

        foreach (JsonElement c in pod.Array("spec", "initContainers"))
        {
            decimal ic = c.Quantity("resources", "requests", "cpu") ?? 0, im = c.Quantity("resources", "requests", "memory") ?? 0;
            if (c.Str("restartPolicy") == "Always")
            {
                cpu += ic;
                memory += im;
            }
            else
            {
                initCpu = Math.Max(initCpu, ic);
                initMemory = Math.Max(initMemory, im);
            }
        }

        return (Math.Max(cpu, initCpu) + (pod.Quantity("spec", "overhead", "cpu") ?? 0), Math.Max(memory, initMemory) + (pod.Quantity("spec", "overhead", "memory") ?? 0));
    }

    private static NodeInfo FromNode(string cluster, JsonElement node, Dictionary<string, NodeClaimInfo> claims, Dictionary<string, PoolFacts> pools,
        Dictionary<string, PodTotals> pods, NodeInventoryOptions options)
    {
        string name = node.Name();
        var labels = node.Map("metadata", "labels");
        string? providerId = node.Str("spec", "providerID");
        string? instanceId = InstanceIdFromProviderId(providerId);
        claims.TryGetValue(name, out NodeClaimInfo? claim);
        if (claim is null && instanceId is not null)
        {
            claims.TryGetValue(instanceId, out claim);
        }

        claim ??= node.Array("metadata", "ownerReferences").Where(o => o.Str("kind") == "NodeClaim").Select(o => o.Str("name"))
            .Select(n => n is null ? null : claims.Values.FirstOrDefault(c => c.Name == n)).FirstOrDefault(c => c is not null);
        (ComputeType type, string reason) = ComputeTypeResolver.Resolve(labels, providerId, null);
        string? pool = labels.GetValueOrDefault(ComputeTypeResolver.NodePoolLabel) ?? claim?.NodePool;
        string? nodeClass = labels.GetValueOrDefault(ComputeTypeResolver.AutoNodeClassLabel) ?? labels.GetValueOrDefault(ComputeTypeResolver.KarpenterNodeClassLabel) ?? claim?.NodeClass;
        DateTimeOffset? created = node.Time("metadata", "creationTimestamp");
        IReadOnlyList<string> taints = node.Taints("spec", "taints");

        // Expiry: the NodeClaim's expireAfter counts from the NodeClaim's creation (Karpenter v1); the pool's as fallback.
        TimeSpan? expireAfter = claim?.ExpireAfter;
        bool never = string.Equals(claim?.ExpireAfterText, "Never", StringComparison.Ordinal);
        if (expireAfter is null && !never && pool is not null && pools.TryGetValue(pool, out PoolFacts? facts))
        {
            expireAfter = facts.ExpireAfter;
        }

        DateTimeOffset? start = claim?.CreatedAt ?? created;
        DateTimeOffset? expiresAt = expireAfter is { } e && start is { } s ? s + e : null;
        string? zone = labels.GetValueOrDefault("topology.kubernetes.io/zone") ?? labels.GetValueOrDefault("failure-domain.beta.kubernetes.io/zone");
        string? region = labels.GetValueOrDefault("topology.kubernetes.io/region") ?? labels.GetValueOrDefault("failure-domain.beta.kubernetes.io/region")
            ?? (zone is null ? null : PriceCatalogue.RegionOfZone(zone)) ?? options.Region;
        string? capacityLabel = labels.GetValueOrDefault("karpenter.sh/capacity-type")
            ?? labels.GetValueOrDefault("eks.amazonaws.com/capacityType")?.Replace('_', '-');
        pods.TryGetValue(name, out PodTotals? podTotals);
        var conditions = node.Conditions();
        return new NodeInfo
        {
            ClusterName = cluster,
            Name = name,
            InstanceId = instanceId,
            InstanceType = labels.GetValueOrDefault("node.kubernetes.io/instance-type") ?? labels.GetValueOrDefault("beta.kubernetes.io/instance-type") ?? claim?.InstanceType,
            Region = region,
            Zone = zone,
            Architecture = labels.GetValueOrDefault("kubernetes.io/arch") ?? node.Str("status", "nodeInfo", "architecture"),
            CapacityType = InventoryObjects.ParseCapacityType(capacityLabel) is var ct && ct != NodeCapacityType.Unknown ? ct : claim?.CapacityType ?? NodeCapacityType.Unknown,
            ComputeType = type,
            ComputeTypeReason = reason,
            IsAutoModeManaged = type == ComputeType.AutoMode,
            NodePool = pool,
            NodeClass = nodeClass,
            NodeClaim = claim?.Name,
            NodeGroup = labels.GetValueOrDefault(ComputeTypeResolver.NodeGroupLabel),
            FargateProfile = labels.GetValueOrDefault(ComputeTypeResolver.FargateProfileLabel),
            Ready = conditions.State("Ready") == true,
            Cordoned = node.Path("spec", "unschedulable") is { ValueKind: JsonValueKind.True },
            CreatedAt = created,
            Age = created is { } c ? options.Now - c : null,
            ExpireAfter = expireAfter,
            ExpiresAt = expiresAt,
            TimeToExpiry = expiresAt is { } x ? x - options.Now : null,
            Drifted = claim?.Drifted == true,
            Disrupting = claim?.Deleting == true || node.Time("metadata", "deletionTimestamp") is not null
                || taints.Any(t => t.StartsWith("karpenter.sh/disrupted", StringComparison.Ordinal)),
            MaxPods = node.Int("status", "allocatable", "pods") ?? node.Int("status", "capacity", "pods"),
            Pods = podTotals?.Count ?? 0,
            StatefulPods = podTotals?.Stateful ?? 0,
            CpuAllocatable = node.Quantity("status", "allocatable", "cpu"),
            CpuRequested = podTotals?.Cpu ?? 0,
            MemoryAllocatable = node.Quantity("status", "allocatable", "memory"),
            MemoryRequested = podTotals?.Memory ?? 0,
            Taints = taints,
        };
    }

    /// <summary>EC2 facts (one DescribeInstances per ≤1,000 ids), spot prices, then prices and the fee.</summary>
    private async Task<IReadOnlyList<NodeInfo>> CompleteAsync(List<NodeInfo> batch, NodeInventoryOptions options, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return Array.Empty<NodeInfo>();
        }

        IReadOnlyDictionary<string, Ec2InstanceFacts> ec2 = new Dictionary<string, Ec2InstanceFacts>();
        var ids = batch.Select(n => n.InstanceId).OfType<string>().ToList();
        if (_ec2 is not null && ids.Count > 0)
        {
            ec2 = await _ec2.DescribeAsync(ids, cancellationToken).ConfigureAwait(false);
        }

        var merged = batch.Select(n => Merge(n, n.InstanceId is { } id && ec2.TryGetValue(id, out Ec2InstanceFacts? f) ? f : null)).ToList();
        // Spot prices once per instance type for the whole cluster (not once per batch).
        var spotTypes = merged.Where(n => n.CapacityType == NodeCapacityType.Spot && n.InstanceType is not null).Select(n => n.InstanceType!)
            .Where(_spotTypesRead.Add).ToList();
        if (_ec2 is not null && spotTypes.Count > 0)
        {
            foreach (var (key, value) in await _ec2.SpotPricesAsync(spotTypes, options.Now, cancellationToken).ConfigureAwait(false))
            {
                _spot[key] = value;
            }
        }

        return merged.Select(n => Price(n, _spot)).ToList();
    }

    private static NodeInfo Merge(NodeInfo node, Ec2InstanceFacts? ec2)
    {
        if (ec2 is null)
        {
            return node;
        }

        // Labels decide first; EC2 decides nodes the labels leave open (self-managed vs a node group without labels…).
        var labels = new Dictionary<string, string>();
        if (node.ComputeType is ComputeType.AutoMode) labels[ComputeTypeResolver.ComputeTypeLabel] = "auto";
        if (node.ComputeType is ComputeType.Fargate) labels[ComputeTypeResolver.ComputeTypeLabel] = "fargate";
        if (node.ComputeType is ComputeType.Hybrid) labels[ComputeTypeResolver.ComputeTypeLabel] = "hybrid";
        if (node.ComputeType is ComputeType.ManagedNodeGroup) labels[ComputeTypeResolver.NodeGroupLabel] = node.NodeGroup ?? "";
        if (node.ComputeType is ComputeType.Karpenter && node.NodePool is not null) { labels[ComputeTypeResolver.NodePoolLabel] = node.NodePool; labels[ComputeTypeResolver.KarpenterNodeClassLabel] = node.NodeClass ?? ""; }
        (ComputeType type, string reason) = labels.Count > 0 ? (node.ComputeType, node.ComputeTypeReason) : ComputeTypeResolver.Resolve(labels, null, ec2);
        NodeCapacityType capacity = node.CapacityType;
        if (capacity == NodeCapacityType.Unknown)
        {
            capacity = ec2.Lifecycle switch { "spot" => NodeCapacityType.Spot, "capacity-block" => NodeCapacityType.Reserved, _ => NodeCapacityType.OnDemand };
        }

        return node with
        {
            InstanceType = node.InstanceType ?? ec2.InstanceType,
            Zone = node.Zone ?? ec2.Zone,
            Architecture = node.Architecture ?? (ec2.Architecture == "x86_64" ? "amd64" : ec2.Architecture),
            CapacityType = capacity,
            ComputeType = type,
            ComputeTypeReason = reason,
            IsAutoModeManaged = type == ComputeType.AutoMode,
            NodeGroup = node.NodeGroup ?? ec2.Tags.GetValueOrDefault("eks:nodegroup-name"),
            NodePool = node.NodePool ?? ec2.Tags.GetValueOrDefault("eks:kubernetes-node-pool-name") ?? ec2.Tags.GetValueOrDefault("karpenter.sh/nodepool"),
            Ec2OperatorManaged = ec2.OperatorManaged,
            Ec2State = ec2.State,
        };
    }

    private NodeInfo Price(NodeInfo node, IReadOnlyDictionary<(string, string), (decimal Price, DateTimeOffset At)> spot)
    {
        LaunchType launch = ComputeTypeResolver.LaunchTypeOf(node.ComputeType, node.NodePool, node.NodeClass);
        // The fee applies to instances Auto Mode launched; EC2 saying the instance is not an EKS-operated managed
        // instance overrides the labels.
        bool feeApplies = node.ComputeType == ComputeType.AutoMode && node.Ec2OperatorManaged != false
            && FeeApplicability.Decide(launch, assumeAutoMode: false).Applies;
        if (node.InstanceType is null || node.Region is null || node.ComputeType is ComputeType.Fargate or ComputeType.Hybrid)
        {
            return node with { LaunchType = launch, FeeApplies = false, FeeHourly = node.ComputeType is ComputeType.Fargate or ComputeType.Hybrid ? 0m : null, PriceSource = NodePriceSource.None };
        }

        string currency = PriceCatalogue.CurrencyFor(node.Region);
        PriceQuote? onDemand = _prices.FindEc2(node.Region, node.InstanceType);
        decimal? hourly = onDemand?.HourlyPrice;
        decimal? spotPrice = null;
        NodePriceSource source = onDemand is null ? NodePriceSource.None : onDemand.Source == PriceSource.Cache ? NodePriceSource.Cache : NodePriceSource.Embedded;
        DateTimeOffset? asOf = onDemand?.AsOf;
        string? note = onDemand is null ? $"no EC2 price for {node.InstanceType} in {node.Region} in the catalogue" : null;
        if (node.CapacityType == NodeCapacityType.Spot)
        {
            if (node.Zone is not null && spot.TryGetValue((node.InstanceType, node.Zone), out var sp))
            {
                hourly = spotPrice = sp.Price;
                source = NodePriceSource.SpotPriceHistory;
                asOf = sp.At;
                note = null;
            }
            else if (onDemand is not null)
            {
                SpotPricesMissing++;
                source = NodePriceSource.Estimated;
                note = "spot capacity priced at on-demand (no spot price read; an upper bound)";
            }
        }
        else if (node.CapacityType == NodeCapacityType.Reserved && onDemand is not null)
        {
            note = "reserved capacity priced at on-demand";
        }

        decimal? fee = 0m;
        PriceSource feeSource = PriceSource.None;
        if (feeApplies)
        {
            PriceQuote? quote = _prices.FindFee(node.Region, node.InstanceType)
                ?? (onDemand is null ? null : PriceCatalogue.EstimateFee(onDemand.HourlyPrice, currency, onDemand.AsOf));
            fee = quote?.HourlyPrice;
            feeSource = quote?.Source ?? PriceSource.None;
            if (quote is null)
            {
                note = (note is null ? "" : note + "; ") + $"no Auto Mode fee for {node.InstanceType} in {node.Region} (Update-AutoModePriceCache -Region {node.Region})";
            }
        }

        return node with
        {
            LaunchType = launch,
            FeeApplies = feeApplies,
            HourlyPrice = hourly,
            SpotPrice = spotPrice,
            FeeHourly = fee,
            FeeSource = feeSource,
            Currency = currency,
            PriceSource = source,
            PriceAsOf = asOf,
            PriceNote = note,
        };
    }
}
