using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Controllers.NodeClaim;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.Workloads;

/// <summary>
/// The parts of kube-controller-manager, the scheduler and the kubelet that a drain exercises: a ReplicaSet or
/// StatefulSet that lost pods at run time gets new ones (Pending), the scheduler binds Pending pods to a Ready,
/// untainted, schedulable node with room (pods and CPU requests against allocatable, nodeSelector, tolerations),
/// and the kubelet starts a bound pod (Running, Ready) after the PodStart step. Whatever a scenario declares as
/// it is (a ReplicaSet short of pods, a pod stuck Pending) is left alone: only deficits that arise after start-up
/// are filled, and only pods without scheduling history are scheduled.
/// </summary>
internal sealed class Pods : IReconciler
{
    private Dictionary<string, int>? _baseline;
    private readonly Dictionary<string, DateTimeOffset> _bound = new(StringComparer.Ordinal);
    private long _lastRv = -1;

    public string Name => "workloads.pods";
    public TimeSpan? Period => TimeSpan.FromMilliseconds(250);

    public bool Watches(ResourceType t) => t.Group == "" && t.Plural is "pods" or "nodes" || t.Group == "apps" && t.Plural is "replicasets" or "statefulsets";

    public void Reconcile(ReconcileContext ctx)
    {
        var podType = ctx.Type("", "pods");
        if (podType == null) return;
        // Timer runs with nothing new and nothing waiting to start cost nothing (large generated clusters stay idle).
        if (_lastRv == ctx.Store.ResourceVersion && _bound.Count == 0) return;
        _lastRv = ctx.Store.ResourceVersion;
        var pods = ctx.List(podType).ToList();
        var deficits = Deficits(ctx, pods);
        if (_baseline == null)
        {
            _baseline = deficits.ToDictionary(d => d.Key, d => d.Value.Missing.Count, StringComparer.Ordinal);
            return;
        }
        foreach (var (key, (owner, kind, missing)) in deficits)
        {
            var extra = missing.Count - _baseline.GetValueOrDefault(key);
            foreach (var name in missing.Take(Math.Max(0, extra))) CreatePod(ctx, podType, owner, kind, name);
        }
        Schedule(ctx, podType);
        Start(ctx, podType);
    }

    /// <summary>Per owner ("kind/ns/name"): the pod names it lacks (generated names for ReplicaSets, ordinals for StatefulSets).</summary>
    private static Dictionary<string, (JsonObject Owner, string Kind, List<string?> Missing)> Deficits(ReconcileContext ctx, List<JsonObject> pods)
    {
        var result = new Dictionary<string, (JsonObject, string, List<string?>)>(StringComparer.Ordinal);
        var owned = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var p in pods.Where(p => !Disruption.Terminating(p)))
            foreach (var o in (p["metadata"]?["ownerReferences"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                var k = $"{o.Str("kind")}/{p["metadata"].Str("namespace")}/{o.Str("name")}";
                if (!owned.TryGetValue(k, out var l)) owned[k] = l = new List<JsonObject>();
                l.Add(p);
            }
        foreach (var kind in new[] { "ReplicaSet", "StatefulSet" })
        {
            var type = ctx.Type("apps", kind == "ReplicaSet" ? "replicasets" : "statefulsets");
            foreach (var o in ctx.List(type))
            {
                var ns = o["metadata"].Str("namespace");
                var name = o["metadata"].Str("name")!;
                var key = $"{kind}/{ns}/{name}";
                var replicas = (int)(o["spec"].Long("replicas") ?? 1);
                var have = owned.GetValueOrDefault(key) ?? [];
                var missing = new List<string?>();
                if (kind == "ReplicaSet")
                    for (var i = have.Count; i < replicas; i++) missing.Add(null);
                else
                {
                    var names = have.Select(p => p["metadata"].Str("name")).ToHashSet();
                    for (var i = 0; i < replicas; i++) if (!names.Contains($"{name}-{i}") && !Exists(ctx, ns, $"{name}-{i}")) missing.Add($"{name}-{i}");
                }
                result[key] = (o, kind, missing);
            }
        }
        return result;
    }

    private static bool Exists(ReconcileContext ctx, string? ns, string name) => ctx.Store.Collections[ctx.Type("", "pods")!].Get(Collection.KeyOf(ns, name)) != null;

    private static void CreatePod(ReconcileContext ctx, ResourceType podType, JsonObject owner, string kind, string? name)
    {
        var ns = owner["metadata"].Str("namespace")!;
        var ownerName = owner["metadata"].Str("name")!;
        name ??= $"{ownerName}-{Ids.Suffix(Guid.NewGuid().ToString())}";
        var template = owner["spec"]?["template"] as JsonObject ?? new JsonObject();
        var spec = (JsonObject?)template["spec"]?.DeepClone() ?? new JsonObject();
        spec.Remove("nodeName");
        spec["restartPolicy"] ??= "Always";
        spec["schedulerName"] ??= "default-scheduler";
        spec["serviceAccountName"] ??= "default";
        var meta = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = Guid.NewGuid().ToString(),
            ["creationTimestamp"] = J.Iso(ctx.Now),
            ["labels"] = template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = kind, ["name"] = ownerName, ["uid"] = owner["metadata"].Str("uid"), ["controller"] = true, ["blockOwnerDeletion"] = true }),
        };
        if (template["metadata"]?["annotations"] is JsonObject ann) meta["annotations"] = ann.DeepClone();
        ctx.Store.Put(podType, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec, ["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "Burstable" } });
    }

    /// <summary>Pods the scheduler owns: Pending, unbound, and either never looked at or marked Unschedulable.</summary>
    private static bool Unscheduled(JsonObject p) =>
        p["status"].Str("phase") == "Pending" && p["spec"].Str("nodeName") == null && !Disruption.Terminating(p)
        && (p["status"]?["conditions"] is not JsonArray conds || conds.OfType<JsonObject>().All(c => c.Str("type") == "PodScheduled" && c.Str("status") == "False"));

    private void Schedule(ReconcileContext ctx, ResourceType podType)
    {
        var pending = ctx.List(podType).Where(Unscheduled).ToList();
        if (pending.Count == 0) return;
        var nodeType = ctx.Type("", "nodes")!;
        var nodes = ctx.List(nodeType).Where(n => n["metadata"].Str("deletionTimestamp") == null && n["spec"]?["unschedulable"]?.ToString() != "true"
            && Termination.Condition(n, "Ready")?.Str("status") == "True").ToList();
        var load = new Dictionary<string, (int Pods, decimal Cpu)>(StringComparer.Ordinal);
        foreach (var p in ctx.List(podType).Where(p => p["spec"].Str("nodeName") != null && !Disruption.Terminating(p) && p["status"].Str("phase") is not ("Succeeded" or "Failed")))
        {
            var n = p["spec"].Str("nodeName")!;
            var cur = load.GetValueOrDefault(n);
            load[n] = (cur.Pods + 1, cur.Cpu + CpuRequest(p));
        }
        foreach (var pod in pending)
        {
            var cpu = CpuRequest(pod);
            var fit = nodes.Where(n => Fits(pod, n, load.GetValueOrDefault(n["metadata"].Str("name")!), cpu))
                .OrderBy(n => load.GetValueOrDefault(n["metadata"].Str("name")!).Pods).ThenBy(n => n["metadata"].Str("name"), StringComparer.Ordinal).FirstOrDefault();
            var updated = (JsonObject)pod.DeepClone();
            if (fit == null)
            {
                Termination.SetCondition(updated, "PodScheduled", "False", "Unschedulable",
                    $"0/{ctx.List(nodeType).Count()} nodes are available: no Ready node without a taint the pod does not tolerate has room for it.", ctx.Now);
                ((JsonObject)updated["status"]!["conditions"]![0]!).Remove("observedGeneration");
                ctx.Write(podType, pod, updated);
                continue;
            }
            var nodeName = fit["metadata"].Str("name")!;
            updated.EnsureObj("spec")["nodeName"] = nodeName;
            updated["status"] = new JsonObject
            {
                ["phase"] = "Pending",
                ["qosClass"] = pod["status"].Str("qosClass") ?? "Burstable",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = J.Iso(ctx.Now) }),
            };
            ctx.Write(podType, pod, updated);
            var cur = load.GetValueOrDefault(nodeName);
            load[nodeName] = (cur.Pods + 1, cur.Cpu + cpu);
            _bound[Key(updated)] = ctx.Now;
        }
    }

    private void Start(ReconcileContext ctx, ResourceType podType)
    {
        foreach (var (key, at) in _bound.ToList())
        {
            var pod = ctx.Store.Collections[podType].Get(key);
            if (pod == null || pod["status"].Str("phase") != "Pending") { _bound.Remove(key); continue; }
            if (ctx.Now < at + ctx.World.Steps.PodStart) continue;
            var now = J.Iso(ctx.Now);
            var updated = (JsonObject)pod.DeepClone();
            var ip = NodeFactory.Ip("pod/" + key + pod["metadata"].Str("uid"));
            var containers = pod["spec"]?["containers"] as JsonArray ?? new JsonArray();
            updated["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["hostIP"] = ctx.Store.Collections[ctx.Type("", "nodes")!].Get(pod["spec"].Str("nodeName")!)?["status"]?["addresses"]?[0]?.Str("address"),
                ["podIP"] = ip,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
                ["startTime"] = now,
                ["qosClass"] = pod["status"].Str("qosClass") ?? "Burstable",
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = J.Iso(at) },
                    new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = now },
                    new JsonObject { ["type"] = "ContainersReady", ["status"] = "True", ["lastTransitionTime"] = now },
                    new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = now }),
                ["containerStatuses"] = new JsonArray(containers.OfType<JsonObject>().Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Str("name"), ["image"] = c.Str("image"), ["imageID"] = "", ["ready"] = true, ["restartCount"] = 0, ["started"] = true,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } },
                }).ToArray()),
            };
            ctx.Write(podType, pod, updated);
            _bound.Remove(key);
        }
    }

    private static string Key(JsonObject p) => Collection.KeyOf(p["metadata"].Str("namespace"), p["metadata"].Str("name")!);

    private static decimal CpuRequest(JsonObject pod) =>
        (pod["spec"]?["containers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Sum(c => Quantity.TryParse(c["resources"]?["requests"].Str("cpu"), out var q) ? q.Value : 0m);

    private static bool Fits(JsonObject pod, JsonObject node, (int Pods, decimal Cpu) load, decimal cpu)
    {
        var alloc = node["status"]?["allocatable"];
        if (int.TryParse(alloc.Str("pods"), out var maxPods) && load.Pods + 1 > maxPods) return false;
        if (Quantity.TryParse(alloc.Str("cpu"), out var allocCpu) && load.Cpu + cpu > allocCpu.Value) return false;
        if (pod["spec"]?["nodeSelector"] is JsonObject sel && sel.Any(kv => node["metadata"]?["labels"].Str(kv.Key) != kv.Value?.ToString())) return false;
        var tolerations = (pod["spec"]?["tolerations"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().ToList();
        foreach (var taint in (node["spec"]?["taints"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            if (taint.Str("effect") is not ("NoSchedule" or "NoExecute")) continue;
            var ok = tolerations.Any(t =>
                (t.Str("key") is null or "" ? t.Str("operator") == "Exists" : t.Str("key") == taint.Str("key")
                    && (t.Str("operator") == "Exists" || t.Str("value") == taint.Str("value")))
                && (t.Str("effect") is null or "" || t.Str("effect") == taint.Str("effect")));
            if (!ok) return false;
        }
        return true;
    }
}
