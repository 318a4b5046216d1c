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
    private int _launched;

    public string Name => "provisioning.static";
    public TimeSpan? Period => null;

    public bool Watches(ResourceType t) => StaticPools.Watches(t);

    public void Reconcile(ReconcileContext ctx)
    {
        foreach (var entry in StaticPools.List(ctx))
        {
            if (entry.Deleting) continue;
            var (pool, name, claims) = (entry.Pool, entry.Name, entry.Claims);
            var want = entry.Replicas - entry.Active.Count;
            if (want <= 0) continue;
            if (pool["spec"]?["limits"]?["nodes"] is { } cap && Quantity.TryParse(cap.ToString(), out var limit))
                want = Math.Min(want, (int)limit.Value - claims.Count);
            for (var i = 0; i < want; i++)
            {
                if (Offering(ctx, pool, name) is not { } spec) break;
                lifecycle.Launch(ctx, entry.ClaimType, pool, spec);
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
