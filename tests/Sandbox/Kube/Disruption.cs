using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>PodDisruptionBudget arithmetic and eviction as the API server's eviction subresource does it.</summary>
internal static class Disruption
{
    /// <summary>A metav1.LabelSelector object (matchLabels, matchExpressions) as a selector; null selector matches nothing.</summary>
    public static LabelSelector? FromObject(JsonObject? sel)
    {
        if (sel == null) return null;
        var terms = new List<string>();
        if (sel["matchLabels"] is JsonObject ml) terms.AddRange(ml.Select(kv => $"{kv.Key}={kv.Value}"));
        if (sel["matchExpressions"] is JsonArray me)
            foreach (var e in me.OfType<JsonObject>())
            {
                var k = e.Str("key");
                var vals = string.Join(',', e["values"] as JsonArray ?? new JsonArray());
                terms.Add(e.Str("operator") switch
                {
                    "In" => $"{k} in ({vals})",
                    "NotIn" => $"{k} notin ({vals})",
                    "Exists" => k!,
                    "DoesNotExist" => "!" + k,
                    var op => throw new SelectorException($"\"{op}\" is not a valid label selector operator"),
                });
            }
        return LabelSelector.Parse(string.Join(',', terms));
    }

    public static bool Terminating(JsonObject pod) => pod["metadata"]?["deletionTimestamp"] != null;

    public static bool Healthy(JsonObject pod) =>
        !Terminating(pod) && pod["status"].Str("phase") == "Running"
        && (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") == true;

    /// <summary>The budget's numbers from the current pods: (expected, healthy, desiredHealthy, disruptionsAllowed).</summary>
    public static (int Expected, int Healthy, int Desired, int Allowed) Compute(JsonObject pdb, IEnumerable<JsonObject> namespacePods)
    {
        var sel = FromObject(pdb["spec"]?["selector"] as JsonObject);
        var pods = sel == null ? [] : namespacePods.Where(p => !Terminating(p) && sel.Matches(p)).ToList();
        var expected = pods.Count;
        var healthy = pods.Count(Healthy);
        int desired;
        if (pdb["spec"]?["minAvailable"] is { } min) desired = Scaled(min, expected, roundUp: true);
        else if (pdb["spec"]?["maxUnavailable"] is { } max) desired = Math.Max(0, expected - Scaled(max, expected, roundUp: true));
        else desired = expected;
        return (expected, healthy, desired, Math.Max(0, healthy - desired));
    }

    private static int Scaled(JsonNode v, int total, bool roundUp)
    {
        var s = v.ToString();
        if (s.EndsWith('%') && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var pct))
            return (int)(roundUp ? Math.Ceiling(total * pct / 100) : Math.Floor(total * pct / 100));
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>The budgets that select this pod.</summary>
    public static List<JsonObject> BudgetsFor(KubeStore store, JsonObject pod)
    {
        var ns = pod["metadata"].Str("namespace");
        var pdbType = store.Types.FirstOrDefault(t => t.Plural == "poddisruptionbudgets");
        if (pdbType == null) return [];
        return store.Collections[pdbType].Items.Values
            .Where(b => b["metadata"].Str("namespace") == ns && FromObject(b["spec"]?["selector"] as JsonObject) is { } s && s.Matches(pod)).ToList();
    }

    public static IEnumerable<JsonObject> PodsIn(KubeStore store, string? ns)
    {
        var podType = store.Types.First(t => t.Plural == "pods");
        return store.Collections[podType].Enumerate(null, ns, store.Collections[podType].Items.ToArray(), store.Collections[podType].Tombstones).Select(x => x.Obj);
    }

    /// <summary>
    /// Evicts a pod if its budgets allow (caller holds Sync): throws the API server's 429 when a budget forbids, 500
    /// when more than one budget selects the pod. Pods that are not Running (pending, finished) are not protected.
    /// </summary>
    public static void Evict(KubeStore store, JsonObject pod, DateTimeOffset now)
    {
        var podType = store.Types.First(t => t.Plural == "pods");
        var budgets = BudgetsFor(store, pod);
        if (budgets.Count > 1)
            throw new KubeError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        if (budgets.Count == 1 && Healthy(pod))
        {
            var b = budgets[0];
            var (_, healthy, desired, allowed) = Compute(b, PodsIn(store, pod["metadata"].Str("namespace")));
            if (allowed <= 0)
                throw new KubeError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                    new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "DisruptionBudget", ["message"] = $"The disruption budget {b["metadata"].Str("name")} needs {desired} healthy pods and has {healthy} currently" }) });
        }
        var meta = pod["metadata"]!;
        store.Delete(podType, Collection.KeyOf(meta.Str("namespace"), meta.Str("name")!), now);
    }
}
