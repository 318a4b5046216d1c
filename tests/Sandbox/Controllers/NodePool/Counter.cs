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
    public Dictionary<string, Dictionary<string, Quantity>> Usage(ReconcileContext ctx)
    {
        var nodeType = ctx.Type("", "nodes");
        var claimType = ctx.Type("karpenter.sh", "nodeclaims");
        var sums = new Dictionary<string, Dictionary<string, Quantity>>(StringComparer.Ordinal);
        var nodes = new List<JsonObject>();
        var claims = new List<JsonObject>();
        if (nodeType == null) return sums;
        var nodeCol = ctx.Store.Collections[nodeType];
        var claimCol = claimType == null ? null : ctx.Store.Collections[claimType];
        if (nodeCol.Virtual is IVirtualFleet fleet && claimCol != null)
        {
            // Generated pairs: a cached total, less the pairs a write touched (those go through the object path below).
            var touched = new SortedSet<int>();
            foreach (var k in nodeCol.Items.Keys.Concat(nodeCol.Tombstones)) if (nodeCol.VirtualIndex(k) is >= 0 and var i) touched.Add(i);
            foreach (var k in claimCol.Items.Keys.Concat(claimCol.Tombstones))
                if (claimCol.VirtualIndex(k) is >= 0 and var i && i < fleet.Count && fleet.ClaimKey(i) == k) touched.Add(i);
            foreach (var (pool, res) in FleetTotals(fleet)) foreach (var (k, q) in res) AddTo(sums, pool, k, q);
            foreach (var i in touched)
            {
                var (pool, cap) = fleet.Usage(i);
                foreach (var (k, q) in cap) AddTo(sums, pool, k, new Quantity(-q.Value, q.Format));
                AddTo(sums, pool, "nodes", new Quantity(-1, QuantityFormat.DecimalSI));
                if (!nodeCol.Items.ContainsKey(nodeCol.Virtual.KeyAt(i)) && !nodeCol.Tombstones.Contains(nodeCol.Virtual.KeyAt(i))) nodes.Add(nodeCol.Virtual.Create(i));
                var ck = fleet.ClaimKey(i);
                if (!claimCol.Items.ContainsKey(ck) && !claimCol.Tombstones.Contains(ck) && claimCol.Get(ck) is { } vc) claims.Add(vc);
            }
            nodes.AddRange(nodeCol.Items.Values);
            claims.AddRange(claimCol.Items.Values);
        }
        else
        {
            nodes.AddRange(ctx.List(nodeType));
            claims.AddRange(ctx.List(claimType));
        }
        var byProvider = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var loose = new List<JsonObject>();
        foreach (var n in nodes)
        {
            if (n["spec"].Str("providerID") is { Length: > 0 } pid) byProvider[pid] = n;
            else loose.Add(n);
        }
        foreach (var claim in claims)
        {
            JsonObject? node = null;
            if (claim["status"].Str("providerID") is { Length: > 0 } pid && byProvider.Remove(pid, out var n)) node = n;
            Add(sums, claim, node);
        }
        foreach (var n in byProvider.Values.Concat(loose)) Add(sums, null, n);
        return sums;
    }

    private IVirtualFleet? _cachedFleet;
    private Dictionary<string, Dictionary<string, Quantity>>? _cachedTotals;

    /// <summary>The sum over every generated pair, computed once per fleet from its per-index summary (no objects built).</summary>
    private Dictionary<string, Dictionary<string, Quantity>> FleetTotals(IVirtualFleet fleet)
    {
        if (ReferenceEquals(fleet, _cachedFleet) && _cachedTotals != null) return _cachedTotals;
        var totals = new Dictionary<string, Dictionary<string, Quantity>>(StringComparer.Ordinal);
        for (var i = 0; i < fleet.Count; i++)
        {
            var (pool, cap) = fleet.Usage(i);
            foreach (var (k, q) in cap) AddTo(totals, pool, k, q);
            AddTo(totals, pool, "nodes", new Quantity(1, QuantityFormat.DecimalSI));
        }
        _cachedFleet = fleet;
        return _cachedTotals = totals;
    }

    private static void AddTo(Dictionary<string, Dictionary<string, Quantity>> sums, string pool, string key, Quantity q)
    {
        if (!sums.TryGetValue(pool, out var sum)) sums[pool] = sum = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        sum[key] = sum.TryGetValue(key, out var cur) ? cur.Add(q) : Quantity.Zero.Add(q);
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
        foreach (var (k, q) in capacity) AddTo(sums, pool, k, q);
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
