using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers.NodePool;

/// <summary>What the two static-capacity reconcilers share: which pools are static and which NodeClaims are theirs.</summary>
internal static class StaticPools
{
    internal const string PoolLabel = "karpenter.sh/nodepool";

    internal static bool Watches(ResourceType t) => t.Group == "karpenter.sh" && t.Plural is "nodepools" or "nodeclaims";

    /// <summary>A static NodePool (one with <c>spec.replicas</c>), its replica count and all its NodeClaims (deleting ones included).</summary>
    internal sealed record Entry(JsonObject Pool, string Name, int Replicas, List<JsonObject> Claims, ResourceType ClaimType)
    {
        internal bool Deleting => Pool["metadata"].Str("deletionTimestamp") != null;

        internal List<JsonObject> Active => Claims.Where(c => c["metadata"].Str("deletionTimestamp") == null).ToList();
    }

    internal static IEnumerable<Entry> List(ReconcileContext ctx)
    {
        var poolType = ctx.Type("karpenter.sh", "nodepools");
        var claimType = ctx.Type("karpenter.sh", "nodeclaims");
        if (poolType == null || claimType == null) yield break;
        foreach (var pool in ctx.List(poolType).ToList())
        {
            if (pool["spec"]?["replicas"] is not JsonValue r) continue;
            var name = pool["metadata"].Str("name")!;
            var claims = ctx.List(claimType).Where(c => c["metadata"]?["labels"].Str(PoolLabel) == name).ToList();
            yield return new Entry(pool, name, (int)r.GetValue<double>(), claims, claimType);
        }
    }
}
