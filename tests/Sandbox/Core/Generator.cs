using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

/// <summary>
/// --generate-nodes N: N Auto Mode nodes with their NodeClaims and EC2 instances, plus about <c>podsPerNode</c> pods on
/// each (DaemonSet pods and Deployment/ReplicaSet pods), all computed from the index on demand: nothing is
/// materialised, so memory stays flat however many pages are served. Every node satisfies its pool's requirements
/// (instance type, capacity type, zone drawn from the combinations the pool allows).
/// </summary>
internal static class Generator
{
    public static void Attach(World w, Cluster c, int count, int? podsPerNode)
    {
        var poolType = c.Kube.Types.FirstOrDefault(t => t.Plural == "nodepools" && t.Group == "karpenter.sh");
        if (poolType == null) throw new InvalidDataException($"--generate-nodes needs cluster '{c.Name}' to serve karpenter.sh NodePools.");
        var pools = c.Kube.Collections[poolType].Items;
        var poolName = pools.ContainsKey("general-purpose") ? "general-purpose" : pools.Keys.FirstOrDefault() ?? "general-purpose";
        var pool = pools.GetValueOrDefault(poolName);
        var tspec = pool?["spec"]?["template"]?["spec"];
        var nodeClass = tspec?["nodeClassRef"].Str("name") ?? "default";
        var reqs = tspec?["requirements"] as JsonArray;
        var now = w.Now;
        var seed = w.Seed;

        // The (type, capacity type, zone) offerings the pool allows, as Karpenter would pick among them.
        var zones = Zones(c);
        var offers = Offerings(w, c, reqs, poolName, nodeClass, NodeFlavor.Auto);
        if (offers.Count == 0) throw new InvalidDataException($"--generate-nodes: no catalog instance type satisfies NodePool '{poolName}' of cluster '{c.Name}'.");
        var onDemand = offers.Where(o => o.Capacity == "on-demand").ToList();
        var spot = offers.Where(o => o.Capacity == "spot").ToList();

        NodeSpec Spec(int i)
        {
            var h = (uint)HashCode.Combine(seed, i);
            // a third spot where the pool allows spot; the zone follows the index so zones stay balanced
            var list = i % 3 == 2 && spot.Count > 0 || onDemand.Count == 0 ? spot : onDemand;
            var byZone = list.Where(o => o.Zone == zones[i % zones.Count]).ToList();
            var (type, cap, zone) = (byZone.Count > 0 ? byZone : list)[(int)(h % (uint)(byZone.Count > 0 ? byZone.Count : list.Count))];
            return new NodeSpec
            {
                Flavor = NodeFlavor.Auto,
                InstanceId = InstanceId(i),
                InstanceType = type,
                Zone = zone,
                CapacityType = cap,
                NodePool = poolName,
                NodeClass = nodeClass,
                Launch = now.AddHours(-(i % 320) - 1).AddSeconds(-(h % 3600)),
                PrivateIp = $"10.{1 + i / 65000 % 200}.{i / 250 % 250}.{i % 250 + 4}",
                NodeClaimName = ClaimName(poolName, i),
                Taints = tspec?["taints"] as JsonArray,
            };
        }

        var nc = c.Kube.Collections[c.Kube.Find("eks.amazonaws.com", "v1", "nodeclasses")!].Items.GetValueOrDefault(nodeClass);
        var roleArn = c.Eks.Obj("computeConfig").Str("nodeRoleArn") ?? "";
        var profile = nc?["status"].Str("instanceProfile") ?? NodeFactory.AutoInstanceProfile(c, roleArn[(roleArn.LastIndexOf('/') + 1)..]);
        var classTags = nc?["spec"]?["tags"] as JsonObject;
        var nodeType = c.Kube.Find("", "v1", "nodes")!;
        c.Kube.Collections[nodeType].Virtual = new Fleet(count, InstanceId, i => Stamp(NodeFactory.Node(w, c, Spec(i))), i => ClaimName(poolName, i), i =>
        {
            var spec = Spec(i);
            var cap = new Dictionary<string, Quantity>(StringComparer.Ordinal);
            foreach (var (k, v) in NodeFactory.Resources(spec, w.Type(spec.InstanceType)).Capacity) cap[k] = Quantity.Parse(v!.ToString());
            return (poolName, cap);
        });
        var claimType = c.Kube.Find("karpenter.sh", "v1", "nodeclaims")!;
        c.Kube.Collections[claimType].Virtual = new Source(count, i => ClaimName(poolName, i), i => Stamp(NodeFactory.NodeClaim(w, c, Spec(i), pool)));
        w.VirtualInstances = new Source(count, InstanceId, i => NodeFactory.Instance(w, c, Spec(i), profile, classTags));
        w.VirtualInstancesRegion = c.Region;
        c.GeneratedNodes = count;
        c.GeneratedPodsPerNode = podsPerNode ?? 10;
    }

    /// <summary>The cluster's three zones (a, b, c of its Region).</summary>
    public static List<string> Zones(Cluster c) => Enumerable.Range(0, 3).Select(z => c.Region + (char)('a' + z)).ToList();

    /// <summary>Every (instance type, capacity type, zone) of the catalog that a pool's requirements allow, types in name order.</summary>
    public static List<(string Type, string Capacity, string Zone)> Offerings(World w, Cluster c, JsonArray? reqs, string poolName, string nodeClass, NodeFlavor flavor)
    {
        var offers = new List<(string Type, string Capacity, string Zone)>();
        var prefix = flavor == NodeFlavor.Auto ? "eks.amazonaws.com" : "karpenter.k8s.aws";
        foreach (var t in w.InstanceTypes.Values.Where(t => t.Name is not ("fargate" or "hybrid")).OrderBy(t => t.Name, StringComparer.Ordinal))
            foreach (var cap in new[] { "on-demand", "spot" })
                foreach (var z in Zones(c))
                {
                    var probe = new NodeSpec { Flavor = flavor, InstanceType = t.Name, CapacityType = cap, Zone = z, NodePool = poolName, NodeClass = nodeClass };
                    if (Requirements.Allow(reqs, NodeFactory.InstanceLabels(probe, t, prefix))) offers.Add((t.Name, cap, z));
                }
        return offers;
    }

    internal static JsonObject Stamp(JsonObject o)
    {
        var m = (JsonObject)o["metadata"]!;
        m["resourceVersion"] = "1000";
        return o;
    }

    public static string InstanceId(int i) => $"i-0f{i:x15}";

    /// <summary>The index of a generated instance id / node name, or -1.</summary>
    public static int IndexOf(string id) =>
        id.Length == 19 && id.StartsWith("i-0f", StringComparison.Ordinal) && long.TryParse(id.AsSpan(4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var n) && n < int.MaxValue && InstanceId((int)n) == id ? (int)n : -1;
    private static string ClaimName(string pool, int i) => $"{pool}-g{i:x6}";

    /// <summary>The generated nodes: also an <see cref="IVirtualFleet"/> (claim i belongs to node i, both initialized, so the node's capacity counts).</summary>
    private sealed class Fleet(int count, Func<int, string> key, Func<int, JsonObject> create, Func<int, string> claimKey, Func<int, (string, IReadOnlyDictionary<string, Quantity>)> usage) : IVirtualSource, IVirtualFleet
    {
        public int Count => count;
        public string KeyAt(int index) => key(index);
        public JsonObject Create(int index) => create(index);
        public string ClaimKey(int index) => claimKey(index);
        public (string Pool, IReadOnlyDictionary<string, Quantity> Capacity) Usage(int index) => usage(index);
    }

    internal sealed class Source(int count, Func<int, string> key, Func<int, JsonObject> create) : IVirtualSource
    {
        public int Count => count;
        public string KeyAt(int index) => key(index);
        public JsonObject Create(int index) => create(index);
    }
}
