using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.NodePool;

/// <summary>
/// Karpenter's <c>static.deprovisioning</c> (kubernetes-sigs/karpenter pkg/controllers/static/deprovisioning, read
/// 2026-12-04): when a static NodePool has more NodeClaims that are not being deleted than <c>spec.replicas</c>
/// (replicas lowered, e.g. to 0 for a nightly stop), it deletes the surplus — claims that never launched first, then
/// empty nodes, then nodes without <c>karpenter.sh/do-not-disrupt</c> pods, fewest pods first. Deleted claims drain
/// through <see cref="NodeClaim.Termination"/>, so PDBs and do-not-disrupt still hold them there.
/// </summary>
internal sealed class StaticDeprovisioning : IReconciler
{
    private const string PoolLabel = "karpenter.sh/nodepool";

    public string Name => "static.deprovisioning";
    public TimeSpan? Period => null;

    public bool Watches(ResourceType t) => t.Group == "karpenter.sh" && t.Plural is "nodepools" or "nodeclaims";

    public void Reconcile(ReconcileContext ctx)
    {
        var poolType = ctx.Type("karpenter.sh", "nodepools");
        var claimType = ctx.Type("karpenter.sh", "nodeclaims");
        if (poolType == null || claimType == null) return;
        foreach (var pool in ctx.List(poolType).ToList())
        {
            if (pool["spec"]?["replicas"] is not System.Text.Json.Nodes.JsonValue r) continue;
            var name = pool["metadata"].Str("name")!;
            var active = ctx.List(claimType).Where(c => c["metadata"]?["labels"].Str(PoolLabel) == name && c["metadata"].Str("deletionTimestamp") == null).ToList();
            var surplus = active.Count - (int)r.GetValue<double>();
            if (surplus <= 0) continue;
            var pods = Disruption.PodsIn(ctx.Store, null).Where(p => p["spec"].Str("nodeName") != null && NodeClaim.Termination.Drainable(p))
                .GroupBy(p => p["spec"].Str("nodeName")!).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var order = active
                .Select(c => (Claim: c, Pods: c["status"].Str("nodeName") is { } n ? pods.GetValueOrDefault(n) ?? [] : []))
                .OrderBy(x => x.Claim["status"].Str("providerID") == null ? 0 : 1)
                .ThenBy(x => x.Pods.Any(p => p["metadata"]?["annotations"].Str(NodeClaim.Termination.DoNotDisrupt) == "true") ? 1 : 0)
                .ThenBy(x => x.Pods.Count)
                .ThenBy(x => x.Claim["metadata"].Str("name"), StringComparer.Ordinal)
                .Take(surplus).ToList();
            foreach (var (claim, _) in order) ctx.Store.Delete(claimType, claim["metadata"].Str("name")!, ctx.Now);
        }
    }
}
