using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.Workloads;

/// <summary>
/// kube-controller-manager's disruption controller: a PodDisruptionBudget's status (expectedPods, currentHealthy,
/// desiredHealthy, disruptionsAllowed) follows its pods — computed the way the eviction subresource decides
/// (<see cref="Disruption.Compute"/>). Scenario budgets are taken as written until a pod or budget changes at run
/// time; written only when a number differs.
/// </summary>
internal sealed class DisruptionBudgets : IReconciler
{
    private bool _started;

    public string Name => "disruption";
    public TimeSpan? Period => null;

    public bool Watches(ResourceType t) => t.Group == "" && t.Plural == "pods" || t.Group == "policy" && t.Plural == "poddisruptionbudgets";

    public void Reconcile(ReconcileContext ctx)
    {
        if (!_started) { _started = true; return; }
        var type = ctx.Type("policy", "poddisruptionbudgets");
        if (type == null) return;
        foreach (var pdb in ctx.Store.Collections[type].Items.Values.ToList())
        {
            var (expected, healthy, desired, allowed) = Disruption.Compute(pdb, Disruption.PodsIn(ctx.Store, pdb["metadata"].Str("namespace")));
            var updated = (JsonObject)pdb.DeepClone();
            var st = updated.EnsureObj("status");
            st["expectedPods"] = expected;
            st["currentHealthy"] = healthy;
            st["desiredHealthy"] = desired;
            st["disruptionsAllowed"] = allowed;
            st["observedGeneration"] = pdb["metadata"].Long("generation") ?? 1;
            ctx.Write(type, pdb, updated);
        }
    }
}
