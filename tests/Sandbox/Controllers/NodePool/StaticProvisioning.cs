using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.NodePool;

/// <summary>
/// Karpenter's <c>provisioning.static</c> (kubernetes-sigs/karpenter pkg/controllers/static/provisioning, read
/// 2026-12-04; EKS Auto Mode static-capacity pools): a NodePool with <c>spec.replicas</c> keeps that many NodeClaims
/// that are not being deleted. When it has fewer (a claim was deleted, replicas went up, the pool was just created)
/// it launches the difference at once — no pending pods needed — within <c>limits.nodes</c> (claims still
/// terminating count against it). Scale-down is <see cref="StaticDeprovisioning"/>'s job. The offering is the first
/// catalog instance type the pool's requirements allow (on-demand before spot), zones in turn.
/// </summary>
internal sealed class StaticProvisioning(NodeClaim.Lifecycle lifecycle) : IReconciler
{
    private const string PoolLabel = "karpenter.sh/nodepool";
    private int _launched;

    public string Name => "provisioning.static";
    public TimeSpan? Period => null;

    public bool Watches(ResourceType t) => t.Group == "karpenter.sh" && t.Plural is "nodepools" or "nodeclaims";

    public void Reconcile(ReconcileContext ctx)
    {
        var poolType = ctx.Type("karpenter.sh", "nodepools");
        var claimType = ctx.Type("karpenter.sh", "nodeclaims");
        if (poolType == null || claimType == null) return;
        foreach (var pool in ctx.List(poolType).ToList())
        {
            if (pool["spec"]?["replicas"] is not JsonValue r || pool["metadata"].Str("deletionTimestamp") != null) continue;
            var name = pool["metadata"].Str("name")!;
            var claims = ctx.List(claimType).Where(c => c["metadata"]?["labels"].Str(PoolLabel) == name).ToList();
            var active = claims.Count(c => c["metadata"].Str("deletionTimestamp") == null);
            var want = (int)r.GetValue<double>() - active;
            if (want <= 0) continue;
            if (pool["spec"]?["limits"]?["nodes"] is { } cap && Quantity.TryParse(cap.ToString(), out var limit))
                want = Math.Min(want, (int)limit.Value - claims.Count);
            for (var i = 0; i < want; i++)
            {
                if (Offering(ctx, pool, name) is not { } spec) break;
                lifecycle.Launch(ctx, claimType, pool, spec);
            }
        }
    }

    private NodeSpec? Offering(ReconcileContext ctx, JsonObject pool, string name)
    {
        var tspec = pool["spec"]?["template"]?["spec"];
        var reqs = tspec?["requirements"] as JsonArray;
        var nodeClassRef = tspec?["nodeClassRef"];
        var auto = nodeClassRef.Str("group") == "eks.amazonaws.com";
        var zone = ctx.Cluster.Region + (char)('a' + _launched++ % 3);
        foreach (var capacity in new[] { "on-demand", "spot" })
            foreach (var t in ctx.World.InstanceTypes.Values.Where(t => t.Name is not ("fargate" or "hybrid")).OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                var s = new NodeSpec
                {
                    Flavor = auto ? NodeFlavor.Auto : NodeFlavor.Karpenter,
                    InstanceType = t.Name,
                    Zone = zone,
                    CapacityType = capacity,
                    NodePool = name,
                    NodeClass = nodeClassRef.Str("name") ?? "default",
                    PrivateIp = NodeFactory.Ip(Guid.NewGuid().ToString()),
                    Ready = false,
                    Taints = tspec?["taints"] as JsonArray,
                    ExtraLabels = pool["spec"]?["template"]?["metadata"]?["labels"] as JsonObject,
                };
                if (Requirements.Allow(reqs, NodeFactory.InstanceLabels(s, t, auto ? "eks.amazonaws.com" : "karpenter.k8s.aws"))) return s;
            }
        return null;
    }
}
