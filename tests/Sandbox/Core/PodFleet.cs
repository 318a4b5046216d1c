using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

/// <summary>
/// Pods on many nodes, computed on demand: per node one pod of each DaemonSet plus (perNode − DaemonSets) pods of a
/// fixed set of Deployments (each with its ReplicaSet), spread evenly over the nodes. Pod keys are
/// "namespace/owner-suffix" with the suffix drawn in sorted order from the generateName alphabet, so keys sort by
/// index (what <see cref="IVirtualSource"/> needs) while looking like real pod names. The Namespaces, DaemonSets,
/// Deployments and ReplicaSets are ordinary stored objects.
/// </summary>
internal sealed class PodFleet : IVirtualSource
{
    private static readonly (string Ns, string Name, string Image)[] DaemonSets =
    [
        ("amazon-cloudwatch", "fluent-bit", "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4"),
        ("monitoring", "node-exporter", "quay.io/prometheus/node-exporter:v1.9.1"),
        ("security", "falco", "public.ecr.aws/falcosecurity/falco:0.41.3"),
    ];

    private static readonly (string Ns, string Name)[] Deployments =
    [
        ("shop", "cart"), ("shop", "catalog"), ("shop", "checkout"), ("shop", "frontend"), ("shop", "orders"),
        ("payments", "ledger"), ("payments", "payments-api"), ("search", "indexer"), ("search", "search-api"),
        ("batch", "reports"), ("batch", "notifications"), ("ml", "recommendations"),
    ];

    // The generateName alphabet in ordinal order: a fixed-width number written with it sorts like the number.
    private const string Alphabet = "2456789bcdfghjklmnpqrstvwxz";
    private const int Width = 5;
    private static readonly int Space = (int)Math.Pow(Alphabet.Length, Width);

    private sealed record Segment(string Prefix, string Ns, string Owner, string App, string Image, bool Daemon, int Count, int Offset, int FirstGlobal, long Stride);

    private readonly Segment[] _segments;
    private readonly int _count;
    private readonly int _nodes;
    private readonly Func<int, string> _nodeName;
    private readonly DateTimeOffset _now;

    public int Count => _count;

    private PodFleet(Segment[] segments, int nodes, Func<int, string> nodeName, DateTimeOffset now)
    {
        _segments = segments;
        _count = segments.Sum(s => s.Count);
        _nodes = nodes;
        _nodeName = nodeName;
        _now = now;
    }

    /// <summary>Puts about <paramref name="perNode"/> pods on each of <paramref name="nodes"/> nodes of cluster <paramref name="c"/>.</summary>
    public static void Attach(World w, Cluster c, int nodes, Func<int, string> nodeName, int perNode, int daemonSets)
    {
        if (nodes <= 0 || perNode <= 0) return;
        daemonSets = Math.Clamp(daemonSets, 0, Math.Min(DaemonSets.Length, perNode));
        var ctx = new ExpandContext(w, c);
        var segs = new List<Segment>();
        for (var d = 0; d < daemonSets; d++)
        {
            var (ns, name, image) = DaemonSets[d];
            segs.Add(new Segment($"{ns}/{name}-", ns, name, name, image, true, nodes, 0, 0, Stride(nodes)));
            Workload(ctx, w, ns, name, image, "DaemonSet", nodes);
        }
        var total = (long)nodes * (perNode - daemonSets);
        var first = 0;
        for (var d = 0; d < Deployments.Length && total > 0; d++)
        {
            var (ns, app) = Deployments[d];
            var n = (int)(total / Deployments.Length + (d < total % Deployments.Length ? 1 : 0));
            if (n == 0) continue;
            var rs = $"{app}-{Ids.Hex("rs" + ns + app, 10)}";
            var image = $"public.ecr.aws/sandbox/{app}:1.4.2";
            segs.Add(new Segment($"{ns}/{rs}-", ns, rs, app, image, false, n, 0, first, Stride(n)));
            Workload(ctx, w, ns, app, image, "ReplicaSet", n);
            first += n;
        }
        if (segs.Any(s => s.Count > Space)) throw new InvalidDataException($"--generate-nodes: more than {Space} pods per workload.");
        var sorted = segs.OrderBy(s => s.Prefix, StringComparer.Ordinal).ToList();
        var offset = 0;
        for (var i = 0; i < sorted.Count; i++) { sorted[i] = sorted[i] with { Offset = offset }; offset += sorted[i].Count; }
        var pods = c.Kube.Collections[c.Kube.Find("", "v1", "pods")!];
        pods.Virtual = new PodFleet([.. sorted], nodes, nodeName, w.Now);
    }

    private static long Stride(int count) => Math.Max(1, (Space - 1) / Math.Max(1, count));

    private static string Suffix(long n)
    {
        Span<char> s = stackalloc char[Width];
        for (var i = Width - 1; i >= 0; i--) { s[i] = Alphabet[(int)(n % Alphabet.Length)]; n /= Alphabet.Length; }
        return new string(s);
    }

    private int SegmentOf(int index)
    {
        int lo = 0, hi = _segments.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_segments[mid].Offset <= index) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    public string KeyAt(int index)
    {
        var s = _segments[SegmentOf(index)];
        return s.Prefix + Suffix((index - s.Offset) * s.Stride);
    }

    /// <summary>Which node a pod runs on: a DaemonSet's j-th pod on node j; Deployment pods round-robin, so every node gets the same number.</summary>
    private int NodeOf(Segment s, int j) => s.Daemon ? j : (s.FirstGlobal + j) % _nodes;

    public JsonObject Create(int index)
    {
        var s = _segments[SegmentOf(index)];
        var j = index - s.Offset;
        var name = s.Owner + "-" + Suffix(j * s.Stride);
        var node = _nodeName(NodeOf(s, j));
        var started = _now.AddHours(-1 - j % 200).AddSeconds(-(j * 37 % 3600));
        var ip = $"10.{100 + j / 62500 % 100}.{j / 250 % 250}.{j % 250 + 4}";
        var labels = new JsonObject { ["app.kubernetes.io/name"] = s.App };
        if (s.Daemon) { labels["controller-revision-hash"] = Ids.Hex("crh" + s.Ns + s.App, 10); labels["pod-template-generation"] = "1"; }
        else labels["pod-template-hash"] = s.Owner[(s.App.Length + 1)..];
        var ownerKind = s.Daemon ? "DaemonSet" : "ReplicaSet";
        var spec = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = s.App, ["image"] = s.Image,
                ["resources"] = new JsonObject { ["requests"] = s.Daemon ? new JsonObject { ["cpu"] = "50m", ["memory"] = "64Mi" } : new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" } },
            }),
            ["nodeName"] = node,
            ["restartPolicy"] = "Always",
            ["schedulerName"] = "default-scheduler",
            ["serviceAccountName"] = s.App,
        };
        if (s.Daemon)
        {
            spec["affinity"] = new JsonObject { ["nodeAffinity"] = new JsonObject { ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject { ["nodeSelectorTerms"] = new JsonArray(new JsonObject { ["matchFields"] = new JsonArray(new JsonObject { ["key"] = "metadata.name", ["operator"] = "In", ["values"] = new JsonArray(node) }) }) } } };
            spec["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" });
            spec["priorityClassName"] = "system-node-critical";
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = s.Ns,
                ["uid"] = Ids.Uid($"pods/{s.Ns}/{name}"),
                ["resourceVersion"] = "1000",
                ["creationTimestamp"] = J.Iso(started),
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = ownerKind, ["name"] = s.Owner, ["uid"] = Ids.Uid($"{ownerKind.ToLowerInvariant()}s.apps/{s.Ns}/{s.Owner}"), ["controller"] = true, ["blockOwnerDeletion"] = true }),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["hostIP"] = null,
                ["podIP"] = ip,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
                ["qosClass"] = "Burstable",
                ["startTime"] = J.Iso(started),
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started) },
                    new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started) },
                    new JsonObject { ["type"] = "ContainersReady", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started.AddSeconds(6)) },
                    new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started.AddSeconds(6)) }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = s.App, ["image"] = s.Image, ["imageID"] = "", ["ready"] = true, ["restartCount"] = 0, ["started"] = true,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = J.Iso(started.AddSeconds(4)) } },
                }),
            },
        };
    }

    /// <summary>The owning DaemonSet, or the Deployment and its ReplicaSet, as stored objects.</summary>
    private static void Workload(ExpandContext ctx, World w, string ns, string app, string image, string kind, int pods)
    {
        var labels = new JsonObject { ["app.kubernetes.io/name"] = app };
        var selector = new JsonObject { ["matchLabels"] = labels.DeepClone() };
        var template = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() }, ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = app, ["image"] = image }) } };
        var created = J.Iso(w.Now.AddDays(-40));
        if (kind == "DaemonSet")
        {
            ctx.Add(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet",
                ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created },
                ["spec"] = new JsonObject { ["selector"] = selector, ["template"] = template },
                ["status"] = new JsonObject { ["currentNumberScheduled"] = pods, ["desiredNumberScheduled"] = pods, ["numberReady"] = pods, ["numberAvailable"] = pods, ["updatedNumberScheduled"] = pods, ["numberMisscheduled"] = 0, ["observedGeneration"] = 1 },
            });
            return;
        }
        var rs = $"{app}-{Ids.Hex("rs" + ns + app, 10)}";
        ctx.Add(new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created, ["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" } },
            ["spec"] = new JsonObject { ["replicas"] = pods, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone(), ["strategy"] = new JsonObject { ["type"] = "RollingUpdate" } },
            ["status"] = new JsonObject { ["replicas"] = pods, ["readyReplicas"] = pods, ["availableReplicas"] = pods, ["updatedReplicas"] = pods, ["observedGeneration"] = 1 },
        });
        ctx.Add(new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = rs, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created,
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = app, ["uid"] = Ids.Uid($"deployments.apps/{ns}/{app}"), ["controller"] = true, ["blockOwnerDeletion"] = true }),
            },
            ["spec"] = new JsonObject { ["replicas"] = pods, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone() },
            ["status"] = new JsonObject { ["replicas"] = pods, ["readyReplicas"] = pods, ["availableReplicas"] = pods },
        });
    }
}
