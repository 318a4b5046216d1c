using System.Globalization;
using System.Text.Json.Nodes;

namespace EksAutoMode.Sandbox.Core;

/// <summary>
/// NodePool requirements (In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte, Lte) checked against the labels a node would
/// carry. Keys outside the well-known domains (kubernetes.io, karpenter.sh, eks.amazonaws.com, karpenter.k8s.aws,
/// topology.k8s.aws) are custom labels Karpenter copies onto the node, so they do not constrain the instance.
/// </summary>
internal static class Requirements
{
    private static bool WellKnown(string key)
    {
        var domain = key.Contains('/') ? key[..key.IndexOf('/')] : "";
        return domain is "kubernetes.io" or "karpenter.sh" or "eks.amazonaws.com" or "karpenter.k8s.aws" or "topology.k8s.aws" or "node.kubernetes.io" or "topology.kubernetes.io"
            || domain.EndsWith(".kubernetes.io", StringComparison.Ordinal);
    }

    public static bool Allow(JsonArray? reqs, JsonObject labels) => Violation(reqs, labels) == null;

    /// <summary>The first requirement the labels break, as text; null when all hold.</summary>
    public static string? Violation(JsonArray? reqs, JsonObject labels)
    {
        foreach (var r in reqs ?? new JsonArray())
        {
            var key = r.Str("key") ?? "";
            if (!WellKnown(key)) continue;
            var op = r.Str("operator") ?? "In";
            var values = r.Strings("values").ToList();
            var v = labels.Str(key);
            bool ok = op switch
            {
                "In" => v != null && values.Contains(v),
                "NotIn" => v == null || !values.Contains(v),
                "Exists" => v != null,
                "DoesNotExist" => v == null,
                "Gt" => Num(v) is { } a && Num(values.FirstOrDefault()) is { } b && a > b,
                "Lt" => Num(v) is { } a2 && Num(values.FirstOrDefault()) is { } b2 && a2 < b2,
                "Gte" => Num(v) is { } a3 && Num(values.FirstOrDefault()) is { } b3 && a3 >= b3,
                "Lte" => Num(v) is { } a4 && Num(values.FirstOrDefault()) is { } b4 && a4 <= b4,
                _ => false,
            };
            if (!ok) return $"{key} {op} [{string.Join(", ", values)}] (node has {v ?? "no such label"})";
        }
        return null;
    }

    private static long? Num(string? s) => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
