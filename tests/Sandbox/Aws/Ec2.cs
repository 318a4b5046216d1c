using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Aws;

/// <summary>EC2 Query/XML API (version 2016-11-15): DescribeInstances, DescribeInstanceTypes, DescribeSpotPriceHistory, DescribeLaunchTemplateVersions, DescribeImages, DescribeSubnets, DescribeSecurityGroups.</summary>
internal sealed class Ec2(World w)
{
    private const string Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    public AwsResponse Handle(AwsRequest a) => a.Action switch
    {
        "DescribeInstances" => DescribeInstances(a),
        "DescribeInstanceTypes" => DescribeInstanceTypes(a),
        "DescribeSpotPriceHistory" => DescribeSpotPriceHistory(a),
        "DescribeLaunchTemplateVersions" => DescribeLaunchTemplateVersions(a),
        "DescribeImages" => DescribeImages(a),
        "DescribeSubnets" => DescribeSubnets(a),
        "DescribeSecurityGroups" => DescribeSecurityGroups(a),
        "" => throw new AwsError(400, "MissingAction", "The request must contain the parameter Action"),
        _ => throw new AwsError(400, "InvalidAction", $"The action {a.Action} is not valid for this web service."),
    };

    /// <summary>Filter.N.Name / Filter.N.Value.M</summary>
    private static List<(string Name, List<string> Values)> Filters(AwsRequest a)
    {
        var list = new List<(string, List<string>)>();
        for (var i = 1; a.Param($"Filter.{i}.Name") is { } name; i++)
        {
            var vals = new List<string>();
            for (var j = 1; a.Param($"Filter.{i}.Value.{j}") is { } v; j++) vals.Add(v);
            list.Add((name, vals));
        }
        return list;
    }

    private static List<string> Indexed(AwsRequest a, string prefix)
    {
        var list = new List<string>();
        for (var i = 1; a.Param($"{prefix}.{i}") is { } v; i++) list.Add(v);
        return list;
    }

    private static bool Wild(IEnumerable<string> patterns, string? value) =>
        value != null && patterns.Any(p => Regex.IsMatch(value, "^" + Regex.Escape(p).Replace("\\*", ".*").Replace("\\?", ".") + "$"));

    private static readonly HashSet<string> InstanceFilters = new(StringComparer.Ordinal)
    {
        "instance-id", "instance-type", "instance-state-name", "instance-state-code", "tag-key", "tag-value", "operator.managed", "operator.principal",
        "instance-lifecycle", "availability-zone", "private-dns-name", "private-ip-address", "vpc-id", "subnet-id", "image-id", "architecture", "launch-time",
        "iam-instance-profile.arn",
    };

    private static bool MatchInstance(JsonObject i, List<(string Name, List<string> Values)> filters)
    {
        foreach (var (name, values) in filters)
        {
            var ok = name switch
            {
                "instance-id" => Wild(values, i.Str("instanceId")),
                "instance-type" => Wild(values, i.Str("instanceType")),
                "instance-state-name" => Wild(values, i.Obj("instanceState").Str("name")),
                "instance-state-code" => Wild(values, i.Obj("instanceState").Str("code")),
                "operator.managed" => Wild(values, (i.Obj("operator").Bool("managed") == true ? "true" : "false")),
                "operator.principal" => Wild(values, i.Obj("operator").Str("principal")),
                "instance-lifecycle" => Wild(values, i.Str("instanceLifecycle")),
                "availability-zone" => Wild(values, i.Obj("placement").Str("availabilityZone")),
                "private-dns-name" => Wild(values, i.Str("privateDnsName")),
                "private-ip-address" => Wild(values, i.Str("privateIpAddress")),
                "vpc-id" => Wild(values, i.Str("vpcId")),
                "subnet-id" => Wild(values, i.Str("subnetId")),
                "image-id" => Wild(values, i.Str("imageId")),
                "architecture" => Wild(values, i.Str("architecture")),
                "launch-time" => Wild(values, i.Str("launchTime")),
                "iam-instance-profile.arn" => Wild(values, i.Obj("iamInstanceProfile").Str("arn")),
                "tag-key" => i.Arr("tagSet").Any(t => Wild(values, t.Str("key"))),
                "tag-value" => i.Arr("tagSet").Any(t => Wild(values, t.Str("value"))),
                _ when name.StartsWith("tag:", StringComparison.Ordinal) => i.Arr("tagSet").Any(t => t.Str("key") == name[4..] && Wild(values, t.Str("value"))),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private IEnumerable<JsonObject> AllInstances(string region)
    {
        JsonObject[] snapshot;
        lock (w.Instances) snapshot = w.Instances.ToArray(); // the controllers add and replace instances
        foreach (var i in snapshot) if (i.Str("_region") == region) yield return i;
        if (w.VirtualInstances != null && w.VirtualInstancesRegion == region)
            for (var n = 0; n < w.VirtualInstances.Count; n++) yield return w.VirtualInstances.Create(n);
    }

    private static (int Start, int Max) Paging(AwsRequest a, int min, int max, int dflt)
    {
        var size = dflt;
        if (a.Param("MaxResults") is { } m && (!int.TryParse(m, CultureInfo.InvariantCulture, out size) || size < min || size > max))
            throw new AwsError(400, "InvalidParameterValue", $"Value ( {m} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}.");
        var start = 0;
        if (a.Param("NextToken") is { Length: > 0 } t)
        {
            try
            {
                var s = Encoding.UTF8.GetString(Convert.FromBase64String(t));
                if (!s.StartsWith(a.Action + ":", StringComparison.Ordinal)) throw new FormatException();
                start = int.Parse(s[(a.Action.Length + 1)..], CultureInfo.InvariantCulture);
            }
            catch (FormatException) { throw new AwsError(400, "InvalidParameterValue", $"Invalid value '{t}' for nextToken"); }
        }
        return (start, size);
    }

    private static string Token(AwsRequest a, int next) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{a.Action}:{next}"));

    private AwsResponse DescribeInstances(AwsRequest a)
    {
        var ids = Indexed(a, "InstanceId");
        var filters = Filters(a);
        foreach (var f in filters)
            if (!InstanceFilters.Contains(f.Name) && !f.Name.StartsWith("tag:", StringComparison.Ordinal))
                throw new AwsError(400, "InvalidParameterValue", $"The filter '{f.Name}' is invalid");
        if (ids.Count > 0 && a.Param("MaxResults") != null)
            throw new AwsError(400, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
        foreach (var id in ids)
            if (!Regex.IsMatch(id, "^i-([0-9a-f]{8}|[0-9a-f]{17})$"))
                throw new AwsError(400, "InvalidInstanceID.Malformed", $"Invalid id: \"{id}\"");
        var (start, max) = Paging(a, 5, 1000, 100_000_000);
        IEnumerable<JsonObject> source;
        if (ids.Count > 0)
        {
            var found = new List<JsonObject>();
            var missing = new List<string>();
            foreach (var id in ids)
            {
                JsonObject? inst;
                lock (w.Instances) inst = w.Instances.FirstOrDefault(i => i.Str("instanceId") == id && i.Str("_region") == a.Region);
                inst ??= Virtual(id, a.Region);
                if (inst == null) missing.Add(id); else found.Add(inst);
            }
            if (missing.Count > 0)
                throw new AwsError(400, "InvalidInstanceID.NotFound", missing.Count == 1 ? $"The instance ID '{missing[0]}' does not exist" : $"The instance IDs '{string.Join(", ", missing)}' do not exist");
            source = found;
        }
        else source = AllInstances(a.Region);
        var matched = source.Where(i => MatchInstance(i, filters));
        var sb = new StringBuilder();
        sb.Append($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse xmlns=\"{Ns}\">\n    <requestId>{a.RequestId}</requestId>\n    <reservationSet>\n");
        var n = 0;
        var more = false;
        foreach (var i in matched)
        {
            if (n < start) { n++; continue; }
            if (n >= start + max) { more = true; break; }
            n++;
            var rid = "r-0" + Ids.Hex("res" + i.Str("instanceId"), 16);
            sb.Append($"        <item>\n            <reservationId>{rid}</reservationId>\n            <ownerId>{w.AccountId}</ownerId>\n            <groupSet/>\n            <instancesSet>\n                <item>");
            Xml.Write(sb, i);
            sb.Append("</item>\n            </instancesSet>\n        </item>\n");
        }
        sb.Append("    </reservationSet>\n");
        if (more) sb.Append($"    <nextToken>{Token(a, start + max)}</nextToken>\n");
        sb.Append("</DescribeInstancesResponse>");
        return AwsResponse.Xml(sb.ToString());
    }

    /// <summary>An EC2 list response: the items of one page under <paramref name="set"/>, then nextToken when more remain.</summary>
    private static AwsResponse ItemSet(AwsRequest a, string set, IReadOnlyList<JsonObject> page, bool more, int next)
    {
        var sb = new StringBuilder($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{a.Action}Response xmlns=\"{Ns}\">\n    <requestId>{a.RequestId}</requestId>\n    <{set}>\n");
        foreach (var item in page)
        {
            sb.Append("        <item>");
            Xml.Write(sb, item);
            sb.Append("</item>\n");
        }
        sb.Append($"    </{set}>\n");
        if (more) sb.Append($"    <nextToken>{Token(a, next)}</nextToken>\n");
        sb.Append($"</{a.Action}Response>");
        return AwsResponse.Xml(sb.ToString());
    }

    private static IEnumerable<(string Key, string Value)> Tags(JsonObject o) => (o.Obj("tags") ?? new JsonObject()).Select(kv => (kv.Key, kv.Value?.ToString() ?? ""));

    private static JsonArray TagSet(JsonObject o) => new(Tags(o).Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray());

    /// <summary>tag:K and tag-key filters on a record's tags map.</summary>
    private static bool TagFilter((string Name, List<string> Values) f, JsonObject o) =>
        f.Name == "tag-key" ? Tags(o).Any(t => Wild(f.Values, t.Key)) : Tags(o).Any(t => t.Key == f.Name[4..] && Wild(f.Values, t.Value));

    /// <summary>
    /// DescribeLaunchTemplateVersions for one template (LaunchTemplateId or LaunchTemplateName), LaunchTemplateVersion.N
    /// (numbers, $Latest, $Default; none = every version, newest first). User data is served base64-encoded as EC2 returns it
    /// (the scenario writes it as text in userDataText).
    /// </summary>
    private AwsResponse DescribeLaunchTemplateVersions(AwsRequest a)
    {
        var id = a.Param("LaunchTemplateId");
        var name = a.Param("LaunchTemplateName");
        var wanted = Indexed(a, "LaunchTemplateVersion");
        if (id == null && name == null && wanted.Count > 0)
            throw new AwsError(400, "MissingParameter", "The request must contain the parameter launchTemplateName or launchTemplateId");
        if (id != null && name != null)
            throw new AwsError(400, "InvalidParameterCombination", "The parameters launchTemplateName and launchTemplateId cannot be used together");
        var templates = w.LaunchTemplates.Where(t => t.Str("_region") == a.Region).ToList();
        JsonObject? lt = null;
        if (id != null)
        {
            if (!Regex.IsMatch(id, "^lt-[0-9a-f]{17}$")) throw new AwsError(400, "InvalidLaunchTemplateId.Malformed", $"The specified launch template ID {id} is malformed.");
            lt = templates.FirstOrDefault(t => t.Str("launchTemplateId") == id)
                ?? throw new AwsError(400, "InvalidLaunchTemplateId.NotFound", $"The specified launch template, with template ID {id}, does not exist.");
        }
        else if (name != null)
        {
            lt = templates.FirstOrDefault(t => t.Str("launchTemplateName") == name)
                ?? throw new AwsError(400, "InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.");
        }
        var rows = new List<(JsonObject Template, JsonObject Version)>();
        foreach (var t in lt != null ? new List<JsonObject> { lt } : templates)
        {
            var versions = t.Arr("versions").OfType<JsonObject>().OrderByDescending(v => v.Long("versionNumber") ?? 1).ToList();
            var latest = versions.FirstOrDefault()?.Long("versionNumber") ?? 1;
            var dflt = t.Long("defaultVersion") ?? 1;
            if (wanted.Count == 0) { rows.AddRange(versions.Select(v => (t, v))); continue; }
            foreach (var want in wanted)
            {
                long? n = want switch { "$Latest" => latest, "$Default" => dflt, _ => long.TryParse(want, NumberStyles.None, CultureInfo.InvariantCulture, out var x) ? x : null };
                var v = n is { } num ? versions.FirstOrDefault(x => (x.Long("versionNumber") ?? 1) == num) : null;
                if (v == null)
                    throw new AwsError(400, "InvalidLaunchTemplateId.VersionNotFound", $"Could not find launch template version {want} for launch template ID {t.Str("launchTemplateId")}.");
                rows.Add((t, v));
            }
        }
        var (start, max) = Paging(a, 1, 200, 200);
        var items = new List<JsonObject>();
        foreach (var (t, v) in rows.Skip(start).Take(max))
        {
            var data = (JsonObject)(v.Obj("launchTemplateData")?.DeepClone() ?? new JsonObject());
            if (data.Str("userDataText") is { } text)
            {
                data.Remove("userDataText");
                data["userData"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
            }
            var item = new JsonObject
            {
                ["launchTemplateId"] = t.Str("launchTemplateId"),
                ["launchTemplateName"] = t.Str("launchTemplateName"),
                ["versionNumber"] = v.Long("versionNumber") ?? 1,
                ["versionDescription"] = v.Str("versionDescription"),
                ["createTime"] = v.Str("createTime") ?? "2025-03-01T10:00:00.000Z",
                ["createdBy"] = v.Str("createdBy") ?? $"arn:aws:iam::{w.AccountId}:user/sandbox-admin",
                ["defaultVersion"] = (v.Long("versionNumber") ?? 1) == (t.Long("defaultVersion") ?? 1),
                ["launchTemplateData"] = data,
            };
            items.Add(item);
        }
        return ItemSet(a, "launchTemplateVersionSet", items, start + max < rows.Count, start + max);
    }

    private static readonly HashSet<string> ImageFilters = new(StringComparer.Ordinal) { "image-id", "name", "owner-id", "owner-alias", "architecture", "state" };

    /// <summary>DescribeImages: ImageId.N (an unknown id is InvalidAMIID.NotFound), Owner.N (account id, self, amazon), Filter.N.</summary>
    private AwsResponse DescribeImages(AwsRequest a)
    {
        var ids = Indexed(a, "ImageId");
        var owners = Indexed(a, "Owner");
        var filters = Filters(a);
        foreach (var f in filters)
            if (!ImageFilters.Contains(f.Name)) throw new AwsError(400, "InvalidParameterValue", $"The filter '{f.Name}' is invalid");
        foreach (var id in ids)
            if (!Regex.IsMatch(id, "^ami-([0-9a-f]{8}|[0-9a-f]{17})$")) throw new AwsError(400, "InvalidAMIID.Malformed", $"Invalid id: \"{id}\" (expecting \"ami-...\")");
        var images = w.Images.Where(i => i.Str("_region") == a.Region).ToList();
        var missing = ids.Where(id => images.All(i => i.Str("imageId") != id)).ToList();
        if (missing.Count > 0) throw new AwsError(400, "InvalidAMIID.NotFound", $"The image id '[{string.Join(", ", missing)}]' does not exist");
        var matched = images
            .Where(i => ids.Count == 0 || ids.Contains(i.Str("imageId")!))
            .Where(i => owners.Count == 0 || owners.Any(o => o == i.Str("imageOwnerId") || (o == "self" && i.Str("imageOwnerId") == w.AccountId) || (o == "amazon" && i.Str("imageOwnerAlias") == "amazon")))
            .Where(i => filters.All(f => f.Name switch
            {
                "image-id" => Wild(f.Values, i.Str("imageId")),
                "name" => Wild(f.Values, i.Str("name")),
                "owner-id" => Wild(f.Values, i.Str("imageOwnerId")),
                "owner-alias" => Wild(f.Values, i.Str("imageOwnerAlias")),
                "architecture" => Wild(f.Values, i.Str("architecture") ?? "x86_64"),
                "state" => Wild(f.Values, i.Str("imageState") ?? "available"),
                _ => false,
            })).ToList();
        var (start, max) = Paging(a, 5, 1000, 1000);
        return ItemSet(a, "imagesSet", matched.Skip(start).Take(max).Select(i =>
        {
            var name = i.Str("name") ?? "";
            return new JsonObject
            {
                ["imageId"] = i.Str("imageId"),
                ["imageLocation"] = i.Str("imageLocation") ?? $"{i.Str("imageOwnerAlias") ?? i.Str("imageOwnerId")}/{name}",
                ["imageState"] = i.Str("imageState") ?? "available",
                ["imageOwnerId"] = i.Str("imageOwnerId") ?? w.AccountId,
                ["creationDate"] = i.Str("creationDate") ?? "2025-11-12T08:00:00.000Z",
                ["isPublic"] = i.Bool("isPublic") ?? i.Str("imageOwnerAlias") == "amazon",
                ["architecture"] = i.Str("architecture") ?? "x86_64",
                ["imageType"] = "machine",
                ["platformDetails"] = i.Str("platformDetails") ?? "Linux/UNIX",
                ["usageOperation"] = "RunInstances",
                ["imageOwnerAlias"] = i.Str("imageOwnerAlias"),
                ["name"] = name,
                ["description"] = i.Str("description"),
                ["rootDeviceType"] = "ebs",
                ["rootDeviceName"] = "/dev/xvda",
                ["virtualizationType"] = "hvm",
                ["hypervisor"] = "xen",
                ["enaSupport"] = true,
                ["bootMode"] = "uefi-preferred",
            };
        }).ToList(), start + max < matched.Count, start + max);
    }

    private static readonly HashSet<string> SubnetFilters = new(StringComparer.Ordinal) { "subnet-id", "vpc-id", "availability-zone", "availability-zone-id", "cidr-block", "tag-key", "state" };

    /// <summary>DescribeSubnets: SubnetId.N (an unknown id is InvalidSubnetID.NotFound), Filter.N (vpc-id, subnet-id, availability-zone, tag:K, tag-key …), paging.</summary>
    private AwsResponse DescribeSubnets(AwsRequest a)
    {
        var ids = Indexed(a, "SubnetId");
        var filters = Filters(a);
        foreach (var f in filters)
            if (!SubnetFilters.Contains(f.Name) && !f.Name.StartsWith("tag:", StringComparison.Ordinal)) throw new AwsError(400, "InvalidParameterValue", $"The filter '{f.Name}' is invalid");
        var subnets = w.Subnets.Where(sn => sn.Str("_region") == a.Region).ToList();
        var missing = ids.Where(id => subnets.All(sn => sn.Str("subnetId") != id)).ToList();
        if (missing.Count > 0) throw new AwsError(400, "InvalidSubnetID.NotFound", $"The subnet ID '{string.Join(",", missing)}' does not exist");
        var matched = subnets
            .Where(sn => ids.Count == 0 || ids.Contains(sn.Str("subnetId")!))
            .Where(sn => filters.All(f => f.Name switch
            {
                "subnet-id" => Wild(f.Values, sn.Str("subnetId")),
                "vpc-id" => Wild(f.Values, sn.Str("vpcId")),
                "availability-zone" => Wild(f.Values, sn.Str("availabilityZone")),
                "availability-zone-id" => Wild(f.Values, sn.Str("availabilityZoneId")),
                "cidr-block" => Wild(f.Values, sn.Str("cidrBlock")),
                "state" => Wild(f.Values, "available"),
                _ => TagFilter(f, sn),
            })).ToList();
        var (start, max) = Paging(a, 5, 1000, 1000);
        return ItemSet(a, "subnetSet", matched.Skip(start).Take(max).Select(sn => new JsonObject
            {
                ["subnetId"] = sn.Str("subnetId"),
                ["subnetArn"] = $"arn:aws:ec2:{a.Region}:{w.AccountId}:subnet/{sn.Str("subnetId")}",
                ["state"] = "available",
                ["ownerId"] = w.AccountId,
                ["vpcId"] = sn.Str("vpcId"),
                ["cidrBlock"] = sn.Str("cidrBlock"),
                ["ipv6CidrBlockAssociationSet"] = new JsonArray(),
                ["availableIpAddressCount"] = sn.Long("availableIpAddressCount") ?? 8000,
                ["availabilityZone"] = sn.Str("availabilityZone"),
                ["availabilityZoneId"] = sn.Str("availabilityZoneId"),
                ["defaultForAz"] = false,
                ["mapPublicIpOnLaunch"] = sn.Bool("mapPublicIpOnLaunch") ?? false,
                ["assignIpv6AddressOnCreation"] = false,
                ["tagSet"] = TagSet(sn),
            }).ToList(), start + max < matched.Count, start + max);
    }

    private static readonly HashSet<string> GroupFilters = new(StringComparer.Ordinal) { "group-id", "group-name", "vpc-id", "description", "tag-key" };

    /// <summary>DescribeSecurityGroups: GroupId.N (unknown: InvalidGroup.NotFound), GroupName.N, Filter.N (group-id, group-name, vpc-id, tag:K, tag-key).</summary>
    private AwsResponse DescribeSecurityGroups(AwsRequest a)
    {
        var ids = Indexed(a, "GroupId");
        var names = Indexed(a, "GroupName");
        var filters = Filters(a);
        foreach (var f in filters)
            if (!GroupFilters.Contains(f.Name) && !f.Name.StartsWith("tag:", StringComparison.Ordinal)) throw new AwsError(400, "InvalidParameterValue", $"The filter '{f.Name}' is invalid");
        var groups = w.SecurityGroups.Where(g => g.Str("_region") == a.Region).ToList();
        var missing = ids.Where(id => groups.All(g => g.Str("groupId") != id)).ToList();
        if (missing.Count > 0) throw new AwsError(400, "InvalidGroup.NotFound", $"The security group '{string.Join(",", missing)}' does not exist");
        var matched = groups
            .Where(g => ids.Count == 0 || ids.Contains(g.Str("groupId")!))
            .Where(g => names.Count == 0 || names.Contains(g.Str("groupName")!))
            .Where(g => filters.All(f => f.Name switch
            {
                "group-id" => Wild(f.Values, g.Str("groupId")),
                "group-name" => Wild(f.Values, g.Str("groupName")),
                "vpc-id" => Wild(f.Values, g.Str("vpcId")),
                "description" => Wild(f.Values, g.Str("groupDescription")),
                _ => TagFilter(f, g),
            })).ToList();
        var (start, max) = Paging(a, 5, 1000, 1000);
        return ItemSet(a, "securityGroupInfo", matched.Skip(start).Take(max).Select(g =>
        {
            var self = g.Bool("_selfReferencing") == true
                ? new JsonArray(new JsonObject { ["ipProtocol"] = "-1", ["groups"] = new JsonArray(new JsonObject { ["userId"] = w.AccountId, ["groupId"] = g.Str("groupId") }), ["ipRanges"] = new JsonArray(), ["ipv6Ranges"] = new JsonArray(), ["prefixListIds"] = new JsonArray() })
                : g["ipPermissions"]?.DeepClone() as JsonArray ?? new JsonArray();
            return new JsonObject
            {
                ["ownerId"] = w.AccountId,
                ["groupId"] = g.Str("groupId"),
                ["groupName"] = g.Str("groupName"),
                ["groupDescription"] = g.Str("groupDescription") ?? g.Str("groupName"),
                ["vpcId"] = g.Str("vpcId"),
                ["securityGroupArn"] = $"arn:aws:ec2:{a.Region}:{w.AccountId}:security-group/{g.Str("groupId")}",
                ["ipPermissions"] = self,
                ["ipPermissionsEgress"] = new JsonArray(new JsonObject { ["ipProtocol"] = "-1", ["groups"] = new JsonArray(), ["ipRanges"] = new JsonArray(new JsonObject { ["cidrIp"] = "0.0.0.0/0" }), ["ipv6Ranges"] = new JsonArray(), ["prefixListIds"] = new JsonArray() }),
                ["tagSet"] = TagSet(g),
            };
        }).ToList(), start + max < matched.Count, start + max);
    }

    private JsonObject? Virtual(string id, string region)
    {
        if (w.VirtualInstances == null || w.VirtualInstancesRegion != region) return null;
        var n = Generator.IndexOf(id);
        return n >= 0 && n < w.VirtualInstances.Count ? w.VirtualInstances.Create(n) : null;
    }

    private AwsResponse DescribeInstanceTypes(AwsRequest a)
    {
        var names = Indexed(a, "InstanceType");
        var filters = Filters(a);
        var unknown = names.Where(n => !w.InstanceTypes.ContainsKey(n)).ToList();
        if (unknown.Count > 0)
            throw new AwsError(400, "InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", unknown)}]");
        var (start, max) = Paging(a, 5, 100, 100);
        var all = w.InstanceTypes.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Where(t => names.Count == 0 || names.Contains(t.Name))
            .Where(t => filters.All(f => f.Name switch
            {
                "instance-type" => Wild(f.Values, t.Name),
                "processor-info.supported-architecture" => Wild(f.Values, t.Arch),
                "current-generation" => Wild(f.Values, "true"),
                "hypervisor" => Wild(f.Values, t.Hypervisor),
                "vcpu-info.default-vcpus" => Wild(f.Values, t.VCpu.ToString(CultureInfo.InvariantCulture)),
                "memory-info.size-in-mib" => Wild(f.Values, t.MemoryMiB.ToString(CultureInfo.InvariantCulture)),
                _ => throw new AwsError(400, "InvalidParameterValue", $"The filter '{f.Name}' is invalid"),
            })).ToList();
        var sb = new StringBuilder($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstanceTypesResponse xmlns=\"{Ns}\">\n    <requestId>{a.RequestId}</requestId>\n    <instanceTypeSet>\n");
        foreach (var t in all.Skip(start).Take(max))
        {
            var o = new JsonObject
            {
                ["instanceType"] = t.Name,
                ["currentGeneration"] = true,
                ["freeTierEligible"] = false,
                ["supportedUsageClasses"] = new JsonArray("on-demand", "spot"),
                ["supportedRootDeviceTypes"] = new JsonArray("ebs"),
                ["supportedVirtualizationTypes"] = new JsonArray("hvm"),
                ["bareMetal"] = false,
                ["hypervisor"] = t.Hypervisor,
                ["processorInfo"] = new JsonObject { ["supportedArchitectures"] = new JsonArray(t.Arch), ["sustainedClockSpeedInGhz"] = t.Arch == "arm64" ? 2.5 : 3.1, ["manufacturer"] = t.Arch == "arm64" ? "AWS" : "Intel" },
                ["vCpuInfo"] = new JsonObject { ["defaultVCpus"] = t.VCpu, ["defaultCores"] = t.Arch == "arm64" ? t.VCpu : Math.Max(1, t.VCpu / 2), ["defaultThreadsPerCore"] = t.Arch == "arm64" ? 1 : 2 },
                ["memoryInfo"] = new JsonObject { ["sizeInMiB"] = t.MemoryMiB },
                ["instanceStorageSupported"] = false,
                ["ebsInfo"] = new JsonObject { ["ebsOptimizedSupport"] = "default", ["encryptionSupport"] = "supported", ["nvmeSupport"] = "required" },
                ["networkInfo"] = new JsonObject
                {
                    ["networkPerformance"] = t.Raw.Str("networkPerformance") ?? "Up to 10 Gigabit",
                    ["maximumNetworkInterfaces"] = t.MaxEnis,
                    ["maximumNetworkCards"] = 1,
                    ["defaultNetworkCardIndex"] = 0,
                    ["networkCards"] = new JsonArray(new JsonObject { ["networkCardIndex"] = 0, ["networkPerformance"] = t.Raw.Str("networkPerformance") ?? "Up to 10 Gigabit", ["maximumNetworkInterfaces"] = t.MaxEnis }),
                    ["ipv4AddressesPerInterface"] = t.Ipv4PerEni,
                    ["ipv6AddressesPerInterface"] = t.Ipv4PerEni,
                    ["ipv6Supported"] = true,
                    ["enaSupport"] = "required",
                    ["efaSupported"] = false,
                    ["encryptionInTransitSupported"] = false,
                },
                ["placementGroupInfo"] = new JsonObject { ["supportedStrategies"] = new JsonArray("cluster", "partition", "spread") },
                ["hibernationSupported"] = false,
                ["burstablePerformanceSupported"] = t.Name.StartsWith('t'),
                ["dedicatedHostsSupported"] = true,
                ["autoRecoverySupported"] = true,
                ["supportedBootModes"] = t.Arch == "arm64" ? new JsonArray("uefi") : new JsonArray("legacy-bios", "uefi"),
            };
            sb.Append("        <item>");
            Xml.Write(sb, o);
            sb.Append("</item>\n");
        }
        sb.Append("    </instanceTypeSet>\n");
        if (start + max < all.Count) sb.Append($"    <nextToken>{Token(a, start + max)}</nextToken>\n");
        sb.Append("</DescribeInstanceTypesResponse>");
        return AwsResponse.Xml(sb.ToString());
    }

    /// <summary>Spot prices are synthetic: derived from the scenario's on-demand rows (30–45 % of on-demand), three zones, hourly points.</summary>
    private AwsResponse DescribeSpotPriceHistory(AwsRequest a)
    {
        var types = Indexed(a, "InstanceType");
        var products = Indexed(a, "ProductDescription");
        var zone = a.Param("AvailabilityZone");
        var filters = Filters(a);
        DateTimeOffset? Time(string name)
        {
            if (a.Param(name) is not { } v) return null;
            return DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
                : throw new AwsError(400, "InvalidParameterValue", $"Value ({v}) for parameter {char.ToLowerInvariant(name[0])}{name[1..]} is invalid. Expected: 'dateTime'.");
        }
        var startTime = Time("StartTime");
        var endTime = Time("EndTime");
        var (start, max) = Paging(a, 1, 1000, 1000);
        var now = w.Now;
        var rows = new List<JsonObject>();
        foreach (var p in w.PriceProducts)
        {
            var attr = p["product"]?["attributes"];
            if (p.Str("serviceCode") != "AmazonEC2" || attr.Str("regionCode") != a.Region || attr.Str("operatingSystem") != "Linux" || attr.Str("tenancy") != "Shared" || attr.Str("capacitystatus") != "Used" || attr.Str("preInstalledSw") != "NA") continue;
            var type = attr.Str("instanceType")!;
            var od = decimal.Parse(p["terms"]!["OnDemand"]!.AsObject().First().Value!["priceDimensions"]!.AsObject().First().Value!["pricePerUnit"].Str("USD")!, CultureInfo.InvariantCulture);
            for (var z = 0; z < 3; z++)
            {
                var az = a.Region + (char)('a' + z);
                for (var h = 0; h < 3; h++)
                {
                    var ratio = 0.30m + (Ids.Hex($"spot/{az}/{type}/{h}", 2) is var hx ? Convert.ToInt32(hx, 16) % 16 : 0) / 100m;
                    rows.Add(new JsonObject
                    {
                        ["availabilityZone"] = az,
                        ["instanceType"] = type,
                        ["productDescription"] = "Linux/UNIX",
                        ["spotPrice"] = Math.Round(od * ratio, 6).ToString("0.000000", CultureInfo.InvariantCulture),
                        ["timestamp"] = J.Iso(now.AddHours(-h * 6 - 1)),
                    });
                }
            }
        }
        var matched = rows.Where(r =>
                (types.Count == 0 || types.Contains(r.Str("instanceType")!)) &&
                (products.Count == 0 || products.Contains(r.Str("productDescription")!)) &&
                (zone == null || r.Str("availabilityZone") == zone) &&
                (endTime == null || DateTimeOffset.Parse(r.Str("timestamp")!, CultureInfo.InvariantCulture) <= endTime.Value) &&
                filters.All(f => f.Name switch
                {
                    "instance-type" => Wild(f.Values, r.Str("instanceType")),
                    "product-description" => Wild(f.Values, r.Str("productDescription")),
                    "availability-zone" => Wild(f.Values, r.Str("availabilityZone")),
                    _ => throw new AwsError(400, "InvalidParameterValue", $"The filter '{f.Name}' is invalid"),
                }))
            .OrderByDescending(r => r.Str("timestamp"), StringComparer.Ordinal).ToList();
        if (startTime != null)
        {
            // Like EC2: the prices set after StartTime plus, per zone/type/product, the one still in effect at StartTime.
            DateTimeOffset Ts(JsonObject r) => DateTimeOffset.Parse(r.Str("timestamp")!, CultureInfo.InvariantCulture);
            var inEffect = matched.Where(r => Ts(r) < startTime.Value)
                .GroupBy(r => (r.Str("availabilityZone"), r.Str("instanceType"), r.Str("productDescription")))
                .Select(g => g.First()).ToHashSet();
            matched = matched.Where(r => Ts(r) >= startTime.Value || inEffect.Contains(r)).ToList();
        }
        var sb = new StringBuilder($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeSpotPriceHistoryResponse xmlns=\"{Ns}\">\n    <requestId>{a.RequestId}</requestId>\n    <spotPriceHistorySet>\n");
        foreach (var r in matched.Skip(start).Take(max))
        {
            sb.Append("        <item>");
            Xml.Write(sb, r);
            sb.Append("</item>\n");
        }
        sb.Append("    </spotPriceHistorySet>\n");
        sb.Append(start + max < matched.Count ? $"    <nextToken>{Token(a, start + max)}</nextToken>\n" : "    <nextToken/>\n");
        sb.Append("</DescribeSpotPriceHistoryResponse>");
        return AwsResponse.Xml(sb.ToString());
    }
}

/// <summary>Renders JSON as EC2-style XML: objects become elements, arrays become &lt;item&gt; lists; "_" keys are internal.</summary>
internal static class Xml
{
    public static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k.StartsWith('_') || v is null) continue;
                    if (v is JsonArray arr && arr.Count == 0) { sb.Append('<').Append(k).Append("/>"); continue; }
                    sb.Append('<').Append(k).Append('>');
                    Write(sb, v);
                    sb.Append("</").Append(k).Append('>');
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    sb.Append("<item>");
                    Write(sb, item);
                    sb.Append("</item>");
                }
                break;
            case JsonValue v:
                var s = v.TryGetValue<bool>(out var b) ? (b ? "true" : "false") : v.ToString();
                sb.Append(AwsApi.X(s));
                break;
        }
    }
}
