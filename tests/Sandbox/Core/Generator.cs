using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

/// <summary>
/// --generate-nodes N: N Auto Mode nodes with their NodeClaims and EC2 instances, computed from the index on demand
/// (nothing is materialised, so memory stays flat however many pages are served).
/// </summary>
internal static class Generator
{
    private static readonly string[] Types = ["m5.large", "m5.xlarge", "c6i.large", "c6g.large", "r5.large", "m6g.large", "c5.xlarge", "m6i.xlarge"];

    public static void Attach(World w, Cluster c, int count)
    {
        var poolType = c.Kube.Types.FirstOrDefault(t => t.Plural == "nodepools" && t.Group == "karpenter.sh");
        if (poolType == null) throw new InvalidDataException($"--generate-nodes needs cluster '{c.Name}' to serve karpenter.sh NodePools.");
        var pools = c.Kube.Collections[poolType].Items;
        var poolName = pools.ContainsKey("general-purpose") ? "general-purpose" : pools.Keys.FirstOrDefault() ?? "general-purpose";
        var pool = pools.GetValueOrDefault(poolName);
        var roleArn = c.Eks.Obj("computeConfig").Str("nodeRoleArn") ?? "";
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var now = w.Now;
        var seed = w.Seed;

        NodeSpec Spec(int i)
        {
            var h = (uint)HashCode.Combine(seed, i);
            var it = Types[h % Types.Length];
            return new NodeSpec
            {
                Flavor = NodeFlavor.Auto,
                InstanceId = InstanceId(i),
                InstanceType = it,
                Zone = c.Region + (char)('a' + i % 3),
                CapacityType = i % 3 == 2 ? "spot" : "on-demand",
                NodePool = poolName,
                NodeClass = "default",
                Launch = now.AddHours(-(i % 320) - 1).AddSeconds(-(h % 3600)),
                PrivateIp = $"10.{1 + i / 65000 % 200}.{i / 250 % 250}.{i % 250 + 4}",
                NodeClaimName = ClaimName(poolName, i),
                Taints = pool?["spec"]?["template"]?["spec"]?["taints"] as JsonArray,
            };
        }

        var nodeType = c.Kube.Find("", "v1", "nodes")!;
        c.Kube.Collections[nodeType].Virtual = new Source(count, InstanceId, i => Stamp(NodeFactory.Node(w, c, Spec(i))));
        var claimType = c.Kube.Find("karpenter.sh", "v1", "nodeclaims")!;
        c.Kube.Collections[claimType].Virtual = new Source(count, i => ClaimName(poolName, i), i => Stamp(NodeFactory.NodeClaim(w, c, Spec(i), pool)));
        w.VirtualInstances = new Source(count, InstanceId, i => NodeFactory.Instance(w, c, Spec(i), roleName));
        w.VirtualInstancesRegion = c.Region;
    }

    private static JsonObject Stamp(JsonObject o)
    {
        var m = (JsonObject)o["metadata"]!;
        m["resourceVersion"] = "1000";
        return o;
    }

    public static string InstanceId(int i) => $"i-0f{i:x15}";
    private static string ClaimName(string pool, int i) => $"{pool}-g{i:x6}";

    private sealed class Source(int count, Func<int, string> key, Func<int, JsonObject> create) : IVirtualSource
    {
        public int Count => count;
        public string KeyAt(int index) => key(index);
        public JsonObject Create(int index) => create(index);
    }
}
