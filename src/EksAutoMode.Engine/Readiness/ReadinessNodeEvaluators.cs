using System.Text.Json;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Readiness;

/// <summary>
/// Evaluators that read how the current nodes are built and migrated: managed node group launch templates (custom
/// AMIs, user data, kubelet clusterDNS), SSH/SSM access, the migration order for node groups and Fargate profiles,
/// Pod Identity vs IRSA, and EKS upgrade insights. User data is never shown, only what kind of data it is and the
/// settings a check looks for.
/// </summary>
public static partial class ReadinessEvaluators
{
    private const string IrsaAnnotation = "eks.amazonaws.com/role-arn";

    // ------------------------------------------------------------------ launch templates

    /// <summary>A node group's launch template version as EC2 has it, or the error that prevented reading it.</summary>
    private sealed record NodegroupTemplate(string Nodegroup, string? AmiType, string Reference, LaunchTemplateFacts? Facts, EngineException? Error);

    /// <summary>The launch template (id or name, version) of every managed node group that has one, read from EC2.</summary>
    private static async Task<IReadOnlyList<NodegroupTemplate>> NodegroupTemplatesAsync(ReadinessData data, CancellationToken ct)
    {
        var result = new List<NodegroupTemplate>();
        foreach (JsonElement g in await data.NodegroupsAsync(ct).ConfigureAwait(false))
        {
            string? lt = g.Str("launchTemplate", "id") ?? g.Str("launchTemplate", "name");
            if (lt is null)
            {
                continue;
            }

            string? version = g.Str("launchTemplate", "version");
            string reference = $"launch template {lt} version {version ?? "$Default"}";
            try
            {
                result.Add(new NodegroupTemplate(g.Str("nodegroupName") ?? "", g.Str("amiType"), reference, await data.LaunchTemplateAsync(lt, version, ct).ConfigureAwait(false), null));
            }
            catch (EngineException ex) when (!ct.IsCancellationRequested)
            {
                result.Add(new NodegroupTemplate(g.Str("nodegroupName") ?? "", g.Str("amiType"), reference, null, ex));
            }
        }

        return result;
    }

    /// <summary>
    /// AMR-CMP-007: DescribeNodegroup → launchTemplate → DescribeLaunchTemplateVersions → ImageId (DescribeImages: owner and
    /// name; an EKS-optimized name from another account is a pinned EKS AMI, anything else a custom AMI) and user data.
    /// A node group whose template cannot be read is named; when nothing else was found the check is Skipped.
    /// </summary>
    private static async Task<ReadinessOutcome> NodegroupLaunchTemplatesAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        IReadOnlyList<NodegroupTemplate> templates = await NodegroupTemplatesAsync(data, ct).ConfigureAwait(false);
        string? account = await ClusterAccountAsync(data, ct).ConfigureAwait(false);
        var evidence = new List<ReadinessEvidence>();
        var notes = new List<string>();
        var unread = new List<(string Nodegroup, string Error)>();
        EngineException? firstError = null;
        foreach (NodegroupTemplate t in templates)
        {
            var found = new List<string>();
            bool custom = string.Equals(t.AmiType, "CUSTOM", StringComparison.Ordinal);
            if (t.Facts is not { } lt)
            {
                firstError ??= t.Error;
                unread.Add((t.Nodegroup, t.Error?.Message ?? ""));
                if (custom)
                {
                    evidence.Add(new ReadinessEvidence("Nodegroup", null, t.Nodegroup, $"amiType CUSTOM, {t.Reference} (not read)"));
                }

                continue;
            }

            if (lt.ImageId is { } ami)
            {
                found.Add(await DescribeAmiAsync(ami, check, data, account, notes, ct).ConfigureAwait(false));
            }
            else if (custom)
            {
                found.Add("amiType CUSTOM");
            }

            if (lt.UserData is { Length: > 0 } userData)
            {
                found.Add($"user data {System.Text.Encoding.UTF8.GetByteCount(userData)} bytes ({string.Join(", ", UserDataKinds(userData))})");
            }

            if (found.Count > 0)
            {
                evidence.Add(new ReadinessEvidence("Nodegroup", null, t.Nodegroup, $"launch template {lt.Id} ({lt.Name}) version {lt.Version}: {string.Join("; ", found)}"));
            }
        }

        notes.AddRange(Unread(unread));
        string note = notes.Count > 0 ? " Not read: " + string.Join("; ", notes) + "." : "";
        if (evidence.Count == 0)
        {
            return firstError is not null
                ? throw firstError
                : ReadinessOutcome.Pass($"{templates.Count} managed node group launch template(s) read; none sets an AMI or user data.");
        }

        return new ReadinessOutcome(evidence, $"Managed node groups with custom AMIs or user data Auto Mode will not run: {List(evidence)}.{note}");
    }

    /// <summary>Launch templates that could not be read, one note per distinct error.</summary>
    private static IEnumerable<string> Unread(IEnumerable<(string Nodegroup, string Error)> unread) =>
        unread.GroupBy(u => u.Error, StringComparer.Ordinal).Select(g => $"launch templates of {string.Join(", ", g.Select(u => u.Nodegroup))} ({g.Key.TrimEnd('.')})");

    /// <summary>"custom AMI ami-… 'name' (owner …)" or "pinned EKS-optimized AMI …"; DescribeImages failures become a note.</summary>
    private static async Task<string> DescribeAmiAsync(string ami, ReadinessCheck check, ReadinessData data, string? account, List<string> notes, CancellationToken ct)
    {
        AmiFacts? image;
        try
        {
            image = await data.ImageAsync(ami, ct).ConfigureAwait(false);
        }
        catch (EngineException ex) when (!ct.IsCancellationRequested)
        {
            notes.Add($"AMI {ami}: {ex.Message}");
            return $"AMI {ami} (details not read)";
        }

        if (image is null)
        {
            return $"AMI {ami} (EC2 does not know it: deregistered or not shared with this account)";
        }

        string owner = image.OwnerAlias ?? image.OwnerId ?? "?";
        bool eksName = image.Name is { } n && check.Parameters.Names.Any(prefix => n.StartsWith(prefix, StringComparison.Ordinal));
        bool ownAccount = account is not null && image.OwnerId == account;
        return eksName && !ownAccount
            ? $"pinned EKS-optimized AMI {ami} '{image.Name}' (owner {owner}); Auto Mode chooses and updates the AMI itself"
            : $"custom AMI {ami} '{image.Name}' (owner {owner}{(ownAccount ? ", this account" : "")})";
    }

    /// <summary>The account id of the cluster (from its ARN), when EKS can be read.</summary>
    private static async Task<string?> ClusterAccountAsync(ReadinessData data, CancellationToken ct)
    {
        try
        {
            return (await data.ClusterAsync(ct).ConfigureAwait(false)).Str("arn")?.Split(':').ElementAtOrDefault(4);
        }
        catch (EngineException)
        {
            return null;
        }
    }

    /// <summary>What a user data document contains (MIME parts by content type, or the kind of a single document); never its text.</summary>
    internal static IReadOnlyList<string> UserDataKinds(string userData)
    {
        var kinds = new List<string>();
        foreach (Match m in s_mimeContentType.Matches(userData))
        {
            string type = m.Groups[1].Value.ToLowerInvariant();
            if (type.StartsWith("multipart/", StringComparison.Ordinal))
            {
                continue;
            }

            kinds.Add(type switch
            {
                "application/node.eks.aws" => "nodeadm NodeConfig",
                "text/x-shellscript" => "shell script",
                "text/cloud-config" => "cloud-config",
                _ => type,
            });
        }

        if (kinds.Count == 0)
        {
            string head = userData.TrimStart();
            kinds.Add(head.StartsWith("#!", StringComparison.Ordinal) ? "shell script"
                : head.StartsWith("[settings", StringComparison.Ordinal) ? "Bottlerocket settings (TOML)"
                : head.StartsWith("#cloud-config", StringComparison.Ordinal) ? "cloud-config"
                : head.Contains("kind: NodeConfig", StringComparison.Ordinal) ? "nodeadm NodeConfig"
                : "unrecognised format");
        }

        return kinds.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static readonly Regex s_mimeContentType = new(@"(?im)^content-type:[ \t]*([a-z0-9.+/-]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    // ------------------------------------------------------------------ kubelet clusterDNS

    /// <summary>The kubelet clusterDNS settings this check knows, each a linear-time pattern whose group 1 is the address list.</summary>
    private static readonly Dictionary<string, Regex> s_clusterDnsPatterns = new(StringComparer.Ordinal)
    {
        // bootstrap.sh --kubelet-extra-args '--cluster-dns=169.254.20.10' (AL2) and kubelet flags anywhere
        ["--cluster-dns"] = new(@"--cluster-dns[= ]+['""]?([0-9A-Fa-f:.,]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant),
        // bootstrap.sh --dns-cluster-ip 169.254.20.10 (AL2)
        ["--dns-cluster-ip"] = new(@"--dns-cluster-ip[= ]+['""]?([0-9A-Fa-f:.]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant),
        // nodeadm NodeConfig spec.kubelet.config.clusterDNS (AL2023), flow or block list
        ["clusterDNS"] = new(@"clusterDNS[""']?:[ \t]*\[?[ \t\r\n-]*[""']?([0-9A-Fa-f:.]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant),
        // Bottlerocket settings.kubernetes.cluster-dns-ip
        ["cluster-dns-ip"] = new(@"cluster-dns-ip[ \t]*=[ \t]*\[?[ \t]*[""']([0-9A-Fa-f:.]+)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant),
    };

    internal static IReadOnlyList<string> ClusterDnsSettings(string userData, IReadOnlyList<string> keys) =>
        keys.Where(s_clusterDnsPatterns.ContainsKey)
            .SelectMany(k => s_clusterDnsPatterns[k].Matches(userData).Select(m => $"{k} {m.Groups[1].Value}"))
            .Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// AMR-NET-008: a kubelet clusterDNS override (node-local DNS) in managed node group user data (bootstrap.sh flags,
    /// nodeadm NodeConfig, Bottlerocket settings) or in OSS Karpenter EC2NodeClass spec.kubelet.clusterDNS.
    /// </summary>
    private static async Task<ReadinessOutcome> KubeletClusterDnsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement nc in await data.ListAsync(KubernetesResourceType.Ec2NodeClasses, ct).ConfigureAwait(false))
        {
            string[] dns = nc.Array("spec", "kubelet", "clusterDNS").Select(e => e.GetString()).OfType<string>().ToArray();
            if (dns.Length > 0)
            {
                evidence.Add(new ReadinessEvidence("EC2NodeClass", null, nc.Name(), "spec.kubelet.clusterDNS " + string.Join(", ", dns)));
            }
        }

        var notes = new List<string>();
        var unread = new List<(string Nodegroup, string Error)>();
        EngineException? error = null;
        int read = 0;
        try
        {
            foreach (NodegroupTemplate t in await NodegroupTemplatesAsync(data, ct).ConfigureAwait(false))
            {
                if (t.Facts is not { } lt)
                {
                    error ??= t.Error;
                    unread.Add((t.Nodegroup, t.Error?.Message ?? ""));
                    continue;
                }

                read++;
                if (lt.UserData is { Length: > 0 } userData && ClusterDnsSettings(userData, check.Parameters.Keys) is { Count: > 0 } settings)
                {
                    evidence.Add(new ReadinessEvidence("Nodegroup", null, t.Nodegroup, $"launch template {lt.Id} version {lt.Version} user data: {string.Join("; ", settings)}"));
                }
            }
        }
        catch (EngineException ex) when (!ct.IsCancellationRequested)
        {
            error ??= ex;
            notes.Add("managed node groups (" + ex.Message.TrimEnd('.') + ")");
        }

        notes.AddRange(Unread(unread));
        string note = notes.Count > 0 ? " Not read: " + string.Join("; ", notes) + "." : "";
        if (evidence.Count == 0)
        {
            return error is not null ? throw error
                : ReadinessOutcome.Pass($"No kubelet clusterDNS override in EC2NodeClasses or the user data of {read} node group launch template(s).");
        }

        return new ReadinessOutcome(evidence, $"Kubelet clusterDNS is overridden (node-local DNS); Auto Mode nodes ignore it: {List(evidence)}.{note}");
    }

    // ------------------------------------------------------------------ SSH / SSM

    /// <summary>AMR-SEC-002: node groups with remoteAccess (ec2SshKey) and SSM agent workloads; Auto Mode nodes allow neither.</summary>
    private static async Task<ReadinessOutcome> NodeAccessAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        var evidence = new List<ReadinessEvidence>();
        EngineException? nodegroupsError = null;
        try
        {
            foreach (JsonElement g in await data.NodegroupsAsync(ct).ConfigureAwait(false))
            {
                if (g.Str("remoteAccess", "ec2SshKey") is { } key)
                {
                    string[] sgs = g.Array("remoteAccess", "sourceSecurityGroups").Select(e => e.GetString()).OfType<string>().ToArray();
                    evidence.Add(new ReadinessEvidence("Nodegroup", null, g.Str("nodegroupName") ?? "",
                        $"remoteAccess.ec2SshKey {key}" + (sgs.Length > 0 ? $" (source security groups {string.Join(", ", sgs)})" : " (SSH open to any source)")));
                }
            }
        }
        catch (EngineException ex) when (!ct.IsCancellationRequested)
        {
            nodegroupsError = ex;
        }

        if (nodegroupsError is not null)
        {
            ReadinessOutcome workloads = await WorkloadPresentAsync(check, data, ct).ConfigureAwait(false);
            return workloads.Evidence.Count > 0
                ? workloads with { Message = workloads.Message + $" Managed node groups were not read: {nodegroupsError.Message}" }
                : throw nodegroupsError;
        }

        ReadinessOutcome agents = await WorkloadPresentAsync(check, data, ct).ConfigureAwait(false);
        evidence.AddRange(agents.Evidence);
        return evidence.Count == 0
            ? ReadinessOutcome.Pass("No managed node group has an SSH key and no SSM agent runs as a workload.")
            : new ReadinessOutcome(evidence, $"Node access that Auto Mode nodes do not allow (no SSH, no SSM): {List(evidence)}.");
    }

    // ------------------------------------------------------------------ migration order

    /// <summary>
    /// The order of auto-migrate-karpenter / auto-migrate-mng / auto-migrate-fargate: OSS Karpenter first (eksctl's node
    /// group drain requires Karpenter to be gone), then managed node groups, then Fargate profiles, then CoreDNS to zero.
    /// </summary>
    private static async Task<string> MigrationOrderAsync(ReadinessData data, CancellationToken ct)
    {
        string karpenter;
        try
        {
            ReadinessOutcome oss = await WorkloadPresentAsync(ReadinessCatalogue.Get("AMR-CMP-004"), data, ct).ConfigureAwait(false);
            karpenter = oss.Evidence.Count > 0 ? $"OSS Karpenter is installed ({List(oss.Evidence)})" : "no OSS Karpenter found";
        }
        catch (EngineException ex) when (!ct.IsCancellationRequested)
        {
            karpenter = "OSS Karpenter presence unknown: " + ex.Message;
        }

        return $"Migration order (AWS guides): 1. enable Auto Mode; 2. migrate OSS Karpenter NodePools and uninstall it ({karpenter}); "
            + "3. drain managed node groups (eksctl delete nodegroup; its prerequisite is that Karpenter is not installed); "
            + "4. move Fargate workloads (annotation eks.amazonaws.com/compute-type: ec2), delete the Fargate profiles, then scale CoreDNS to 0.";
    }

    /// <summary>AMR-CLU-002: managed node groups to drain, in the migration order (Windows node groups cannot move to Auto Mode).</summary>
    private static async Task<ReadinessOutcome> NodegroupsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        IReadOnlyList<JsonElement> groups = await data.NodegroupsAsync(ct).ConfigureAwait(false);
        var evidence = groups.Select(g =>
        {
            string ami = g.Str("amiType") ?? "?";
            string what = $"{ami}, {string.Join(",", g.Array("instanceTypes").Select(t => t.GetString()))}, desired {g.Str("scalingConfig", "desiredSize") ?? "?"}";
            return new ReadinessEvidence("Nodegroup", null, g.Str("nodegroupName") ?? "",
                ami.StartsWith("WINDOWS", StringComparison.Ordinal) ? what + ": keep (Auto Mode has no Windows nodes)" : what + ": step 3, drain after OSS Karpenter is gone");
        }).ToArray();
        return evidence.Length == 0
            ? ReadinessOutcome.Pass("The cluster has no managed node groups.")
            : new ReadinessOutcome(evidence, $"{evidence.Length} managed node group(s) to migrate after enabling Auto Mode: {List(evidence)}. {await MigrationOrderAsync(data, ct).ConfigureAwait(false)}");
    }

    /// <summary>AMR-CLU-003: Fargate profiles (EKS) and the Fargate nodes running now (Kubernetes), last in the migration order.</summary>
    private static async Task<ReadinessOutcome> FargateProfilesAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        var nodesByProfile = new Dictionary<string, int>(StringComparer.Ordinal);
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement node in await data.ListAsync(KubernetesResourceType.Nodes, ct).ConfigureAwait(false))
        {
            var labels = node.Map("metadata", "labels");
            if (labels.GetValueOrDefault("eks.amazonaws.com/compute-type") == "fargate")
            {
                string profile = labels.GetValueOrDefault("eks.amazonaws.com/fargate-profile") ?? "";
                nodesByProfile[profile] = nodesByProfile.GetValueOrDefault(profile) + 1;
                evidence.Add(new ReadinessEvidence("Node", null, node.Name(), "Fargate node" + (profile.Length > 0 ? " of profile " + profile : "")));
            }
        }

        string note = "";
        try
        {
            foreach (JsonElement fp in await data.FargateProfilesAsync(ct).ConfigureAwait(false))
            {
                string name = fp.Str("fargateProfileName") ?? "";
                string selectors = string.Join("; ", fp.Array("selectors").Select(s =>
                    "namespace " + (s.Str("namespace") ?? "?") + (s.Map("labels") is { Count: > 0 } l ? " labels " + string.Join(",", l.Select(kv => $"{kv.Key}={kv.Value}")) : "")));
                evidence.Insert(0, new ReadinessEvidence("FargateProfile", null, name, $"selectors {selectors}; {nodesByProfile.GetValueOrDefault(name)} Fargate node(s) now; step 4"));
            }
        }
        catch (EngineException ex) when (!ct.IsCancellationRequested)
        {
            if (evidence.Count == 0)
            {
                throw;
            }

            note = $" Fargate profiles were not read: {ex.Message}";
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass("No Fargate profiles and no Fargate nodes.")
            : new ReadinessOutcome(evidence, $"Fargate workloads to move to Auto Mode: {List(evidence)}. {await MigrationOrderAsync(data, ct).ConfigureAwait(false)}{note}");
    }

    // ------------------------------------------------------------------ identity

    /// <summary>
    /// AMR-SEC-001: service accounts using IRSA (role-arn annotation), each compared with the cluster's EKS Pod Identity
    /// associations. Both keep working on Auto Mode; Pod Identity is the recommended one (its agent is built into Auto Mode nodes).
    /// </summary>
    private static async Task<ReadinessOutcome> PodIdentityAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        var irsa = (await data.ListAsync(KubernetesResourceType.ServiceAccounts, ct).ConfigureAwait(false))
            .Where(sa => sa.Map("metadata", "annotations").ContainsKey(IrsaAnnotation)).ToArray();
        IReadOnlyList<JsonElement>? associations = null;
        string note = "";
        try
        {
            associations = await data.PodIdentityAssociationsAsync(ct).ConfigureAwait(false);
        }
        catch (EngineException ex) when (!ct.IsCancellationRequested)
        {
            note = $" Pod Identity associations were not read: {ex.Message}";
        }

        string podIdentity = associations is null ? "" : $" The cluster has {associations.Count} Pod Identity association(s).";
        if (irsa.Length == 0)
        {
            return ReadinessOutcome.Pass("No service account uses IRSA (eks.amazonaws.com/role-arn)." + podIdentity + note);
        }

        var evidence = irsa.Select(sa =>
        {
            string ns = sa.Str("metadata", "namespace") ?? "";
            bool both = associations?.Any(a => a.Str("namespace") == ns && a.Str("serviceAccount") == sa.Name()) == true;
            string role = sa.Map("metadata", "annotations")[IrsaAnnotation];
            return new ReadinessEvidence("ServiceAccount", ns, sa.Name(), $"IRSA {role}; "
                + (associations is null ? "Pod Identity association unknown" : both ? "also has a Pod Identity association (it takes precedence)" : "no Pod Identity association"));
        }).ToArray();
        return new ReadinessOutcome(evidence, $"{evidence.Length} service account(s) use IRSA, which keeps working; Pod Identity is recommended on Auto Mode: {List(evidence)}.{podIdentity}{note}");
    }

    // ------------------------------------------------------------------ load balancer subnets

    /// <summary>
    /// AMR-LB-007: Auto Mode places load balancers only in subnets tagged kubernetes.io/role/elb (internet-facing) or
    /// kubernetes.io/role/internal-elb (internal), value 1 or empty. Each Ingress and LoadBalancer Service is matched
    /// with its scheme (annotation; default internal, as Auto Mode's) against the tags of the cluster VPC's subnets.
    /// </summary>
    private static async Task<ReadinessOutcome> LoadBalancerSubnetsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        string publicTag = check.Parameters.Keys[0], privateTag = check.Parameters.Keys[1];
        var users = new List<(string Kind, string? Ns, string Name, bool Public)>();
        foreach (JsonElement ing in await data.ListAsync(KubernetesResourceType.Ingresses, ct).ConfigureAwait(false))
        {
            users.Add(("Ingress", ing.Str("metadata", "namespace"), ing.Name(), ing.Map("metadata", "annotations").GetValueOrDefault("alb.ingress.kubernetes.io/scheme") == "internet-facing"));
        }

        foreach (JsonElement svc in await data.ListAsync(KubernetesResourceType.Services, ct).ConfigureAwait(false))
        {
            if (svc.Str("spec", "type") == "LoadBalancer")
            {
                users.Add(("Service", svc.Str("metadata", "namespace"), svc.Name(), svc.Map("metadata", "annotations").GetValueOrDefault("service.beta.kubernetes.io/aws-load-balancer-scheme") == "internet-facing"));
            }
        }

        if (users.Count == 0)
        {
            return ReadinessOutcome.Pass("No Ingress or LoadBalancer Service: no subnet tags needed.");
        }

        JsonElement cluster = await data.ClusterAsync(ct).ConfigureAwait(false);
        string vpc = cluster.Str("resourcesVpcConfig", "vpcId")
            ?? throw new EngineException("ClusterVpcUnknown", ErrorKind.InvalidResult, "EKS DescribeCluster gave no resourcesVpcConfig.vpcId.", data.Source.ClusterName);
        IReadOnlyList<SubnetFacts> subnets = await data.SubnetsAsync(vpc, ct).ConfigureAwait(false);
        bool Tagged(SubnetFacts s, string tag) => s.Tags.TryGetValue(tag, out string? v) && v is "1" or "";
        string Untagged(string tag) => string.Join(", ", subnets.Where(s => !Tagged(s, tag)).Take(6)
            .Select(s => $"{s.SubnetId} ({s.AvailabilityZone ?? "?"}, {s.AvailableIpAddressCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} free IPs)"));
        var evidence = new List<ReadinessEvidence>();
        foreach (var u in users)
        {
            string tag = u.Public ? publicTag : privateTag;
            if (!subnets.Any(s => Tagged(s, tag)))
            {
                evidence.Add(new ReadinessEvidence(u.Kind, u.Ns, u.Name, $"{(u.Public ? "internet-facing" : "internal")}: no subnet of {vpc} is tagged {tag} (1 or empty); untagged: {Untagged(tag)}"));
            }
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"The subnets of {vpc} carry the role tags the {users.Count} load balancer object(s) need.")
            : new ReadinessOutcome(evidence, $"{evidence.Count} load balancer object(s) would find no tagged subnet under Auto Mode: {List(evidence)}.");
    }

    // ------------------------------------------------------------------ insights

    /// <summary>AMR-CLU-004: EKS cluster insights whose status is one of the row's values (ERROR → Fail, WARNING only → Warn).</summary>
    private static async Task<ReadinessOutcome> InsightsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        IReadOnlyList<JsonElement> insights = await data.InsightsAsync(ct).ConfigureAwait(false);
        var evidence = new List<ReadinessEvidence>();
        bool error = false;
        foreach (JsonElement i in insights)
        {
            string status = i.Str("insightStatus", "status") ?? "UNKNOWN";
            if (!check.Parameters.Values.Contains(status, StringComparer.Ordinal))
            {
                continue;
            }

            error |= status == "ERROR";
            evidence.Add(new ReadinessEvidence("Insight", null, i.Str("name") ?? i.Str("id") ?? "",
                $"{status} ({i.Str("category") ?? "?"}, Kubernetes {i.Str("kubernetesVersion") ?? "?"}): {Clip(i.Str("insightStatus", "reason") ?? "").TrimEnd('.')}"));
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"No EKS insight is {string.Join(" or ", check.Parameters.Values)} ({insights.Count} insights read).")
            : new ReadinessOutcome(evidence, $"{evidence.Count} EKS insight(s) need attention before the switch: {string.Join("; ", evidence.Select(e => $"{e.Name}: {e.Value}"))}.",
                error ? ReadinessStatus.Fail : ReadinessStatus.Warn);
    }
}
