using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Aws;

/// <summary>STS GetCallerIdentity and the IAM role/policy reads (Query protocol, XML responses).</summary>
internal sealed class StsIam(World w)
{
    private const string StsNs = "https://sts.amazonaws.com/doc/2011-06-15/";
    private const string IamNs = "https://iam.amazonaws.com/doc/2010-05-08/";

    public AwsResponse Handle(AwsRequest a)
    {
        if (a.Service == "sts")
        {
            return a.Action switch
            {
                "GetCallerIdentity" => Wrap(StsNs, a, $"<Arn>{X(a.Identity.Arn)}</Arn><UserId>{X(a.Identity.UserId)}</UserId><Account>{w.AccountId}</Account>"),
                "" => throw new AwsError(400, "MissingAction", "Missing Action"),
                _ => throw new AwsError(400, "InvalidAction", $"Could not find operation {a.Action} for version 2011-06-15"),
            };
        }
        return a.Action switch
        {
            "GetRole" => GetRole(a),
            "GetInstanceProfile" => GetInstanceProfile(a),
            "ListAttachedRolePolicies" => ListAttached(a),
            "ListRolePolicies" => ListInline(a),
            "GetRolePolicy" => GetRolePolicy(a),
            "GetPolicy" => GetPolicy(a),
            "GetPolicyVersion" => GetPolicyVersion(a),
            "SimulatePrincipalPolicy" => SimulatePrincipalPolicy(a),
            "" => throw new AwsError(400, "MissingAction", "Missing Action"),
            _ => throw new AwsError(400, "InvalidAction", $"Could not find operation {a.Action} for version 2010-05-08"),
        };
    }

    private static string X(string? s) => AwsApi.X(s ?? "");

    private static AwsResponse Wrap(string ns, AwsRequest a, string result) => AwsResponse.Xml(
        $"<{a.Action}Response xmlns=\"{ns}\">\n  <{a.Action}Result>\n    {result}\n  </{a.Action}Result>\n  <ResponseMetadata>\n    <RequestId>{a.RequestId}</RequestId>\n  </ResponseMetadata>\n</{a.Action}Response>\n");

    /// <summary>IAM returns policy documents URL-encoded (RFC 3986).</summary>
    private static string Doc(JsonNode? doc) => Uri.EscapeDataString(doc switch { null => "{}", JsonValue v => v.ToString(), _ => doc.ToJsonString() });

    private JsonObject Role(AwsRequest a)
    {
        var name = Required(a, "RoleName");
        return w.Roles.GetValueOrDefault(name) ?? throw new AwsError(404, "NoSuchEntity", $"The role with name {name} cannot be found.");
    }

    private static string Required(AwsRequest a, string p) =>
        a.Param(p) is { Length: > 0 } v ? v : throw new AwsError(400, "ValidationError", $"1 validation error detected: Value null at '{char.ToLowerInvariant(p[0]) + p[1..]}' failed to satisfy constraint: Member must not be null");

    private AwsResponse GetRole(AwsRequest a)
    {
        var r = Role(a);
        var sb = new StringBuilder("<Role>");
        sb.Append($"<Path>{X(r.Str("path"))}</Path><AssumeRolePolicyDocument>{Doc(r["assumeRolePolicyDocument"])}</AssumeRolePolicyDocument>");
        sb.Append($"<MaxSessionDuration>3600</MaxSessionDuration><RoleId>{X(r.Str("roleId"))}</RoleId><RoleName>{X(r.Str("roleName"))}</RoleName>");
        sb.Append($"<Arn>{X(r.Str("arn"))}</Arn><CreateDate>{X(r.Str("createDate"))}</CreateDate>");
        if (r.Str("description") is { } d) sb.Append($"<Description>{X(d)}</Description>");
        sb.Append("<RoleLastUsed/>");
        if (r.Obj("tags") is { Count: > 0 } tags)
        {
            sb.Append("<Tags>");
            foreach (var (k, v) in tags) sb.Append($"<member><Key>{X(k)}</Key><Value>{X(v?.ToString())}</Value></member>");
            sb.Append("</Tags>");
        }
        sb.Append("</Role>");
        return Wrap(IamNs, a, sb.ToString());
    }

    /// <summary>GetInstanceProfile: every profile a NodeClass status or an EC2 instance names, with its role.</summary>
    private AwsResponse GetInstanceProfile(AwsRequest a)
    {
        var name = Required(a, "InstanceProfileName");
        if (!w.InstanceProfiles.TryGetValue(name, out var roleName))
            throw new AwsError(404, "NoSuchEntity", $"Instance Profile {name} cannot be found.");
        var sb = new StringBuilder("<InstanceProfile>");
        sb.Append($"<InstanceProfileId>{X(NodeFactory.InstanceProfileId(name))}</InstanceProfileId><Path>/</Path><InstanceProfileName>{X(name)}</InstanceProfileName>");
        sb.Append($"<Arn>arn:aws:iam::{w.AccountId}:instance-profile/{X(name)}</Arn><CreateDate>2025-01-10T09:12:00Z</CreateDate><Roles>");
        if (roleName.Length > 0)
        {
            var r = w.Roles.GetValueOrDefault(roleName);
            sb.Append($"<member><Path>/</Path><AssumeRolePolicyDocument>{Doc(r?["assumeRolePolicyDocument"])}</AssumeRolePolicyDocument><RoleId>{X(r?.Str("roleId") ?? "AROA" + Ids.Hex("role" + roleName, 17).ToUpperInvariant())}</RoleId>");
            sb.Append($"<RoleName>{X(roleName)}</RoleName><Arn>{X(r?.Str("arn") ?? $"arn:aws:iam::{w.AccountId}:role/{roleName}")}</Arn><CreateDate>{X(r?.Str("createDate") ?? "2025-01-10T09:00:00Z")}</CreateDate></member>");
        }
        sb.Append("</Roles></InstanceProfile>");
        return Wrap(IamNs, a, sb.ToString());
    }

    private (List<T> Page, string? Marker) Paged<T>(AwsRequest a, List<T> all)
    {
        var max = 100;
        if (a.Param("MaxItems") is { } m && (!int.TryParse(m, CultureInfo.InvariantCulture, out max) || max < 1 || max > 1000))
            throw new AwsError(400, "ValidationError", "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000");
        var start = 0;
        if (a.Param("Marker") is { } mk && !int.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(mk)), CultureInfo.InvariantCulture, out start))
            throw new AwsError(400, "ValidationError", "Invalid Marker.");
        var page = all.Skip(start).Take(max).ToList();
        return (page, start + max < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes((start + max).ToString(CultureInfo.InvariantCulture))) : null);
    }

    private static string Truncation(string? marker) => marker == null ? "<IsTruncated>false</IsTruncated>" : $"<IsTruncated>true</IsTruncated><Marker>{marker}</Marker>";

    private AwsResponse ListAttached(AwsRequest a)
    {
        var r = Role(a);
        var (page, marker) = Paged(a, r.Strings("attachedPolicies").ToList());
        var sb = new StringBuilder("<AttachedPolicies>");
        foreach (var arn in page) sb.Append($"<member><PolicyArn>{X(arn)}</PolicyArn><PolicyName>{X(arn[(arn.LastIndexOf('/') + 1)..])}</PolicyName></member>");
        sb.Append("</AttachedPolicies>").Append(Truncation(marker));
        return Wrap(IamNs, a, sb.ToString());
    }

    private AwsResponse ListInline(AwsRequest a)
    {
        var r = Role(a);
        var (page, marker) = Paged(a, (r.Obj("inlinePolicies") ?? new JsonObject()).Select(kv => kv.Key).ToList());
        var sb = new StringBuilder("<PolicyNames>");
        foreach (var n in page) sb.Append($"<member>{X(n)}</member>");
        sb.Append("</PolicyNames>").Append(Truncation(marker));
        return Wrap(IamNs, a, sb.ToString());
    }

    private AwsResponse GetRolePolicy(AwsRequest a)
    {
        var r = Role(a);
        var name = Required(a, "PolicyName");
        var doc = r.Obj("inlinePolicies")?[name] ?? throw new AwsError(404, "NoSuchEntity", $"The role policy with name {name} cannot be found.");
        return Wrap(IamNs, a, $"<RoleName>{X(r.Str("roleName"))}</RoleName><PolicyName>{X(name)}</PolicyName><PolicyDocument>{Doc(doc)}</PolicyDocument>");
    }

    private JsonObject Policy(AwsRequest a)
    {
        var arn = Required(a, "PolicyArn");
        return w.Policies.GetValueOrDefault(arn) ?? throw new AwsError(404, "NoSuchEntity", $"Policy {arn} does not exist or is not attachable.");
    }

    private AwsResponse GetPolicy(AwsRequest a)
    {
        var p = Policy(a);
        var arn = p.Str("arn")!;
        return Wrap(IamNs, a,
            $"<Policy><PolicyName>{X(arn[(arn.LastIndexOf('/') + 1)..])}</PolicyName><DefaultVersionId>{X(p.Str("defaultVersionId") ?? "v1")}</DefaultVersionId>" +
            $"<PolicyId>ANPA{Ids.Hex(arn, 17).ToUpperInvariant()}</PolicyId><Path>{X(p.Str("path") ?? "/")}</Path><Arn>{X(arn)}</Arn><AttachmentCount>1</AttachmentCount>" +
            $"<IsAttachable>true</IsAttachable><CreateDate>{X(p.Str("createDate") ?? "2024-11-27T00:00:00Z")}</CreateDate><UpdateDate>{X(p.Str("updateDate") ?? "2025-06-01T00:00:00Z")}</UpdateDate></Policy>");
    }

    /// <summary>
    /// SimulatePrincipalPolicy for a role ARN (PolicySourceArn): ActionNames.member.N, ResourceArns.member.N (default *),
    /// ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}; evaluated by <see cref="PolicySimulator"/>.
    /// </summary>
    private AwsResponse SimulatePrincipalPolicy(AwsRequest a)
    {
        var source = Required(a, "PolicySourceArn");
        var role = source.Contains(":role/", StringComparison.Ordinal) ? source[(source.LastIndexOf('/') + 1)..] : null;
        if (role == null) throw new AwsError(400, "InvalidInput", $"The sandbox simulates policies of roles only; {source} is not a role ARN.");
        var r = w.Roles.GetValueOrDefault(role) ?? throw new AwsError(404, "NoSuchEntity", $"The role with name {role} cannot be found.");
        var actions = Members(a, "ActionNames");
        if (actions.Count == 0) throw new AwsError(400, "ValidationError", "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null");
        var resources = Members(a, "ResourceArns");
        if (resources.Count == 0) resources.Add("*");
        var context = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; a.Param($"ContextEntries.member.{i}.ContextKeyName") is { } key; i++)
            context[key] = Members(a, $"ContextEntries.member.{i}.ContextKeyValues");
        var policies = new List<PolicySimulator.Source>();
        foreach (var arn in r.Strings("attachedPolicies"))
            policies.Add(new(arn[(arn.LastIndexOf('/') + 1)..], arn.StartsWith("arn:aws:iam::aws:", StringComparison.Ordinal) ? "aws-managed" : "user-managed", w.Policies.GetValueOrDefault(arn)?["document"]));
        foreach (var (name, doc) in r.Obj("inlinePolicies") ?? new JsonObject())
            policies.Add(new(name, "role", doc));
        var sb = new StringBuilder("<IsTruncated>false</IsTruncated><EvaluationResults>");
        foreach (var res in PolicySimulator.Evaluate(policies, actions, resources, context))
        {
            sb.Append($"<member><EvalActionName>{X(res.Action)}</EvalActionName><EvalResourceName>{X(res.Resource)}</EvalResourceName><EvalDecision>{res.Decision}</EvalDecision>");
            sb.Append(res.Matched.Count == 0 ? "<MatchedStatements/>" : "<MatchedStatements>");
            foreach (var m in res.Matched) sb.Append($"<member><SourcePolicyId>{X(m.Id)}</SourcePolicyId><SourcePolicyType>{m.Type}</SourcePolicyType></member>");
            if (res.Matched.Count > 0) sb.Append("</MatchedStatements>");
            sb.Append(res.Missing.Count == 0 ? "<MissingContextValues/>" : "<MissingContextValues>");
            foreach (var k in res.Missing) sb.Append($"<member>{X(k)}</member>");
            if (res.Missing.Count > 0) sb.Append("</MissingContextValues>");
            sb.Append("<EvalDecisionDetails/></member>");
        }
        sb.Append("</EvaluationResults>");
        return Wrap(IamNs, a, sb.ToString());
    }

    private static List<string> Members(AwsRequest a, string prefix)
    {
        var list = new List<string>();
        for (var i = 1; a.Param($"{prefix}.member.{i}") is { } v; i++) list.Add(v);
        return list;
    }

    private AwsResponse GetPolicyVersion(AwsRequest a)
    {
        var p = Policy(a);
        var v = Required(a, "VersionId");
        var def = p.Str("defaultVersionId") ?? "v1";
        if (v != def) throw new AwsError(404, "NoSuchEntity", $"Policy {p.Str("arn")} version {v} does not exist or is not attachable.");
        return Wrap(IamNs, a, $"<PolicyVersion><Document>{Doc(p["document"])}</Document><VersionId>{X(v)}</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>{X(p.Str("updateDate") ?? "2025-06-01T00:00:00Z")}</CreateDate></PolicyVersion>");
    }
}

/// <summary>Pricing GetProducts (JSON 1.1, target AWSPriceListService.GetProducts).</summary>
internal sealed class PricingApi(World w)
{
    public AwsResponse Handle(AwsRequest a)
    {
        if (a.JsonBody is not JsonObject body) throw new AwsError(400, "SerializationException", "Unable to parse the request body as JSON.");
        return a.Action switch
        {
            "GetProducts" => GetProducts(a, body),
            "DescribeServices" => AwsResponse.Json(new JsonObject
            {
                ["FormatVersion"] = "aws_v1",
                ["Services"] = new JsonArray(w.PriceProducts.Select(p => p.Str("serviceCode")).Distinct().Select(s => (JsonNode)new JsonObject { ["ServiceCode"] = s, ["AttributeNames"] = new JsonArray("instanceType", "regionCode", "operation", "location") }).ToArray()),
            }, "application/x-amz-json-1.1"),
            _ => throw new AwsError(400, "UnknownOperationException", $"Unknown operation {a.Action}"),
        };
    }

    private AwsResponse GetProducts(AwsRequest a, JsonObject body)
    {
        var service = body.Str("ServiceCode");
        var max = (int)(body.Long("MaxResults") ?? 100);
        if (max is < 1 or > 100) throw new AwsError(400, "InvalidParameterException", "MaxResults must be between 1 and 100.");
        var filters = new List<(string Type, string Field, string Value)>();
        foreach (var f in body.Arr("Filters"))
        {
            var type = f.Str("Type") ?? "";
            if (type is not ("TERM_MATCH" or "EQUALS" or "CONTAINS" or "ANY_OF" or "NONE_OF"))
                throw new AwsError(400, "InvalidParameterException", $"Invalid filter type: {type}. Valid values: TERM_MATCH, EQUALS, CONTAINS, ANY_OF, NONE_OF");
            filters.Add((type, f.Str("Field") ?? "", f.Str("Value") ?? ""));
        }
        var start = 0;
        if (body.Str("NextToken") is { } t && !int.TryParse(Encoding.UTF8.GetString(SafeB64(t)), CultureInfo.InvariantCulture, out start))
            throw new AwsError(400, "InvalidNextTokenException", "The provided next token is invalid.");
        var matched = w.PriceProducts.Where(p => service == null || p.Str("serviceCode") == service).Where(p => filters.All(f => Match(p, f))).ToList();
        var list = new JsonArray();
        foreach (var p in matched.Skip(start).Take(max))
        {
            var clean = (JsonObject)p.DeepClone();
            foreach (var k in clean.Select(kv => kv.Key).Where(k => k.StartsWith('_')).ToList()) clean.Remove(k);
            list.Add(clean.ToJsonString());
        }
        var r = new JsonObject { ["FormatVersion"] = "aws_v1", ["PriceList"] = list };
        if (start + max < matched.Count) r["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((start + max).ToString(CultureInfo.InvariantCulture)));
        return AwsResponse.Json(r, "application/x-amz-json-1.1");
    }

    private static byte[] SafeB64(string t)
    {
        try { return Convert.FromBase64String(t); } catch (FormatException) { return []; }
    }

    /// <summary>Attribute names match case-insensitively (the live API accepts "instanceType" and "instancetype").</summary>
    private static bool Match(JsonObject p, (string Type, string Field, string Value) f)
    {
        string? actual;
        if (f.Field.Equals("sku", StringComparison.OrdinalIgnoreCase)) actual = p["product"].Str("sku");
        else if (f.Field.Equals("productFamily", StringComparison.OrdinalIgnoreCase)) actual = p["product"].Str("productFamily");
        else actual = p["product"]?["attributes"]?.AsObject().FirstOrDefault(kv => kv.Key.Equals(f.Field, StringComparison.OrdinalIgnoreCase)).Value?.ToString();
        return f.Type switch
        {
            "TERM_MATCH" or "EQUALS" => actual != null && actual.Equals(f.Value, StringComparison.OrdinalIgnoreCase),
            "CONTAINS" => actual != null && actual.Contains(f.Value, StringComparison.OrdinalIgnoreCase),
            "ANY_OF" => actual != null && f.Value.Split(',').Any(v => v.Trim().Equals(actual, StringComparison.OrdinalIgnoreCase)),
            "NONE_OF" => actual == null || !f.Value.Split(',').Any(v => v.Trim().Equals(actual, StringComparison.OrdinalIgnoreCase)),
            _ => false,
        };
    }
}
