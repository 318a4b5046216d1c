using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Aws;

/// <summary>EKS REST-JSON API (https://docs.aws.amazon.com/eks/latest/APIReference/).</summary>
internal sealed class Eks(World w)
{
    public static string ActionFor(string method, string rawPath)
    {
        var s = rawPath.Trim('/').Split('/');
        if (method == "POST" && s is ["clusters", _, "insights"]) return "ListInsights";
        if (method != "GET") return "Unsupported" + method;
        if (s is ["addons", "supported-versions"]) return "DescribeAddonVersions";
        if (s[0] != "clusters") return "Unknown";
        return s.Length switch
        {
            1 => "ListClusters",
            2 => "DescribeCluster",
            3 when s[2] == "node-groups" => "ListNodegroups",
            4 when s[2] == "node-groups" => "DescribeNodegroup",
            3 when s[2] == "fargate-profiles" => "ListFargateProfiles",
            4 when s[2] == "fargate-profiles" => "DescribeFargateProfile",
            3 when s[2] == "addons" => "ListAddons",
            4 when s[2] == "addons" => "DescribeAddon",
            3 when s[2] == "access-entries" => "ListAccessEntries",
            3 when s[2] == "pod-identity-associations" => "ListPodIdentityAssociations",
            _ when s.Length >= 4 && s[2] == "access-entries" && s[^1] == "access-policies" => "ListAssociatedAccessPolicies",
            _ when s.Length >= 4 && s[2] == "access-entries" => "DescribeAccessEntry",
            _ => "Unknown",
        };
    }

    public AwsResponse Handle(AwsRequest a)
    {
        var seg = a.Segments;
        switch (a.Action)
        {
            case "ListClusters":
                return Page(a, "clusters", w.Clusters.Where(c => c.Region == a.Region).Select(c => c.Name).ToList());
            case "DescribeCluster":
                return AwsResponse.Json(new JsonObject { ["cluster"] = Describe(Cluster(a, seg[1])) });
            case "ListNodegroups":
                return Page(a, "nodegroups", Cluster(a, seg[1]).Nodegroups.Select(n => n.Str("nodegroupName")!).ToList());
            case "DescribeNodegroup":
            {
                var c = Cluster(a, seg[1]);
                var ng = c.Nodegroups.FirstOrDefault(n => n.Str("nodegroupName") == seg[3])
                    ?? throw new AwsError(404, "ResourceNotFoundException", $"No node group found for name: {seg[3]}.");
                return AwsResponse.Json(new JsonObject { ["nodegroup"] = Timestamps(ng.DeepClone(), "createdAt", "modifiedAt") });
            }
            case "ListFargateProfiles":
                return Page(a, "fargateProfileNames", Cluster(a, seg[1]).FargateProfiles.Select(n => n.Str("fargateProfileName")!).ToList());
            case "DescribeFargateProfile":
            {
                var c = Cluster(a, seg[1]);
                var fp = c.FargateProfiles.FirstOrDefault(n => n.Str("fargateProfileName") == seg[3])
                    ?? throw new AwsError(404, "ResourceNotFoundException", $"No Fargate Profile found with name: {seg[3]}.");
                return AwsResponse.Json(new JsonObject { ["fargateProfile"] = Timestamps(fp.DeepClone(), "createdAt") });
            }
            case "ListAddons":
                return Page(a, "addons", Cluster(a, seg[1]).Addons.Select(n => n.Str("addonName")!).ToList());
            case "DescribeAddon":
            {
                var c = Cluster(a, seg[1]);
                var ad = c.Addons.FirstOrDefault(n => n.Str("addonName") == seg[3])
                    ?? throw new AwsError(404, "ResourceNotFoundException", $"No addon: {seg[3]} found in cluster: {c.Name}");
                return AwsResponse.Json(new JsonObject { ["addon"] = Timestamps(ad.DeepClone(), "createdAt", "modifiedAt") });
            }
            case "DescribeAddonVersions":
                return AddonVersions(a);
            case "ListAccessEntries":
                return Page(a, "accessEntries", Cluster(a, seg[1]).AccessEntries.Select(e => e.Str("principalArn")!).ToList());
            case "DescribeAccessEntry":
            {
                var (c, e) = Entry(a);
                var o = (JsonObject)e.DeepClone();
                o.Remove("_policies");
                return AwsResponse.Json(new JsonObject { ["accessEntry"] = Timestamps(o, "createdAt", "modifiedAt") });
            }
            case "ListAssociatedAccessPolicies":
            {
                var (c, e) = Entry(a);
                var list = e.Arr("_policies").Select(p => (JsonNode)new JsonObject
                {
                    ["policyArn"] = p.Str("policyArn"),
                    ["accessScope"] = p?["accessScope"]?.DeepClone() ?? new JsonObject { ["type"] = "cluster", ["namespaces"] = new JsonArray() },
                    ["associatedAt"] = Epoch(e.Str("createdAt")),
                    ["modifiedAt"] = Epoch(e.Str("modifiedAt")),
                }).ToList();
                var (items, next) = Paginate(a, list);
                var o = new JsonObject { ["clusterName"] = c.Name, ["principalArn"] = e.Str("principalArn"), ["associatedAccessPolicies"] = new JsonArray(items.Select(x => x.DeepClone()).ToArray()) };
                if (next != null) o["nextToken"] = next;
                return AwsResponse.Json(o);
            }
            case "ListPodIdentityAssociations":
            {
                var c = Cluster(a, seg[1]);
                var list = c.PodIdentityAssociations
                    .Where(p => a.Param("namespace") is not { } ns || p.Str("namespace") == ns)
                    .Where(p => a.Param("serviceAccount") is not { } sa || p.Str("serviceAccount") == sa)
                    .Select(p => Public(p)).ToList();
                var (items, next) = Paginate(a, list);
                return AwsResponse.Json(new JsonObject { ["associations"] = new JsonArray(items.Select(x => x.DeepClone()).ToArray()), ["nextToken"] = next });
            }
            case "ListInsights":
                return Insights(a, Cluster(a, seg[1]));
            case "Unknown":
                throw new AwsError(404, "UnknownOperationException", "Unknown operation");
            default:
                throw new AwsError(405, "UnsupportedOperationException", $"The sandbox does not simulate {a.Method} on this EKS path.");
        }
    }

    private static JsonNode Public(JsonObject o)
    {
        var copy = (JsonObject)o.DeepClone();
        foreach (var k in copy.Select(kv => kv.Key).Where(k => k.StartsWith('_')).ToList()) copy.Remove(k);
        return copy;
    }

    /// <summary>ListInsights (POST, JSON body {filter {categories, kubernetesVersions, statuses}, maxResults, nextToken}).</summary>
    private static AwsResponse Insights(AwsRequest a, Cluster c)
    {
        if (a.JsonBody is not JsonObject body) throw new AwsError(400, "InvalidRequestException", "The request body is not valid JSON.");
        var filter = body.Obj("filter");
        var categories = filter.Strings("categories").ToList();
        var versions = filter.Strings("kubernetesVersions").ToList();
        var statuses = filter.Strings("statuses").ToList();
        foreach (var cat in categories)
            if (cat is not ("UPGRADE_READINESS" or "MISCONFIGURATION")) throw new AwsError(400, "InvalidParameterException", $"Invalid category: {cat}");
        foreach (var st in statuses)
            if (st is not ("PASSING" or "WARNING" or "ERROR" or "UNKNOWN")) throw new AwsError(400, "InvalidParameterException", $"Invalid status: {st}");
        var list = c.Insights
            .Where(i => categories.Count == 0 || categories.Contains(i.Str("category") ?? "UPGRADE_READINESS"))
            .Where(i => versions.Count == 0 || versions.Contains(i.Str("kubernetesVersion") ?? ""))
            .Where(i => statuses.Count == 0 || statuses.Contains(i["insightStatus"].Str("status") ?? ""))
            .Select(i =>
            {
                var o = (JsonObject)Public(i);
                o["id"] ??= Ids.Uid($"insight/{c.Name}/{i.Str("name")}");
                o["category"] ??= "UPGRADE_READINESS";
                o["lastRefreshTime"] = Epoch(i.Str("lastRefreshTime") ?? "2026-12-03T06:00:00Z");
                o["lastTransitionTime"] = Epoch(i.Str("lastTransitionTime") ?? "2026-11-20T06:00:00Z");
                return (JsonNode)o;
            }).ToList();
        var max = body.Long("maxResults") is { } m ? m.ToString(CultureInfo.InvariantCulture) : null;
        if (max != null) a.Params["maxResults"] = max;
        if (body.Str("nextToken") is { } t) a.Params["nextToken"] = t;
        var (items, next) = Paginate(a, list);
        return AwsResponse.Json(new JsonObject { ["insights"] = new JsonArray(items.Select(x => x.DeepClone()).ToArray()), ["nextToken"] = next });
    }

    private (Cluster, JsonObject) Entry(AwsRequest a)
    {
        var c = Cluster(a, a.Segments[1]);
        var rest = a.Segments.Skip(3).ToList();
        if (rest.Count > 0 && rest[^1] == "access-policies") rest.RemoveAt(rest.Count - 1);
        var principal = string.Join('/', rest);
        var e = c.AccessEntries.FirstOrDefault(x => x.Str("principalArn") == principal)
            ?? throw new AwsError(404, "ResourceNotFoundException", $"The specified access entry resource is not found for principal {principal} in cluster {c.Name}.");
        return (c, e);
    }

    private Cluster Cluster(AwsRequest a, string name) =>
        w.FindCluster(name, a.Region) ?? throw new AwsError(404, "ResourceNotFoundException", $"No cluster found for name: {name}.");

    private AwsResponse Page(AwsRequest a, string key, List<string> names)
    {
        var (items, next) = Paginate(a, names.Select(n => (JsonNode)JsonValue.Create(n)!).ToList());
        var o = new JsonObject { [key] = new JsonArray(items.Select(x => x.DeepClone()).ToArray()) };
        o["nextToken"] = next;
        return AwsResponse.Json(o);
    }

    private static (List<JsonNode> Items, string? Next) Paginate(AwsRequest a, List<JsonNode> all)
    {
        var max = 100;
        if (a.Param("maxResults") is { } m && (!int.TryParse(m, CultureInfo.InvariantCulture, out max) || max < 1 || max > 100))
            throw new AwsError(400, "InvalidParameterException", "maxResults must be between 1 and 100.");
        var start = 0;
        if (a.Param("nextToken") is { } t)
        {
            try { start = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(t)).Split(':')[1], CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException) { throw new AwsError(400, "InvalidParameterException", "The nextToken provided is invalid."); }
        }
        var items = all.Skip(start).Take(max).ToList();
        var next = start + max < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"sandbox:{start + max}")) : null;
        return (items, next);
    }

    private static double Epoch(string? iso) => DateTimeOffset.Parse(iso ?? "2025-01-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0;

    private static JsonNode Timestamps(JsonNode o, params string[] keys)
    {
        foreach (var k in keys) if (o.Str(k) is { } s) o[k] = Epoch(s);
        return o;
    }

    public JsonObject Describe(Cluster c)
    {
        var o = (JsonObject)c.Eks.DeepClone();
        o["createdAt"] = Epoch(c.Eks.Str("createdAt"));
        o["endpoint"] = c.KubernetesUrl;
        o["certificateAuthority"] = new JsonObject { ["data"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(w.CaPem ?? "")) };
        // key order close to the real response: move the Auto Mode blocks to the end
        foreach (var k in new[] { "computeConfig", "storageConfig" })
            if (o[k] is { } v) { o.Remove(k); o[k] = v; }
        return o;
    }

    private AwsResponse AddonVersions(AwsRequest a)
    {
        var name = a.Param("addonName");
        var kv = a.Param("kubernetesVersion");
        var list = new List<JsonNode>();
        foreach (var av in w.AddonVersions)
        {
            if (name != null && av.Str("addonName") != name) continue;
            var o = (JsonObject)av.DeepClone();
            var versions = new JsonArray();
            foreach (var v in av.Arr("addonVersions"))
            {
                var vo = (JsonObject)v!.DeepClone();
                var compat = vo.Arr("compatibilities");
                if (kv != null && !compat.Any(x => x.Str("clusterVersion") == kv)) continue;
                vo["architecture"] ??= new JsonArray("amd64", "arm64");
                vo["computeTypes"] ??= new JsonArray("ec2", "auto");
                vo["requiresConfiguration"] ??= false;
                vo["requiresIamPermissions"] ??= false;
                versions.Add(vo);
            }
            if (versions.Count == 0) continue;
            o["addonVersions"] = versions;
            o["type"] ??= "networking";
            o["owner"] ??= "aws";
            o["marketplaceInformation"] = null;
            list.Add(o);
        }
        var (items, next) = Paginate(a, list);
        var r = new JsonObject { ["addons"] = new JsonArray(items.Select(x => x.DeepClone()).ToArray()) };
        r["nextToken"] = next;
        return AwsResponse.Json(r);
    }
}
