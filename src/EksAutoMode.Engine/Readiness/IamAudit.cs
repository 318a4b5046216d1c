using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Readiness;

/// <summary>What Test-AutoModeIamRole audits: role names (given, or read from the cluster) and where custom tags come from.</summary>
public sealed record IamAuditInput
{
    public string? ClusterRoleName { get; init; }
    public string? NodeRoleName { get; init; }

    /// <summary>With a cluster: DescribeCluster gives the roles, Kubernetes gives NodeClass roles and tag requests, EKS gives access entries.</summary>
    public IReadinessSource? Cluster { get; init; }
}

/// <summary>One IAM role as IAM reports it: trust policy, attached managed policy ARNs and every policy document (inline and customer managed).</summary>
public sealed record IamRoleFacts(string Name, string Arn, JsonElement Trust, IReadOnlyList<string> AttachedPolicyArns, IReadOnlyList<JsonElement> Documents);

/// <summary>
/// The AMI-* rows of the readiness catalogue: the cluster role's five managed policies and trust (sts:AssumeRole and
/// sts:TagSession), the node role's policies and trust, node role ≠ cluster role, EC2 access entries with
/// AmazonEKSAutoNodePolicy for custom NodeClass roles, and the tag-propagation statements when NodeClasses,
/// StorageClasses, IngressClassParams or load balancer annotations ask for custom tags. Each finding names the
/// missing policy, action or statement and gives the JSON to add. IAM or Kubernetes failures → Skipped.
/// </summary>
public sealed class IamAudit
{
    private const string IamVersion = "2010-05-08";
    private static readonly KubernetesResourceType StorageClasses = new("storage.k8s.io", "v1", "storageclasses", "StorageClass");
    private static readonly KubernetesResourceType AutoIngressClassParams = new("eks.amazonaws.com", "v1", "ingressclassparams", "IngressClassParams");
    /// <summary>Tag-propagation statement groups (auto-cluster-iam-role.html): name, actions, resources, extra StringLike keys.</summary>
    internal static readonly (string Sid, string[] Actions, string[] Resources, string[] LikeKeys)[] TagStatements =
    {
        ("Compute", new[] { "ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate" }, new[] { "*" }, new[] { "aws:RequestTag/eks:kubernetes-node-class-name", "aws:RequestTag/eks:kubernetes-node-pool-name" }),
        ("Storage", new[] { "ec2:CreateVolume", "ec2:CreateSnapshot" }, new[] { "arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:snapshot/*" }, Array.Empty<string>()),
        ("Networking", new[] { "ec2:CreateNetworkInterface" }, new[] { "*" }, new[] { "aws:RequestTag/eks:kubernetes-cni-node-name" }),
        ("LoadBalancer", new[] { "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule", "ec2:CreateSecurityGroup" }, new[] { "*" }, Array.Empty<string>()),
    };

    private readonly AwsSession _session;
    private readonly IamAuditInput _input;
    private readonly ReadinessData? _data;
    private readonly ConcurrentDictionary<string, Lazy<Task<IamRoleFacts?>>> _roles = new(StringComparer.Ordinal);

    public IamAudit(AwsSession session, IamAuditInput input, DateTimeOffset now)
    {
        _session = session;
        _input = input;
        _data = input.Cluster is null ? null : new ReadinessData(input.Cluster, null, now);
    }

    public async Task<IReadOnlyList<ReadinessResult>> RunAsync(ReadinessFilter filter, CancellationToken ct)
    {
        var results = new List<ReadinessResult>();
        foreach (ReadinessCheck check in ReadinessCatalogue.Iam.Where(filter.Selects))
        {
            results.Add(await ReadinessEngine.GuardAsync(check, c => EvaluateAsync(check, c), ct).ConfigureAwait(false));
        }

        return results;
    }

    private Task<ReadinessOutcome> EvaluateAsync(ReadinessCheck check, CancellationToken ct) => check.Id switch
    {
        "AMI-CLU-001" => ManagedPoliciesAsync(check, true, ct),
        "AMI-CLU-002" => TrustAsync(check, true, ct),
        "AMI-NOD-001" => ManagedPoliciesAsync(check, false, ct),
        "AMI-NOD-002" => TrustAsync(check, false, ct),
        "AMI-NOD-003" => SeparateRolesAsync(ct),
        "AMI-ACC-001" => AccessEntriesAsync(check, ct),
        "AMI-TAG-001" => TagPropagationAsync(ct),
        _ => throw new EngineException("ReadinessEvaluatorUnknown", ErrorKind.InvalidData, $"No IAM evaluator for {check.Id}.", check.Id),
    };

    // ------------------------------------------------------------------ role names

    public async Task<string> ClusterRoleNameAsync(CancellationToken ct)
    {
        if (_input.ClusterRoleName is { Length: > 0 } n) return n;
        if (_data is null) throw Missing("cluster role", "-ClusterRoleName or -ClusterName");
        JsonElement cluster = await _data.ClusterAsync(ct).ConfigureAwait(false);
        return RoleName(cluster.Str("roleArn")) ?? throw Missing("cluster role", "-ClusterRoleName (DescribeCluster gave no roleArn)");
    }

    public async Task<string> NodeRoleNameAsync(CancellationToken ct)
    {
        if (_input.NodeRoleName is { Length: > 0 } n) return n;
        if (_data is null) throw Missing("node role", "-NodeRoleName or -ClusterName");
        JsonElement cluster = await _data.ClusterAsync(ct).ConfigureAwait(false);
        return RoleName(cluster.Str("computeConfig", "nodeRoleArn"))
            ?? throw Missing("node role", "-NodeRoleName (the cluster has no Auto Mode node role yet: computeConfig.nodeRoleArn is empty)");
    }

    private static EngineException Missing(string what, string how) =>
        new("IamRoleUnknown", ErrorKind.InvalidArgument, $"The {what} is not known: give {how}.", what);

    /// <summary>The role name of a role ARN (the last path segment), or the text itself when it is not an ARN.</summary>
    public static string? RoleName(string? arnOrName)
    {
        if (string.IsNullOrWhiteSpace(arnOrName)) return null;
        string s = arnOrName.Trim();
        int role = s.IndexOf(":role/", StringComparison.Ordinal);
        return role >= 0 ? s[(s.LastIndexOf('/') + 1)..] : s;
    }

    // ------------------------------------------------------------------ evaluators

    private async Task<ReadinessOutcome> ManagedPoliciesAsync(ReadinessCheck check, bool clusterRole, CancellationToken ct)
    {
        string name = clusterRole ? await ClusterRoleNameAsync(ct).ConfigureAwait(false) : await NodeRoleNameAsync(ct).ConfigureAwait(false);
        IamRoleFacts? role = await RoleAsync(name, ct).ConfigureAwait(false);
        if (role is null) return NoRole(name, clusterRole);
        var missing = new List<string>();
        var notes = new List<string>();
        foreach (string arn in check.Parameters.Names)
        {
            if (role.AttachedPolicyArns.Contains(arn, StringComparer.Ordinal)) continue;
            if (check.Parameters.Minimums.GetValueOrDefault(arn) is { } alt && role.AttachedPolicyArns.Contains(alt, StringComparer.Ordinal))
            {
                notes.Add($"{PolicyName(alt)} (broader) stands in for {PolicyName(arn)}");
                continue;
            }

            missing.Add(arn);
        }

        string roleText = clusterRole ? "cluster role" : "node role";
        if (missing.Count == 0)
            return ReadinessOutcome.Pass($"The {roleText} {name} has {string.Join(", ", check.Parameters.Names.Select(PolicyName))}." + (notes.Count > 0 ? " " + string.Join("; ", notes) + "." : ""));
        var evidence = missing.Select(a => new ReadinessEvidence("IAMRole", null, name, "missing managed policy " + a)).ToArray();
        var json = new JsonArray(missing.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        return new ReadinessOutcome(evidence, $"The {roleText} {name} lacks {string.Join(", ", missing.Select(PolicyName))}.", PolicyJson: json.ToJsonString());
    }

    private async Task<ReadinessOutcome> TrustAsync(ReadinessCheck check, bool clusterRole, CancellationToken ct)
    {
        string name = clusterRole ? await ClusterRoleNameAsync(ct).ConfigureAwait(false) : await NodeRoleNameAsync(ct).ConfigureAwait(false);
        IamRoleFacts? role = await RoleAsync(name, ct).ConfigureAwait(false);
        if (role is null) return NoRole(name, clusterRole);
        string service = check.Parameters.Names[0];
        var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonElement st in Statements(role.Trust))
        {
            if (st.Str("Effect") == "Allow" && Strings(st.Path("Principal", "Service")).Contains(service, StringComparer.OrdinalIgnoreCase))
            {
                foreach (string a in Strings(st.Path("Action")))
                {
                    foreach (string wanted in check.Parameters.Values)
                    {
                        if (ActionMatches(a, wanted)) allowed.Add(wanted);
                    }
                }
            }
        }

        var missing = check.Parameters.Values.Where(v => !allowed.Contains(v)).ToArray();
        if (missing.Length == 0)
            return ReadinessOutcome.Pass($"The trust policy of {name} lets {service} {string.Join(" and ", check.Parameters.Values)}.");
        var statement = new JsonObject
        {
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = service },
            ["Action"] = new JsonArray(check.Parameters.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        };
        var trust = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(statement) };
        return new ReadinessOutcome(new[] { new ReadinessEvidence("IAMRole", null, name, $"trust policy: {service} lacks {string.Join(", ", missing)}") },
            $"The trust policy of {name} does not let {service} {string.Join(" and ", missing)}.", PolicyJson: trust.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private async Task<ReadinessOutcome> SeparateRolesAsync(CancellationToken ct)
    {
        string cluster = await ClusterRoleNameAsync(ct).ConfigureAwait(false);
        string node = await NodeRoleNameAsync(ct).ConfigureAwait(false);
        return string.Equals(cluster, node, StringComparison.Ordinal)
            ? new ReadinessOutcome(new[] { new ReadinessEvidence("IAMRole", null, node, "used as both cluster role and node role") }, $"{node} is both the cluster role and the node role.")
            : ReadinessOutcome.Pass($"Node role {node} is not the cluster role {cluster}.");
    }

    private async Task<ReadinessOutcome> AccessEntriesAsync(ReadinessCheck check, CancellationToken ct)
    {
        if (_data is null) throw Missing("cluster", "-ClusterName to read NodeClasses and access entries");
        JsonElement cluster = await _data.ClusterAsync(ct).ConfigureAwait(false);
        bool autoMode = cluster.Path("computeConfig", "enabled") is { ValueKind: JsonValueKind.True };
        string? builtIn = RoleName(cluster.Str("computeConfig", "nodeRoleArn")) ?? _input.NodeRoleName;
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (JsonElement nc in await _data.ListAsync(KubernetesResourceType.NodeClasses, ct).ConfigureAwait(false))
        {
            if (RoleName(nc.Str("spec", "role")) is { } r && r != builtIn) roles.Add(r);
        }

        if (autoMode && builtIn is not null) roles.Add(builtIn);
        if (roles.Count == 0)
            return ReadinessOutcome.Pass("No custom NodeClass role needs an access entry (EKS creates the built-in node role's entry when Auto Mode is enabled).");
        IReadOnlyList<JsonElement> entries = await AccessEntryDetailsAsync(cluster.Str("name") ?? _data.Source.ClusterName!, ct).ConfigureAwait(false);
        string policy = check.Parameters.Names[0], type = check.Parameters.Values[0];
        var evidence = new List<ReadinessEvidence>();
        string? clusterName = cluster.Str("name") ?? _data.Source.ClusterName;
        string account = cluster.Str("arn")?.Split(':').ElementAtOrDefault(4) ?? "<account-id>";
        foreach (string role in roles)
        {
            JsonElement? entry = entries.FirstOrDefault(e => RoleName(e.Str("principalArn")) == role && e.Str("principalArn")!.Contains(":role/", StringComparison.Ordinal));
            if (entry is not { ValueKind: JsonValueKind.Object } e)
            {
                evidence.Add(new ReadinessEvidence("AccessEntry", null, role, $"no access entry (needs type {type} with {PolicyName(policy)})"));
                continue;
            }

            var problems = new List<string>();
            if (e.Str("type") != type) problems.Add($"type {e.Str("type")} (needs {type})");
            if (!e.Array("_policies").Any(p => p.Str("policyArn") == policy)) problems.Add($"{PolicyName(policy)} not associated");
            if (problems.Count > 0) evidence.Add(new ReadinessEvidence("AccessEntry", null, role, string.Join("; ", problems)));
        }

        if (evidence.Count == 0)
            return ReadinessOutcome.Pass($"Every node role ({string.Join(", ", roles)}) has an {type} access entry with {PolicyName(policy)}.");
        var fix = new JsonArray(evidence.Select(ev => (JsonNode)new JsonObject
        {
            ["clusterName"] = clusterName,
            ["principalArn"] = $"arn:aws:iam::{account}:role/{ev.Name}",
            ["type"] = type,
            ["accessPolicy"] = new JsonObject { ["policyArn"] = policy, ["accessScope"] = new JsonObject { ["type"] = "cluster" } },
        }).ToArray());
        return new ReadinessOutcome(evidence, $"Node roles without a usable access entry: {string.Join(", ", evidence.Select(x => x.Name))}.",
            PolicyJson: fix.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private async Task<ReadinessOutcome> TagPropagationAsync(CancellationToken ct)
    {
        if (_data is null) throw Missing("cluster", "-ClusterName to find NodeClasses, StorageClasses and IngressClassParams with custom tags");
        var needs = new Dictionary<string, List<ReadinessEvidence>>(StringComparer.Ordinal);
        var tagKeys = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Need(string sid, ReadinessEvidence e, IEnumerable<string> keys)
        {
            (needs.TryGetValue(sid, out var l) ? l : needs[sid] = new List<ReadinessEvidence>()).Add(e);
            (tagKeys.TryGetValue(sid, out var k) ? k : tagKeys[sid] = new SortedSet<string>(StringComparer.Ordinal)).UnionWith(keys);
        }

        foreach (JsonElement nc in await _data.ListAsync(KubernetesResourceType.NodeClasses, ct).ConfigureAwait(false))
        {
            if (nc.Map("spec", "tags") is { Count: > 0 } tags)
            {
                var ev = new ReadinessEvidence("NodeClass", null, nc.Name(), "spec.tags " + string.Join(", ", tags.Keys));
                Need("Compute", ev, tags.Keys);
                Need("Networking", ev, tags.Keys);
            }
        }

        foreach (JsonElement sc in await _data.ListAsync(StorageClasses, ct).ConfigureAwait(false))
        {
            var keys = sc.Map("parameters").Where(kv => kv.Key.StartsWith("tagSpecification_", StringComparison.Ordinal)).ToArray();
            if (keys.Length > 0 && sc.Str("provisioner") == "ebs.csi.eks.amazonaws.com")
                Need("Storage", new ReadinessEvidence("StorageClass", null, sc.Name(), "parameters " + string.Join(", ", keys.Select(k => k.Key))), keys.Select(k => k.Value.Split('=')[0].Trim()));
        }

        foreach (JsonElement icp in await _data.ListAsync(AutoIngressClassParams, ct).ConfigureAwait(false))
        {
            if (icp.Path("spec", "tags") is { ValueKind: JsonValueKind.Array } t && t.GetArrayLength() > 0)
                Need("LoadBalancer", new ReadinessEvidence("IngressClassParams", null, icp.Name(), $"spec.tags ({t.GetArrayLength()})"), t.EnumerateArray().Select(x => x.Str("key")).OfType<string>());
        }

        foreach ((KubernetesResourceType res, string key) in new[] { (KubernetesResourceType.Ingresses, "alb.ingress.kubernetes.io/tags"), (KubernetesResourceType.Services, "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags") })
        {
            foreach (JsonElement o in await _data.ListAsync(res, ct).ConfigureAwait(false))
            {
                if (o.Map("metadata", "annotations").TryGetValue(key, out string? value))
                    Need("LoadBalancer", new ReadinessEvidence(res.Kind, o.Str("metadata", "namespace"), o.Name(), "annotation " + key), value.Split(',').Select(kv => kv.Split('=')[0].Trim()).Where(k => k.Length > 0));
            }
        }

        if (needs.Count == 0)
            return ReadinessOutcome.Pass("No NodeClass, StorageClass, IngressClassParams or load balancer annotation asks for custom tags.");
        string name = await ClusterRoleNameAsync(ct).ConfigureAwait(false);
        var groups = TagStatements.Where(g => needs.ContainsKey(g.Sid)).ToArray();
        (Dictionary<string, string[]>? missingBySid, string how) = await SimulateTagStatementsAsync(name, groups, tagKeys, ct).ConfigureAwait(false);
        if (missingBySid is null)
        {
            IamRoleFacts? read;
            try
            {
                read = await RoleAsync(name, ct).ConfigureAwait(false);
            }
            catch (EngineException ex) when (!ct.IsCancellationRequested)
            {
                throw new EngineException(ex.ErrorId, ex.Kind, $"{ex.Message} (the policies were read because {how[(how.IndexOf("iam:", StringComparison.Ordinal))..]})", name, ex);
            }

            IamRoleFacts role = read ?? throw new EngineException("NoSuchEntity", ErrorKind.ObjectNotFound, $"The cluster role {name} does not exist.", name);
            var allows = role.Documents.SelectMany(Statements).Where(s => s.Str("Effect") == "Allow" && !RestrictsTagKeys(s)).ToArray();
            missingBySid = groups.ToDictionary(g => g.Sid, g => g.Actions.Where(a => !allows.Any(s => Strings(s.Path("Action")).Any(p => ActionMatches(p, a)))).ToArray(), StringComparer.Ordinal);
        }

        var evidence = new List<ReadinessEvidence>();
        var add = new JsonArray();
        foreach (var group in groups)
        {
            string[] missing = missingBySid[group.Sid];
            if (missing.Length == 0) continue;
            string conditions = string.Join(", ", new[] { "aws:RequestTag/eks:eks-cluster-name = ${aws:PrincipalTag/eks:eks-cluster-name}" }.Concat(group.LikeKeys.Select(k => k + " like *")));
            foreach (ReadinessEvidence e in needs[group.Sid])
                evidence.Add(e with { Value = $"{e.Value}: cluster role {name} lacks {string.Join(", ", missing)} (Allow with conditions {conditions})" });
            add.Add(Statement(group));
        }

        string sids = string.Join(", ", groups.Select(g => g.Sid));
        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"The cluster role {name} allows creating the tagged resources ({sids}); {how}.")
            : new ReadinessOutcome(evidence, $"Custom tags are requested but the cluster role {name} may not create tagged resources ({string.Join(", ", groups.Where(g => missingBySid[g.Sid].Length > 0).Select(g => g.Sid))}); {how}.",
                PolicyJson: new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = add }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Asks IAM (SimulatePrincipalPolicy) whether the cluster role may perform each statement group's actions with the
    /// request tags Auto Mode sends plus the custom tag keys (so permission boundaries of the simulator, managed policies that
    /// limit aws:TagKeys and explicit denies all count). Returns the denied actions per group, or null with the reason when
    /// the simulator cannot be used (denied or failing): the caller then reads the policies.
    /// </summary>
    private async Task<(Dictionary<string, string[]>? Missing, string How)> SimulateTagStatementsAsync(string roleName,
        IReadOnlyList<(string Sid, string[] Actions, string[] Resources, string[] LikeKeys)> groups, IReadOnlyDictionary<string, SortedSet<string>> tagKeys, CancellationToken ct)
    {
        JsonElement cluster = await _data!.ClusterAsync(ct).ConfigureAwait(false);
        string clusterName = cluster.Str("name") ?? _data.Source.ClusterName ?? "";
        string[] arn = (cluster.Str("arn") ?? "").Split(':');
        string region = arn.ElementAtOrDefault(3) ?? "*", account = arn.ElementAtOrDefault(4) ?? "*";
        string roleArn = RoleName(cluster.Str("roleArn")) == roleName && cluster.Str("roleArn") is { } r ? r : $"arn:aws:iam::{account}:role/{roleName}";
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        try
        {
            foreach (var g in groups)
            {
                var p = new List<KeyValuePair<string, string>> { Kv("PolicySourceArn", roleArn) };
                for (int i = 0; i < g.Actions.Length; i++) p.Add(Kv($"ActionNames.member.{i + 1}", g.Actions[i]));
                string[] resources = g.Resources.Where(x => x != "*").Select(x => x.Replace("arn:aws:ec2:*:*:", $"arn:aws:ec2:{region}:{account}:", StringComparison.Ordinal)).ToArray();
                for (int i = 0; i < resources.Length; i++) p.Add(Kv($"ResourceArns.member.{i + 1}", resources[i]));
                var context = new List<(string Key, string Type, string[] Values)>
                {
                    ("aws:RequestTag/eks:eks-cluster-name", "string", new[] { clusterName }),
                    ("aws:PrincipalTag/eks:eks-cluster-name", "string", new[] { clusterName }),
                    ("aws:TagKeys", "stringList", new[] { "eks:eks-cluster-name" }.Concat(g.LikeKeys.Select(k => k["aws:RequestTag/".Length..])).Concat(tagKeys.GetValueOrDefault(g.Sid) ?? new SortedSet<string>()).Distinct().ToArray()),
                };
                context.AddRange(g.LikeKeys.Select(k => (k, "string", new[] { "auto-mode-readiness" })));
                for (int i = 0; i < context.Count; i++)
                {
                    p.Add(Kv($"ContextEntries.member.{i + 1}.ContextKeyName", context[i].Key));
                    p.Add(Kv($"ContextEntries.member.{i + 1}.ContextKeyType", context[i].Type));
                    for (int j = 0; j < context[i].Values.Length; j++) p.Add(Kv($"ContextEntries.member.{i + 1}.ContextKeyValues.member.{j + 1}", context[i].Values[j]));
                }

                var denied = new SortedSet<string>(StringComparer.Ordinal);
                await foreach (XDocument page in _session.Client.PaginateQueryAsync(AwsService.Iam, "SimulatePrincipalPolicy", IamVersion, p, "Marker", "Marker", new AwsCallOptions { Target = roleName }, ct).ConfigureAwait(false))
                {
                    foreach (XElement e in QueryXml.Items(page, "EvaluationResults"))
                    {
                        if (QueryXml.Text(e, "EvalDecision") != "allowed" && QueryXml.Text(e, "EvalActionName") is { } action) denied.Add(action);
                    }
                }

                result[g.Sid] = g.Actions.Where(denied.Contains).ToArray();
            }
        }
        catch (AwsServiceException ex) when (!ct.IsCancellationRequested && ex.ErrorCode != "NoSuchEntity")
        {
            return (null, $"read from the role's inline and customer-managed policies because iam:SimulatePrincipalPolicy failed ({ex.Message})");
        }

        return (result, $"evaluated with iam:SimulatePrincipalPolicy (custom tag keys {string.Join(", ", tagKeys.Values.SelectMany(k => k).Distinct().OrderBy(k => k, StringComparer.Ordinal))})");
    }

    internal static JsonObject Statement((string Sid, string[] Actions, string[] Resources, string[] LikeKeys) g)
    {
        var condition = new JsonObject { ["StringEquals"] = new JsonObject { ["aws:RequestTag/eks:eks-cluster-name"] = "${aws:PrincipalTag/eks:eks-cluster-name}" } };
        if (g.LikeKeys.Length > 0)
        {
            var like = new JsonObject();
            foreach (string k in g.LikeKeys) like[k] = "*";
            condition["StringLike"] = like;
        }

        return new JsonObject
        {
            ["Sid"] = g.Sid,
            ["Effect"] = "Allow",
            ["Action"] = new JsonArray(g.Actions.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
            ["Resource"] = g.Resources.Length == 1 ? JsonValue.Create(g.Resources[0]) : new JsonArray(g.Resources.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            ["Condition"] = condition,
        };
    }

    private static ReadinessOutcome NoRole(string name, bool clusterRole) =>
        new(new[] { new ReadinessEvidence("IAMRole", null, name, "does not exist") }, $"The {(clusterRole ? "cluster" : "node")} role {name} does not exist.");

    /// <summary>A statement that limits aws:TagKeys (as AmazonEKSComputePolicy does) does not grant custom tags.</summary>
    private static bool RestrictsTagKeys(JsonElement s) => s.Path("Condition") is { ValueKind: JsonValueKind.Object } c && c.GetRawText().Contains("aws:TagKeys", StringComparison.Ordinal);

    // ------------------------------------------------------------------ IAM and EKS reads

    private Task<IamRoleFacts?> RoleAsync(string name, CancellationToken ct) =>
        _roles.GetOrAdd(name, n => new Lazy<Task<IamRoleFacts?>>(() => ReadRoleAsync(n, ct))).Value;

    private async Task<IamRoleFacts?> ReadRoleAsync(string name, CancellationToken ct)
    {
        var target = new AwsCallOptions { Target = name };
        XDocument role;
        try
        {
            role = await _session.Client.InvokeQueryAsync(AwsService.Iam, "GetRole", IamVersion, new[] { Kv("RoleName", name) }, target, ct).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "NoSuchEntity")
        {
            return null;
        }

        string arn = Value(role, "Arn") ?? name;
        JsonElement trust = ParseDocument(Value(role, "AssumeRolePolicyDocument"));
        var attached = new List<string>();
        await foreach (XDocument page in _session.Client.PaginateQueryAsync(AwsService.Iam, "ListAttachedRolePolicies", IamVersion, new[] { Kv("RoleName", name) }, "Marker", "Marker", target, ct).ConfigureAwait(false))
        {
            attached.AddRange(page.Descendants().Where(e => e.Name.LocalName == "PolicyArn").Select(e => e.Value));
        }

        var documents = new List<JsonElement>();
        var inline = new List<string>();
        await foreach (XDocument page in _session.Client.PaginateQueryAsync(AwsService.Iam, "ListRolePolicies", IamVersion, new[] { Kv("RoleName", name) }, "Marker", "Marker", target, ct).ConfigureAwait(false))
        {
            inline.AddRange(page.Descendants().Where(e => e.Name.LocalName == "PolicyNames").SelectMany(e => e.Elements()).Select(e => e.Value));
        }

        foreach (string policy in inline)
        {
            XDocument doc = await _session.Client.InvokeQueryAsync(AwsService.Iam, "GetRolePolicy", IamVersion, new[] { Kv("RoleName", name), Kv("PolicyName", policy) }, target, ct).ConfigureAwait(false);
            documents.Add(ParseDocument(Value(doc, "PolicyDocument")));
        }

        foreach (string policyArn in attached.Where(a => !a.StartsWith("arn:aws:iam::aws:policy/", StringComparison.Ordinal)))
        {
            XDocument p = await _session.Client.InvokeQueryAsync(AwsService.Iam, "GetPolicy", IamVersion, new[] { Kv("PolicyArn", policyArn) }, target, ct).ConfigureAwait(false);
            string version = Value(p, "DefaultVersionId") ?? "v1";
            XDocument v = await _session.Client.InvokeQueryAsync(AwsService.Iam, "GetPolicyVersion", IamVersion, new[] { Kv("PolicyArn", policyArn), Kv("VersionId", version) }, target, ct).ConfigureAwait(false);
            documents.Add(ParseDocument(Value(v, "Document")));
        }

        return new IamRoleFacts(name, arn, trust, attached, documents);
    }

    /// <summary>ListAccessEntries + DescribeAccessEntry + ListAssociatedAccessPolicies; each entry's policies under <c>_policies</c>.</summary>
    private async Task<IReadOnlyList<JsonElement>> AccessEntryDetailsAsync(string cluster, CancellationToken ct)
    {
        var target = new AwsCallOptions { Target = cluster };
        var arns = new List<string>();
        await foreach (JsonDocument page in _session.Client.PaginateRestJsonAsync(AwsService.Eks, "ListAccessEntries", $"/clusters/{cluster}/access-entries", options: target, cancellationToken: ct).ConfigureAwait(false))
        {
            using (page) arns.AddRange(page.RootElement.Array("accessEntries").Select(e => e.GetString()).OfType<string>());
        }

        var result = new List<JsonElement>();
        foreach (string arn in arns.Where(a => a.Contains(":role/", StringComparison.Ordinal)))
        {
            using JsonDocument d = await _session.Client.InvokeRestJsonAsync(AwsService.Eks, "DescribeAccessEntry", HttpMethod.Get, $"/clusters/{cluster}/access-entries/{arn}", options: target, cancellationToken: ct).ConfigureAwait(false);
            var entry = JsonNode.Parse(d.RootElement.Path("accessEntry")?.GetRawText() ?? "{}")!.AsObject();
            var policies = new JsonArray();
            await foreach (JsonDocument page in _session.Client.PaginateRestJsonAsync(AwsService.Eks, "ListAssociatedAccessPolicies", $"/clusters/{cluster}/access-entries/{arn}/access-policies", options: target, cancellationToken: ct).ConfigureAwait(false))
            {
                using (page)
                {
                    foreach (JsonElement p in page.RootElement.Array("associatedAccessPolicies")) policies.Add(JsonNode.Parse(p.GetRawText()));
                }
            }

            entry["_policies"] = policies;
            entry["principalArn"] ??= arn;
            result.Add(JsonDocument.Parse(entry.ToJsonString()).RootElement.Clone());
        }

        return result;
    }

    // ------------------------------------------------------------------ policy documents

    private static KeyValuePair<string, string> Kv(string k, string v) => new(k, v);

    private static string? Value(XDocument doc, string localName) => doc.Descendants().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    /// <summary>IAM returns policy documents URL-encoded; parse either form. An unreadable document counts as empty.</summary>
    internal static JsonElement ParseDocument(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return JsonDocument.Parse("{}").RootElement.Clone();
        string json = text.TrimStart().StartsWith('{') ? text : Uri.UnescapeDataString(text.Replace('+', ' '));
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
    }

    internal static IEnumerable<JsonElement> Statements(JsonElement document) =>
        document.Path("Statement") is { } s ? s.ValueKind == JsonValueKind.Array ? s.EnumerateArray() : new[] { s } : Enumerable.Empty<JsonElement>();

    internal static IReadOnlyList<string> Strings(JsonElement? e) => e switch
    {
        { ValueKind: JsonValueKind.String } s => new[] { s.GetString()! },
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray(),
        _ => Array.Empty<string>(),
    };

    /// <summary>IAM action matching: case-insensitive, <c>*</c> and <c>?</c> wildcards in the policy's action.</summary>
    internal static bool ActionMatches(string pattern, string action) =>
        Regex.IsMatch(action, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private static string PolicyName(string arn) => arn[(arn.LastIndexOf('/') + 1)..];
}
