using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.NodeClaim;

/// <summary>
/// Karpenter's <c>nodeclaim.termination</c> + <c>node.termination</c> as Auto Mode shows them (read from
/// kubernetes-sigs/karpenter pkg/controllers/node/termination, 2026-12-04): a NodeClaim with a deletionTimestamp
/// gets its Node marked for deletion (deletionTimestamp, finalizer <c>karpenter.sh/termination</c>) and tainted
/// <c>karpenter.sh/disrupted:NoSchedule</c>; after the Drain step its pods are evicted through the same PDB check
/// as the <c>pods/eviction</c> subresource (DaemonSet pods stay; <c>karpenter.sh/do-not-disrupt</c> pods are
/// waited for) until the claim's terminationGracePeriod runs out, when the rest are deleted. Drained → the EC2
/// instance goes shutting-down, and after the Terminate step terminated; then the Node and the NodeClaim go away.
/// What blocks the drain is in the claim's <c>Drained</c> condition message.
/// </summary>
internal sealed class Termination : IReconciler
{
    public const string Finalizer = "karpenter.sh/termination";
    public const string DisruptedTaint = "karpenter.sh/disrupted";
    public const string DoNotDisrupt = "karpenter.sh/do-not-disrupt";

    public string Name => "nodeclaim.termination";
    public TimeSpan? Period => TimeSpan.FromMilliseconds(250);

    public bool Watches(ResourceType t) => t.Group == "karpenter.sh" && t.Plural == "nodeclaims" || t.Group == "" && t.Plural is "pods" or "nodes";

    public void Reconcile(ReconcileContext ctx)
    {
        var claimType = ctx.Type("karpenter.sh", "nodeclaims");
        if (claimType == null) return;
        var deleting = ctx.Store.Collections[claimType].Items.Values.Where(c => c["metadata"].Str("deletionTimestamp") != null).ToList();
        if (!_started)
        {
            // Claims a scenario shows mid-deletion stay as written (a stuck termination is a case to read, not to finish).
            foreach (var c in deleting) _scenario.Add(c["metadata"].Str("uid") ?? c["metadata"].Str("name")!);
            _started = true;
        }
        foreach (var claim in deleting)
        {
            // Step times run from when the deletion was seen (a deletionTimestamp written in the past skips nothing).
            var uid = claim["metadata"].Str("uid") ?? claim["metadata"].Str("name")!;
            if (_scenario.Contains(uid)) continue;
            if (!_seen.TryGetValue(uid, out var seen)) _seen[uid] = seen = ctx.Now;
            Terminate(ctx, claimType, claim, seen);
        }
    }

    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _scenario = new(StringComparer.Ordinal);
    private bool _started;

    private static void Terminate(ReconcileContext ctx, ResourceType claimType, JsonObject claim, DateTimeOffset seen)
    {
        var now = ctx.Now;
        var nodeType = ctx.Type("", "nodes")!;
        var podType = ctx.Type("", "pods")!;
        var deletedAt = Time(claim["metadata"].Str("deletionTimestamp")) ?? now;
        var nodeName = claim["status"].Str("nodeName");
        var node = nodeName == null ? null : ctx.Store.Collections[nodeType].Get(nodeName);
        var instanceId = claim["status"].Str("providerID") is { } pid ? pid[(pid.LastIndexOf('/') + 1)..] : null;

        if (node != null && (node["metadata"].Str("deletionTimestamp") == null || !HasTaint(node)))
        {
            var n = (JsonObject)node.DeepClone();
            var meta = n.EnsureObj("metadata");
            meta["deletionTimestamp"] ??= J.Iso(deletedAt);
            if (meta["finalizers"] is not JsonArray f || !f.Any(x => x?.ToString() == Finalizer))
                (meta["finalizers"] as JsonArray ?? (JsonArray)(meta["finalizers"] = new JsonArray())!).Add(Finalizer);
            var spec = n.EnsureObj("spec");
            var taints = spec["taints"] as JsonArray ?? (JsonArray)(spec["taints"] = new JsonArray())!;
            if (!HasTaint(n)) taints.Add(new JsonObject { ["key"] = DisruptedTaint, ["effect"] = "NoSchedule", ["timeAdded"] = J.Iso(now) });
            ctx.Write(nodeType, node, n);
            node = ctx.Store.Collections[nodeType].Get(nodeName!);
        }

        var drained = Condition(claim, "Drained");
        if (drained?.Str("status") != "True")
        {
            var blocked = new List<string>();
            var remaining = 0;
            if (node != null)
            {
                var tgp = StepTimes.Duration(claim["spec"].Str("terminationGracePeriod"));
                var forced = tgp is { } g && now >= deletedAt + g;
                var draining = now >= seen + ctx.World.Steps.Drain;
                foreach (var pod in Disruption.PodsIn(ctx.Store, null).Where(p => p["spec"].Str("nodeName") == nodeName && Drainable(p)).ToList())
                {
                    remaining++;
                    if (!draining) continue;
                    var meta = pod["metadata"]!;
                    var key = Collection.KeyOf(meta.Str("namespace"), meta.Str("name")!);
                    if (forced)
                    {
                        ctx.Store.Remove(podType, key);
                        remaining--;
                        continue;
                    }
                    if (meta["annotations"].Str(DoNotDisrupt) == "true")
                    {
                        blocked.Add($"{key} ({DoNotDisrupt})");
                        continue;
                    }
                    try
                    {
                        Disruption.Evict(ctx.Store, pod, now);
                        remaining--;
                    }
                    catch (KubeError e) when (e.Code is 429 or 500)
                    {
                        var budget = Disruption.BudgetsFor(ctx.Store, pod).Select(b => b["metadata"].Str("name")).FirstOrDefault();
                        blocked.Add($"{key} (PodDisruptionBudget {meta.Str("namespace")}/{budget})");
                    }
                }
            }
            var c = (JsonObject)claim.DeepClone();
            var message = remaining == 0 ? "" : now < seen + ctx.World.Steps.Drain ? $"Draining {remaining} pod(s)" :
                blocked.Count > 0 ? $"Evictions blocked: {string.Join(", ", blocked)}" : $"Evicting {remaining} pod(s)";
            SetCondition(c, "Drained", remaining == 0 ? "True" : "False", remaining == 0 ? "Drained" : "Draining", message, now);
            if (remaining == 0)
            {
                SetCondition(c, "InstanceTerminating", "True", "InstanceTerminating", "", now);
                SetInstanceState(ctx.World, instanceId, 32, "shutting-down", now);
            }
            ctx.Write(claimType, claim, c);
            return;
        }

        var drainedAt = Time(drained.Str("lastTransitionTime")) ?? now;
        if (now < drainedAt + ctx.World.Steps.Terminate) return;
        SetInstanceState(ctx.World, instanceId, 48, "terminated", now);
        if (nodeName != null)
        {
            foreach (var pod in Disruption.PodsIn(ctx.Store, null).Where(p => p["spec"].Str("nodeName") == nodeName).ToList())
                ctx.Store.Remove(podType, Collection.KeyOf(pod["metadata"].Str("namespace"), pod["metadata"].Str("name")!));
            if (ctx.Store.Collections[nodeType].Get(nodeName) != null)
            {
                ctx.Store.RemoveFinalizer(nodeType, nodeName, Finalizer);
                if (ctx.Store.Collections[nodeType].Get(nodeName) != null) ctx.Store.Remove(nodeType, nodeName);
            }
        }
        ctx.Store.RemoveFinalizer(claimType, claim["metadata"].Str("name")!, Finalizer);
    }

    /// <summary>Pods a drain evicts: not DaemonSet-owned, not finished, not already terminating, not static (mirror) pods.</summary>
    public static bool Drainable(JsonObject pod) =>
        !Disruption.Terminating(pod)
        && pod["status"].Str("phase") is not ("Succeeded" or "Failed")
        && (pod["metadata"]?["ownerReferences"] as JsonArray)?.Any(o => o.Str("kind") is "DaemonSet" or "Node") != true
        && pod["metadata"]?["annotations"].Str("kubernetes.io/config.mirror") == null;

    private static bool HasTaint(JsonObject node) =>
        (node["spec"]?["taints"] as JsonArray)?.Any(t => t.Str("key") == DisruptedTaint) == true;

    public static JsonObject? Condition(JsonObject o, string type) =>
        (o["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);

    /// <summary>Sets a condition; lastTransitionTime changes only when the status does (as Kubernetes conditions do).</summary>
    public static void SetCondition(JsonObject o, string type, string status, string reason, string message, DateTimeOffset now)
    {
        var st = o.EnsureObj("status");
        var conds = st["conditions"] as JsonArray ?? (JsonArray)(st["conditions"] = new JsonArray())!;
        var cur = conds.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);
        if (cur == null)
        {
            conds.Add(new JsonObject { ["lastTransitionTime"] = J.Iso(now), ["message"] = message, ["observedGeneration"] = o["metadata"].Long("generation") ?? 1, ["reason"] = reason, ["status"] = status, ["type"] = type });
            return;
        }
        if (cur.Str("status") != status) cur["lastTransitionTime"] = J.Iso(now);
        cur["status"] = status;
        cur["reason"] = reason;
        cur["message"] = message;
    }

    public static DateTimeOffset? Time(string? iso) =>
        iso != null && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>Replaces the EC2 instance record with one in the new state (copy-on-write: EC2 responses read snapshots).</summary>
    public static void SetInstanceState(World w, string? instanceId, int code, string name, DateTimeOffset now)
    {
        if (instanceId == null) return;
        lock (w.Instances)
        {
            var i = w.Instances.FindIndex(x => x.Str("instanceId") == instanceId);
            if (i < 0 || w.Instances[i]["instanceState"].Str("name") == name) return;
            var copy = (JsonObject)w.Instances[i].DeepClone();
            copy["instanceState"] = new JsonObject { ["code"] = code, ["name"] = name };
            copy["reason"] = $"User initiated ({now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} GMT)";
            copy["stateReason"] = new JsonObject { ["code"] = "Client.UserInitiatedShutdown", ["message"] = "Client.UserInitiatedShutdown: User initiated shutdown" };
            if (name == "terminated") copy["privateDnsName"] = "";
            w.Instances[i] = copy;
        }
    }
}
