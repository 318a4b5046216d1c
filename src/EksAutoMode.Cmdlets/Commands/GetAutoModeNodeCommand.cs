using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Infrastructure;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists the Kubernetes nodes of one or more clusters with what decides their cost and life: compute type (Auto
/// Mode, managed node group, self-managed, OSS Karpenter, Fargate, hybrid), pool and class, capacity type, expiry,
/// pods and requests against allocatable, the EC2 price and the Auto Mode fee where it applies.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNode")]
[OutputType(typeof(AutoModeNode))]
public sealed class GetAutoModeNodeCommand : ClusterFanOutCmdlet
{
    private PriceCatalogue _prices = PriceCatalogue.EmbeddedOnly;
    private WildcardPattern[]? _names;
    private WildcardPattern[]? _pools;

    /// <summary>Node names to keep (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>NodePool names to keep (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NodePoolNameCompleter))]
    public string[]? NodePool { get; set; }

    /// <summary>Compute types to keep.</summary>
    [Parameter]
    public NodeComputeType[]? ComputeType { get; set; }

    /// <summary>No EC2 calls: instance facts from labels only, spot nodes priced at on-demand (labelled Estimated).</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    protected override bool WantsAwsForKubeConfig => !Offline.IsPresent;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _prices = PriceCatalogue.Load();
        foreach (EngineException warning in _prices.LoadWarnings)
        {
            WriteWarning(warning.Message);
        }

        _names = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
        _pools = NodePool?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
    }

    protected override async Task ReadClusterAsync(ClusterTarget target, KubernetesListReader reader, ClusterSink sink, CancellationToken cancellationToken)
    {
        var types = ComputeType?.Select(t => (Engine.Inventory.ComputeType)(int)t).ToHashSet();
        WildcardPattern[]? names = _names, pools = _pools;
        Func<NodeInfo, bool>? filter = names is null && pools is null && types is null ? null : node =>
            (names is null || names.Any(p => p.IsMatch(node.Name)))
            && (pools is null || (node.NodePool is { } pool && pools.Any(p => p.IsMatch(pool))))
            && (types is null || types.Contains(node.ComputeType));
        await ReadNodesAsync(target, reader, sink, _prices, Offline.IsPresent, filter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one cluster's nodes (EC2 facts when the target has a session and not offline) and emits them as <see cref="AutoModeNode"/>.</summary>
    internal static async Task ReadNodesAsync(ClusterTarget target, KubernetesListReader reader, ClusterSink sink, PriceCatalogue prices, bool offline,
        Func<NodeInfo, bool>? filter, CancellationToken cancellationToken)
    {
        using Ec2FactsReader? ec2 = target.Session is not null && !offline ? new Ec2FactsReader(target.Session, target.Name) : null;
        if (ec2 is null)
        {
            sink.Verbose($"[{target.Name}] EC2 is not called ({(offline ? "-Offline" : "kubeconfig connection without AWS parameters")}): facts from labels, on-demand prices from the catalogue.");
        }

        var inventory = new NodeInventoryReader(reader, ec2, prices);
        var progress = new Progress(target.Name, sink);
        int count = 0;
        await foreach (NodeInfo node in inventory.ReadAsync(new NodeInventoryOptions { ClusterName = target.Name, Region = target.Session?.Region, Filter = filter },
            progress, cancellationToken).ConfigureAwait(false))
        {
            count++;
            sink.Emit(ToOutput(node));
        }

        sink.Verbose($"[{target.Name}] {count} node(s); {ec2?.CallCount ?? 0} EC2 call(s).");
        if (inventory.SpotPricesMissing > 0)
        {
            sink.Warning($"[{target.Name}] {inventory.SpotPricesMissing} spot node(s) have no spot price{(ec2 is null ? " (EC2 not called)" : "")}: HourlyPrice is the on-demand price (an upper bound), PriceSource = Estimated.");
        }
    }

    /// <summary>Reports page progress without Progress&lt;T&gt;'s synchronization-context capture.</summary>
    private sealed class Progress : IProgress<InventoryProgress>
    {
        private readonly string _cluster;
        private readonly ClusterSink _sink;

        internal Progress(string cluster, ClusterSink sink)
        {
            _cluster = cluster;
            _sink = sink;
        }

        public void Report(InventoryProgress value)
        {
            int? percent = value.Remaining is { } r && value.Items + r > 0 ? (int)(100L * value.Items / (value.Items + r)) : null;
            _sink.Progress(_cluster, $"{value.Stage}: {value.Items} read", percent);
        }
    }

    internal static AutoModeNode ToOutput(NodeInfo n) => new()
    {
        ClusterName = n.ClusterName,
        Name = n.Name,
        InstanceId = n.InstanceId,
        InstanceType = n.InstanceType,
        Region = n.Region,
        Zone = n.Zone,
        Architecture = n.Architecture,
        CapacityType = ((NodeCapacity)(int)n.CapacityType).ToString(),
        ComputeType = ((NodeComputeType)(int)n.ComputeType).ToString(),
        ComputeTypeReason = n.ComputeTypeReason,
        IsAutoModeManaged = n.IsAutoModeManaged,
        LaunchType = n.LaunchType.ToString(),
        NodePool = n.NodePool,
        NodeClass = n.NodeClass,
        NodeClaim = n.NodeClaim,
        NodeGroup = n.NodeGroup,
        FargateProfile = n.FargateProfile,
        Ready = n.Ready,
        Cordoned = n.Cordoned,
        CreatedAt = n.CreatedAt?.UtcDateTime,
        Age = n.Age,
        ExpireAfter = n.ExpireAfter,
        // Nodes that never expire (expireAfter Never, node groups, Fargate…) sort and compare as "later than anything",
        // so Where-Object TimeToExpiry -lt '2.00:00:00' and Sort-Object TimeToExpiry do what a person expects.
        ExpiresAt = n.ExpiresAt?.UtcDateTime ?? DateTime.MaxValue,
        TimeToExpiry = n.TimeToExpiry ?? TimeSpan.MaxValue,
        Drifted = n.Drifted,
        Disrupting = n.Disrupting,
        MaxPods = n.MaxPods,
        Pods = n.Pods,
        StatefulPods = n.StatefulPods,
        CpuAllocatable = n.CpuAllocatable is { } ca ? Math.Round((double)ca, 3) : null,
        CpuRequested = Math.Round((double)n.CpuRequested, 3),
        CpuRequestedPercent = n.CpuAllocatable is { } c && c > 0 ? Math.Round((double)(n.CpuRequested / c * 100), 1) : null,
        MemoryAllocatableGiB = n.MemoryAllocatable is { } ma ? Gib(ma) : null,
        MemoryRequestedGiB = Gib(n.MemoryRequested),
        MemoryRequestedPercent = n.MemoryAllocatable is { } m && m > 0 ? Math.Round((double)(n.MemoryRequested / m * 100), 1) : null,
        HourlyPrice = n.HourlyPrice,
        SpotPrice = n.SpotPrice,
        FeeHourly = n.FeeHourly,
        FeeApplies = n.FeeApplies,
        Currency = n.Currency,
        PriceSource = ((NodePriceSource)(int)n.PriceSource).ToString(),
        FeeSource = n.FeeSource.ToString(),
        PriceAsOf = n.PriceAsOf?.UtcDateTime,
        PriceNote = n.PriceNote,
        Taints = n.Taints.ToArray(),
    };

    private static double Gib(decimal bytes) => Math.Round((double)bytes / (1024d * 1024 * 1024), 2);
}
