using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.NodeClaim;

/// <summary>
/// Replacement capacity, as Auto Mode provides it when a node goes away under running workloads (Karpenter's
/// provisioner + <c>nodeclaim.lifecycle</c>): for each NodeClaim that starts deleting, one NodeClaim of the same
/// pool, instance type, zone and capacity type is created — only while the pool's <c>spec.limits</c> allow one more
/// (usage as <see cref="NodePool.Counter"/> counts it), once the Drain step has passed (when the evicted pods
/// would be pending); a pool at its limits launches nothing, and the launch is owed until the limits allow it (a resumed pool gets its capacity back). The new claim goes Launched (EC2
/// instance running, Node registered NotReady) after the Launch step and Registered/Initialized/Ready (Node Ready)
/// after the Ready step. Static pools (<c>spec.replicas</c>) get no pod-driven replacement: <see cref="NodePool.StaticProvisioning"/>
/// keeps their count and launches through <see cref="Launch"/>.
/// </summary>
internal sealed class Lifecycle(NodePool.Counter counter) : IReconciler
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<(string Pool, NodeSpec Spec, DateTimeOffset Due)> _owed = new();
    private readonly Dictionary<string, (NodeSpec Spec, DateTimeOffset Created)> _launching = new(StringComparer.Ordinal);
    private bool _started;

    public string Name => "nodeclaim.lifecycle";
    public TimeSpan? Period => TimeSpan.FromMilliseconds(250);

    public bool Watches(ResourceType t) => t.Group == "karpenter.sh" && t.Plural is "nodeclaims" or "nodepools";

    public void Reconcile(ReconcileContext ctx)
    {
        var claimType = ctx.Type("karpenter.sh", "nodeclaims");
        var poolType = ctx.Type("karpenter.sh", "nodepools");
        if (claimType == null || poolType == null) return;
        if (!_started)
        {
            // Claims already deleting when the scenario loads are not ours to replace.
            foreach (var c in ctx.Store.Collections[claimType].Items.Values.Where(c => c["metadata"].Str("deletionTimestamp") != null)) _seen.Add(c["metadata"].Str("uid")!);
            _started = true;
        }
        foreach (var claim in ctx.Store.Collections[claimType].Items.Values.Where(c => c["metadata"].Str("deletionTimestamp") != null).ToList())
        {
            if (!_seen.Add(claim["metadata"].Str("uid")!)) continue;
            var pool = claim["metadata"]?["labels"].Str("karpenter.sh/nodepool");
            if (pool == null || claim["status"].Str("providerID") == null) continue; // never launched: nothing to replace
            // A static pool (spec.replicas) is kept at its count by provisioning.static, not by pending pods.
            if (ctx.Store.Collections[poolType].Get(pool)?["spec"]?["replicas"] != null) continue;
            // The provisioner reacts to the pods the drain makes pending: the replacement is due once draining starts.
            _owed.Add((pool, SpecFrom(ctx, claim, pool), ctx.Now + ctx.World.Steps.Drain));
        }
        for (var i = 0; i < _owed.Count; i++)
        {
            var (pool, spec, due) = _owed[i];
            if (ctx.Now < due) continue;
            var poolObj = ctx.Store.Collections[poolType].Get(pool);
            if (poolObj == null) { _owed.RemoveAt(i--); continue; }
            if (!Fits(ctx, poolObj, spec)) continue;
            _owed.RemoveAt(i--);
            Launch(ctx, claimType, poolObj, spec);
        }
        Progress(ctx, claimType);
    }

    private static NodeSpec SpecFrom(ReconcileContext ctx, JsonObject claim, string pool)
    {
        var labels = claim["metadata"]?["labels"];
        var seed = Guid.NewGuid().ToString();
        var zone = labels.Str("topology.kubernetes.io/zone") ?? ctx.Cluster.Region + "a";
        var poolObj = ctx.Store.Collections[ctx.Type("karpenter.sh", "nodepools")!].Get(pool);
        return new NodeSpec
        {
            Flavor = labels.Str("eks.amazonaws.com/compute-type") == "auto" ? NodeFlavor.Auto : NodeFlavor.Karpenter,
            InstanceType = labels.Str("node.kubernetes.io/instance-type") ?? "m5.large",
            Zone = zone,
            CapacityType = labels.Str("karpenter.sh/capacity-type") ?? "on-demand",
            NodePool = pool,
            NodeClass = claim["spec"]?["nodeClassRef"].Str("name") ?? "default",
            PrivateIp = NodeFactory.Ip(seed),
            NodeClaimName = "",
            Ready = false,
            Taints = poolObj?["spec"]?["template"]?["spec"]?["taints"] as JsonArray,
            ExtraLabels = poolObj?["spec"]?["template"]?["metadata"]?["labels"] as JsonObject,
        };
    }

    /// <summary>Whether one more node of this type keeps the pool within every limit it sets (cpu, memory, nodes, pods).</summary>
    private bool Fits(ReconcileContext ctx, JsonObject pool, NodeSpec s)
    {
        if (pool["spec"]?["limits"] is not JsonObject limits) return true;
        var t = ctx.World.Type(s.InstanceType);
        var adds = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            ["cpu"] = Quantity.Parse(t.VCpu.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ["memory"] = Quantity.Parse($"{t.MemoryMiB}Mi"),
            ["nodes"] = Quantity.Parse("1"),
            ["pods"] = Quantity.Parse("110"),
        };
        var used = counter.Usage(ctx).GetValueOrDefault(pool["metadata"].Str("name")!) ?? new Dictionary<string, Quantity>();
        foreach (var (k, v) in limits)
        {
            if (!adds.TryGetValue(k, out var add) || !Quantity.TryParse(v?.ToString(), out var limit)) continue;
            var have = used.TryGetValue(k, out var u) ? u.Value : 0m;
            if (have + add.Value > limit.Value) return false;
        }
        return true;
    }

    /// <summary>Creates a NodeClaim for <paramref name="s"/> now; the Launch and Ready steps then bring up its instance and Node.</summary>
    public void Launch(ReconcileContext ctx, ResourceType claimType, JsonObject pool, NodeSpec s)
    {
        var now = ctx.Now;
        var pool_ = pool["metadata"].Str("name")!;
        string name;
        do name = $"{pool_}-{Ids.Suffix(Guid.NewGuid().ToString())}"; while (ctx.Store.Collections[claimType].Get(name) != null);
        s.NodeClaimName = name;
        s.InstanceId = "i-0" + Ids.Hex("launch" + Guid.NewGuid(), 16);
        s.Launch = now;
        var claim = NodeFactory.NodeClaim(ctx.World, ctx.Cluster, s, pool);
        var meta = claim.EnsureObj("metadata");
        meta["creationTimestamp"] = J.Iso(now);
        meta["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{name}");
        claim["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                NodeFactory.ClaimCond("Launched", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", now),
                NodeFactory.ClaimCond("Registered", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", now),
                NodeFactory.ClaimCond("Initialized", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", now),
                NodeFactory.ClaimCond("Ready", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", now)),
        };
        ctx.Store.Put(claimType, claim);
        _launching[name] = (s, now);
    }

    private void Progress(ReconcileContext ctx, ResourceType claimType)
    {
        var nodeType = ctx.Type("", "nodes")!;
        var now = ctx.Now;
        foreach (var (name, (s, created)) in _launching.ToList())
        {
            var claim = ctx.Store.Collections[claimType].Get(name);
            if (claim == null) { _launching.Remove(name); continue; }
            var pool = ctx.Store.Collections[ctx.Type("karpenter.sh", "nodepools")!].Get(s.NodePool);
            var full = NodeFactory.NodeClaim(ctx.World, ctx.Cluster, s, pool);
            var launched = Termination.Condition(claim, "Launched")?.Str("status") == "True";
            if (!launched && now >= created + ctx.World.Steps.Launch)
            {
                var nodeRole = ctx.Cluster.Eks.Obj("computeConfig").Str("nodeRoleArn") ?? $"arn:aws:iam::{ctx.World.AccountId}:role/{ctx.Cluster.Name}-node-role";
                var instance = NodeFactory.Instance(ctx.World, ctx.Cluster, s, s.Flavor == NodeFlavor.Auto ? nodeRole[(nodeRole.LastIndexOf('/') + 1)..] : $"KarpenterNodeRole-{ctx.Cluster.Name}");
                lock (ctx.World.Instances) ctx.World.Instances.Add(instance);
                var c = (JsonObject)claim.DeepClone();
                foreach (var k in new[] { "allocatable", "capacity", "imageID", "nodeName", "providerID" }) c.EnsureObj("status")[k] = full["status"]![k]!.DeepClone();
                Termination.SetCondition(c, "Launched", "True", "Launched", "", now);
                Termination.SetCondition(c, "Registered", "True", "Registered", "", now);
                ctx.Write(claimType, claim, c);
                var node = NodeFactory.Node(ctx.World, ctx.Cluster, s);
                node.EnsureObj("metadata")["creationTimestamp"] = J.Iso(now);
                node.EnsureObj("metadata")["uid"] = Guid.NewGuid().ToString();
                var labels = node["metadata"]!["labels"] as JsonObject;
                labels?.Remove("karpenter.sh/initialized");
                ctx.Store.Put(nodeType, node);
            }
            else if (launched && now >= created + ctx.World.Steps.Launch + ctx.World.Steps.Ready)
            {
                var node = ctx.Store.Collections[nodeType].Get(s.NodeName);
                if (node != null)
                {
                    s.Ready = true;
                    var ready = NodeFactory.Node(ctx.World, ctx.Cluster, s);
                    var n = (JsonObject)node.DeepClone();
                    n.EnsureObj("status")["conditions"] = ready["status"]!["conditions"]!.DeepClone();
                    // The node lifecycle controller lifts node.kubernetes.io/not-ready once the kubelet reports Ready.
                    if (ready["spec"]?["taints"] is JsonArray { Count: > 0 } taints) n.EnsureObj("spec")["taints"] = taints.DeepClone();
                    else n.EnsureObj("spec").Remove("taints");
                    foreach (var cond in ((JsonArray)n["status"]!["conditions"]!).OfType<JsonObject>()) { cond["lastHeartbeatTime"] = J.Iso(now); cond["lastTransitionTime"] = J.Iso(now); }
                    if (s.Flavor != NodeFlavor.ManagedNodeGroup) n.EnsureObj("metadata").EnsureObj("labels")["karpenter.sh/initialized"] = "true";
                    ctx.Write(nodeType, node, n);
                }
                var c = (JsonObject)claim.DeepClone();
                Termination.SetCondition(c, "Initialized", "True", "Initialized", "", now);
                Termination.SetCondition(c, "Ready", "True", "Ready", "", now);
                ctx.Write(claimType, claim, c);
                _launching.Remove(name);
            }
        }
    }
}
