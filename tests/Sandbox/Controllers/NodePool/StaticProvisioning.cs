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
        var nodeClassRef = tspec?["nodeClassRef"];
        var flavor = nodeClassRef.Str("group") == "eks.amazonaws.com" ? NodeFlavor.Auto : NodeFlavor.Karpenter;
        var nodeClass = nodeClassRef.Str("name") ?? "default";
        var offers = Generator.Offerings(ctx.World, ctx.Cluster, tspec?["requirements"] as JsonArray, name, nodeClass, flavor);
        if (offers.Count == 0) return null;
        // On-demand before spot; the zone moves on with each launch, as Karpenter spreads a pool.
        var zone = Generator.Zones(ctx.Cluster)[_launched++ % 3];
        var list = offers.Any(o => o.Capacity == "on-demand") ? offers.Where(o => o.Capacity == "on-demand").ToList() : offers;
        var (type, capacity, z) = list.FirstOrDefault(o => o.Zone == zone) is { Type: not null } inZone ? inZone : list[0];
        return new NodeSpec
        {
            Flavor = flavor,
            InstanceType = type,
            Zone = z,
            CapacityType = capacity,
            NodePool = name,
            NodeClass = nodeClass,
            PrivateIp = NodeFactory.Ip(Guid.NewGuid().ToString()),
            Ready = false,
            Taints = tspec?["taints"] as JsonArray,
            ExtraLabels = pool["spec"]?["template"]?["metadata"]?["labels"] as JsonObject,
        };
    }
}
