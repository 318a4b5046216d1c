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
    public string Name => "static.deprovisioning";
    public TimeSpan? Period => null;

    public bool Watches(ResourceType t) => StaticPools.Watches(t);

    public void Reconcile(ReconcileContext ctx)
    {
        foreach (var entry in StaticPools.List(ctx))
        {
            var active = entry.Active;
            var surplus = active.Count - entry.Replicas;
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
            foreach (var (claim, _) in order) ctx.Store.Delete(entry.ClaimType, claim["metadata"].Str("name")!, ctx.Now);
        }
    }
}
