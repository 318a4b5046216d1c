using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.NodePool;

/// <summary>
/// Karpenter's <c>nodepool.counter</c> (kubernetes-sigs/karpenter pkg/controllers/nodepool/counter, with the
/// cluster-state accounting of pkg/controllers/state, read 2026-12-04): <c>status.resources</c> of each NodePool is
/// cpu / ephemeral-storage / memory / nodes / pods set to "0" and overlaid with the sum over the pool's state nodes
/// (a NodeClaim joined to its Node by providerID, or either alone). Each state node counts 1 node and its capacity:
/// the Node's once initialized, before that the NodeClaim's (Node values where non-zero). Nodes or claims being
/// deleted count nothing. Written only when the value changes.
/// </summary>
internal sealed class Counter : IReconciler
{
    private const string PoolLabel = "karpenter.sh/nodepool";
    private static readonly string[] Base = ["cpu", "ephemeral-storage", "memory", "nodes", "pods"];

    public string Name => "nodepool.counter";
    public TimeSpan? Period => null;

    public bool Watches(ResourceType t) =>
        t.Group == "karpenter.sh" && t.Plural is "nodepools" or "nodeclaims" || t.Group == "" && t.Plural == "nodes";

    public void Reconcile(ReconcileContext ctx)
    {
        var poolType = ctx.Type("karpenter.sh", "nodepools");
        if (poolType == null) return;
        var sums = Usage(ctx);
        foreach (var pool in ctx.List(poolType).ToList())
        {
            var name = pool["metadata"].Str("name")!;
            var resources = new SortedDictionary<string, Quantity>(StringComparer.Ordinal);
            foreach (var b in Base) resources[b] = Quantity.Zero;
            if (sums.TryGetValue(name, out var used))
                foreach (var (k, q) in used) resources[k] = q;
            var json = new JsonObject();
            foreach (var (k, q) in resources) json[k] = q.ToString();
            if (JsonNode.DeepEquals(pool["status"]?["resources"], json)) continue;
            var updated = (JsonObject)pool.DeepClone();
            updated.EnsureObj("status")["resources"] = json;
            ctx.Write(poolType, pool, updated);
        }
    }

    /// <summary>Per pool: resource name → summed quantity (the "nodes" count included).</summary>
    public static Dictionary<string, Dictionary<string, Quantity>> Usage(ReconcileContext ctx)
    {
        var byProvider = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var loose = new List<JsonObject>();
        foreach (var n in ctx.List(ctx.Type("", "nodes")))
        {
            if (n["spec"].Str("providerID") is { Length: > 0 } pid) byProvider[pid] = n;
            else loose.Add(n);
        }
        var sums = new Dictionary<string, Dictionary<string, Quantity>>(StringComparer.Ordinal);
        foreach (var claim in ctx.List(ctx.Type("karpenter.sh", "nodeclaims")))
        {
            JsonObject? node = null;
            if (claim["status"].Str("providerID") is { Length: > 0 } pid && byProvider.Remove(pid, out var n)) node = n;
            Add(sums, claim, node);
        }
        foreach (var n in byProvider.Values.Concat(loose)) Add(sums, null, n);
        return sums;
    }

    private static void Add(Dictionary<string, Dictionary<string, Quantity>> sums, JsonObject? claim, JsonObject? node)
    {
        var labels = (node ?? claim)!["metadata"]?["labels"];
        if (labels.Str(PoolLabel) is not { Length: > 0 } pool) return;
        if (claim?["metadata"].Str("deletionTimestamp") != null || node?["metadata"].Str("deletionTimestamp") != null) return;
        var initialized = claim != null
            ? claim["status"]?["conditions"] is JsonArray conds && conds.Any(c => c.Str("type") == "Initialized" && c.Str("status") == "True")
            : labels.Str("karpenter.sh/initialized") == "true";
        var capacity = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        if (initialized && node != null || claim == null) Read(capacity, node!["status"]?["capacity"], overrideNonZero: true);
        else
        {
            if (node != null) Read(capacity, node["status"]?["capacity"], overrideNonZero: true);
            Read(capacity, claim["status"]?["capacity"], overrideNonZero: false);
        }
        capacity["nodes"] = new Quantity(1, QuantityFormat.DecimalSI);
        if (!sums.TryGetValue(pool, out var sum)) sums[pool] = sum = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (k, q) in capacity) sum[k] = sum.TryGetValue(k, out var cur) ? cur.Add(q) : Quantity.Zero.Add(q);
    }

    private static void Read(Dictionary<string, Quantity> into, JsonNode? list, bool overrideNonZero)
    {
        if (list is not JsonObject o) return;
        foreach (var (k, v) in o)
        {
            if (!Quantity.TryParse(v?.ToString(), out var q)) continue;
            if (overrideNonZero || !into.TryGetValue(k, out var cur) || cur.Value == 0m) into[k] = q;
        }
    }
}
