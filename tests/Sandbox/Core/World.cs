using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

internal sealed class InstanceTypeInfo
{
    public string Name = "";
    public int VCpu;
    public long MemoryMiB;
    public string Arch = "x86_64"; // EC2 spelling; Kubernetes uses amd64/arm64
    public int MaxPods = 110;
    public int MaxEnis = 3;
    public int Ipv4PerEni = 10;
    public string Hypervisor = "nitro";
    public string Processor = "";
    public JsonObject Raw = new();
    public string KubeArch => Arch == "arm64" ? "arm64" : "amd64";
    public string Family => Name.Split('.')[0];
    public string Size => Name.Split('.').ElementAtOrDefault(1) ?? "";
    public string Category => new string(Family.TakeWhile(char.IsLetter).ToArray());
    public string Generation => new string(Family.SkipWhile(char.IsLetter).TakeWhile(char.IsDigit).ToArray());
}

internal sealed class Cluster
{
    public string Name = "";
    public string Region = "";
    public string Version = "1.32";
    public JsonObject Eks = new();
    public List<JsonObject> Nodegroups = new();
    public List<JsonObject> FargateProfiles = new();
    public List<JsonObject> Addons = new();
    public List<JsonObject> AccessEntries = new();
    /// <summary>EKS Pod Identity associations (ListPodIdentityAssociations summaries).</summary>
    public List<JsonObject> PodIdentityAssociations = new();
    /// <summary>EKS cluster insights (ListInsights summaries, as the scenario writes them).</summary>
    public List<JsonObject> Insights = new();
    public KubeStore Kube = null!;
    public Controllers.ControllerManager? Controllers;
    public int GeneratedNodes;
    public int GeneratedPodsPerNode;
    /// <summary>Nodes made by the shorthands (not Fargate), and the scenario's podsPerNode / daemonSets for them.</summary>
    public List<string> Hosts = new();
    public int? PodsPerNode;
    public int DaemonSets = 2;
    public string KubernetesUrl = "";
    public int Port;
    public bool AutoMode => Eks.Obj("computeConfig").Bool("enabled") == true;
}

/// <summary>The whole simulated account: clusters, EC2, IAM, pricing, credentials.</summary>
internal sealed class World
{
    public string ScenarioName = "";
    public string Description = "";
    public string Region = "us-west-2";
    public string AccountId = "111122223333";
    public List<Identity> Identities = new();
    public string StaticToken = "";
    public List<Cluster> Clusters = new();
    public readonly List<JsonObject> Instances = new(); // EC2 XML field names; "_region" internal
    public IVirtualSource? VirtualInstances;
    public string? VirtualInstancesRegion;
    public readonly Dictionary<string, InstanceTypeInfo> InstanceTypes = new(StringComparer.Ordinal);
    public readonly List<JsonObject> SpotPrices = new();
    public readonly Dictionary<string, JsonObject> Roles = new(StringComparer.Ordinal);
    /// <summary>Instance profile name → role name (every profile a NodeClass status or an instance names).</summary>
    public readonly Dictionary<string, string> InstanceProfiles = new(StringComparer.Ordinal);
    public readonly Dictionary<string, JsonObject> Policies = new(StringComparer.Ordinal);
    public readonly List<JsonObject> PriceProducts = new();
    public readonly List<JsonObject> AddonVersions = new();
    /// <summary>EC2 launch templates: launchTemplateId, launchTemplateName, defaultVersion, versions[] {versionNumber, launchTemplateData}; "_region" internal.</summary>
    public readonly List<JsonObject> LaunchTemplates = new();
    /// <summary>EC2 images (DescribeImages items, EC2 XML field names); "_region" internal.</summary>
    public readonly List<JsonObject> Images = new();
    /// <summary>VPC subnets (DescribeSubnets items): the scenario's, plus an untagged one for every cluster subnet it does not declare; "_region" internal.</summary>
    public readonly List<JsonObject> Subnets = new();
    /// <summary>Security groups (DescribeSecurityGroups): the scenario's, plus each cluster's EKS-created cluster security group; "_region" internal.</summary>
    public readonly List<JsonObject> SecurityGroups = new();
    public string? CaPem;
    public DateTimeOffset Now = DateTimeOffset.UtcNow;
    public int Seed = 1;
    /// <summary>How long each simulated control-plane step takes (drain, terminate, launch, Ready, pod start).</summary>
    public Controllers.StepTimes Steps = new();

    public Identity? FindKey(string accessKeyId) => Identities.FirstOrDefault(i => i.AccessKeyId == accessKeyId);
    public Cluster? FindCluster(string name, string? region = null) => Clusters.FirstOrDefault(c => c.Name == name && (region == null || c.Region == region));
    public InstanceTypeInfo Type(string name) => InstanceTypes.TryGetValue(name, out var t) ? t : new InstanceTypeInfo { Name = name, VCpu = 2, MemoryMiB = 4096 };
}

/// <summary>Reads a scenario YAML file and expands its shorthands into consistent Kubernetes objects, EC2 instances and AWS records.</summary>
internal static class ScenarioLoader
{
    public static string Resolve(string nameOrPath)
    {
        if (File.Exists(nameOrPath)) return Path.GetFullPath(nameOrPath);
        var dir = Path.Combine(AppContext.BaseDirectory, "Scenarios");
        var candidate = Path.Combine(dir, nameOrPath.EndsWith(".yaml", StringComparison.Ordinal) ? nameOrPath : nameOrPath + ".yaml");
        if (File.Exists(candidate)) return candidate;
        var known = Directory.Exists(dir) ? string.Join(", ", Directory.GetFiles(dir, "*.yaml").Select(Path.GetFileNameWithoutExtension)) : "(none)";
        throw new FileNotFoundException($"Scenario '{nameOrPath}' not found. Known scenarios: {known}.");
    }

    public static World Load(string path, int seed, int generateNodes, int? podsPerNode = null)
    {
        var root = YamlJson.ParseFile(path) as JsonObject ?? throw new InvalidDataException($"Scenario {path} is empty.");
        var w = new World { Seed = seed, ScenarioName = root.Str("name") ?? Path.GetFileNameWithoutExtension(path), Description = root.Str("description") ?? "" };
        w.Region = root.Str("region") ?? w.Region;
        w.AccountId = root.Str("accountId") ?? w.AccountId;
        foreach (var inc in root.Strings("includes"))
        {
            var incPath = Path.Combine(Path.GetDirectoryName(path)!, inc);
            var inc0 = YamlJson.ParseFile(incPath) as JsonObject ?? new JsonObject();
            LoadCatalog(w, inc0);
        }
        LoadCatalog(w, root);
        w.Region = root.Str("region") ?? w.Region;
        w.AccountId = root.Str("accountId") ?? w.AccountId;
        if (root["controllerSteps"] is JsonObject steps) w.Steps = Controllers.StepTimes.Parse(string.Join(',', steps.Select(kv => $"{kv.Key}={kv.Value}")));
        w.StaticToken = root.Str("staticToken") ?? "sandbox-static-token-" + Ids.Hex("static" + seed, 24);
        if (w.Identities.Count == 0) throw new InvalidDataException("Scenario has no identities.");
        foreach (var c in root.Arr("clusters")) w.Clusters.Add(LoadCluster(w, (JsonObject)c!, Path.GetDirectoryName(path)!));
        foreach (var cl in w.Clusters) ClusterSubnets(w, cl);
        if (generateNodes > 0)
        {
            var target = w.Clusters.FirstOrDefault(c => c.AutoMode) ?? w.Clusters.FirstOrDefault()
                ?? throw new InvalidDataException("--generate-nodes needs a scenario with at least one cluster.");
            Generator.Attach(w, target, generateNodes, podsPerNode ?? target.PodsPerNode);
        }
        foreach (var c in w.Clusters)
        {
            // Pods on the scenario's own nodes only when it asks (podsPerNode), on generated nodes always (default 10).
            var hosts = c.PodsPerNode != null ? c.Hosts : [];
            var perNode = podsPerNode ?? c.PodsPerNode ?? (c.GeneratedNodes > 0 ? c.GeneratedPodsPerNode : 0);
            var total = hosts.Count + c.GeneratedNodes;
            var hostIndex = hosts.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
            PodFleet.Attach(w, c, total, i => i < hosts.Count ? hosts[i] : Generator.InstanceId(i - hosts.Count),
                name => hostIndex.TryGetValue(name, out var h) ? h : Generator.IndexOf(name) is >= 0 and var g && g < c.GeneratedNodes ? hosts.Count + g : -1,
                perNode, c.DaemonSets);
        }
        foreach (var c in w.Clusters)
        {
            c.Controllers = EksAutoMode.Sandbox.Controllers.ControllerManager.Default(w, c);
            c.Controllers.Start();
        }

        return w;
    }

    private static void LoadCatalog(World w, JsonObject root)
    {
        foreach (var i in root.Arr("identities"))
        {
            w.Identities.Add(new Identity
            {
                AccessKeyId = i.Str("accessKeyId")!,
                SecretAccessKey = i.Str("secretAccessKey")!,
                SessionToken = i.Str("sessionToken"),
                Arn = i.Str("arn") ?? $"arn:aws:iam::{w.AccountId}:user/sandbox",
                UserId = i.Str("userId") ?? "AIDA" + Ids.Hex(i.Str("accessKeyId")!, 17).ToUpperInvariant(),
                Account = w.AccountId,
                Expired = i.Bool("expired") == true,
                Deny = i.Strings("deny").ToList(),
                KubernetesForbidden = i.Strings("kubernetesForbidden").ToList(),
            });
        }

        foreach (var t in root.Arr("instanceTypes"))
        {
            var info = new InstanceTypeInfo
            {
                Name = t.Str("instanceType")!,
                VCpu = (int)(t.Long("vcpu") ?? 2),
                MemoryMiB = t.Long("memoryMiB") ?? 4096,
                Arch = t.Str("architecture") ?? "x86_64",
                MaxPods = (int)(t.Long("maxPods") ?? 110),
                MaxEnis = (int)(t.Long("maxEnis") ?? 3),
                Ipv4PerEni = (int)(t.Long("ipv4PerEni") ?? 10),
                Hypervisor = t.Str("hypervisor") ?? "nitro",
                Processor = t.Str("processor") ?? "",
                Raw = (JsonObject)t!,
            };
            w.InstanceTypes[info.Name] = info;
        }
        foreach (var r in root.Arr("iamRoles")) LoadRole(w, (JsonObject)r!);
        foreach (var p in root.Arr("iamPolicies"))
        {
            var o = (JsonObject)p!.DeepClone();
            w.Policies[o.Str("arn")!] = o;
        }
        foreach (var v in root.Arr("addonVersions")) w.AddonVersions.Add((JsonObject)v!.DeepClone());
        foreach (var t in root.Arr("launchTemplates")) w.LaunchTemplates.Add(Regional(w, root, (JsonObject)t!));
        foreach (var i in root.Arr("images")) w.Images.Add(Regional(w, root, (JsonObject)i!));
        foreach (var sn in root.Arr("subnets")) w.Subnets.Add(Regional(w, root, (JsonObject)sn!));
        foreach (var sg in root.Arr("securityGroups")) w.SecurityGroups.Add(Regional(w, root, (JsonObject)sg!));
        var pricing = root.Obj("pricing");
        if (pricing != null) Pricing.Load(w, pricing);
    }

    /// <summary>Every subnet a cluster names (resourcesVpcConfig.subnetIds) exists in EC2: zone a, b, c … in order, a /19 each, untagged unless the scenario declares it.</summary>
    private static void ClusterSubnets(World w, Cluster cl)
    {
        var vpc = cl.Eks.Obj("resourcesVpcConfig");
        var i = 0;
        foreach (var id in vpc.Strings("subnetIds"))
        {
            var zone = cl.Region + (char)('a' + i % 26);
            var declared = w.Subnets.FirstOrDefault(sn => sn.Str("subnetId") == id && sn.Str("_region") == cl.Region);
            var o = declared ?? new JsonObject { ["subnetId"] = id, ["_region"] = cl.Region };
            o["vpcId"] ??= vpc.Str("vpcId");
            o["availabilityZone"] ??= zone;
            o["availabilityZoneId"] ??= NodeFactory.ZoneId(zone);
            o["cidrBlock"] ??= $"10.0.{32 * (i % 8)}.0/19";
            o["availableIpAddressCount"] ??= 8000 - 37 * i;
            o["mapPublicIpOnLaunch"] ??= false;
            if (declared == null) w.Subnets.Add(o);
            i++;
        }

        // The cluster security group EKS creates (name eks-cluster-sg-<cluster>-<suffix>), unless the scenario declares it.
        if (vpc.Str("clusterSecurityGroupId") is { } sgId && !w.SecurityGroups.Any(g => g.Str("groupId") == sgId && g.Str("_region") == cl.Region))
        {
            w.SecurityGroups.Add(new JsonObject
            {
                ["groupId"] = sgId, ["_region"] = cl.Region, ["vpcId"] = vpc.Str("vpcId"),
                ["groupName"] = $"eks-cluster-sg-{cl.Name}-{Ids.Hex("clustersg" + cl.Name, 8)}",
                ["groupDescription"] = "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.",
                ["tags"] = new JsonObject { ["aws:eks:cluster-name"] = cl.Name, [$"kubernetes.io/cluster/{cl.Name}"] = "owned", ["Name"] = $"eks-cluster-sg-{cl.Name}" },
                ["_selfReferencing"] = true,
            });
        }
    }

    /// <summary>A copy of a regional EC2 record with "_region" (its own "region" key, else the scenario's).</summary>
    private static JsonObject Regional(World w, JsonObject root, JsonObject o)
    {
        var copy = (JsonObject)o.DeepClone();
        copy["_region"] = copy.Str("region") ?? root.Str("region") ?? w.Region;
        copy.Remove("region");
        return copy;
    }

    private static void LoadRole(World w, JsonObject r)
    {
        var name = r.Str("roleName")!;
        var o = (JsonObject)r.DeepClone();
        o["arn"] ??= $"arn:aws:iam::{w.AccountId}:role/{name}";
        o["roleId"] ??= "AROA" + Ids.Hex("role" + name, 17).ToUpperInvariant();
        o["path"] ??= "/";
        o["createDate"] ??= "2025-01-10T09:00:00Z";
        w.Roles[name] = o;
    }

    private static TimeSpan Ago(JsonNode? o, string key, TimeSpan fallback)
    {
        var s = o.Str(key);
        if (s == null) return fallback;
        var unit = s[^1];
        var n = double.Parse(s[..^1], CultureInfo.InvariantCulture);
        return unit switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => throw new InvalidDataException($"Bad duration '{s}' (use 30s, 5m, 3h, 40d).") };
    }

    private static Cluster LoadCluster(World w, JsonObject c, string scenarioDir)
    {
        var cl = new Cluster { Name = c.Str("name")!, Region = c.Str("region") ?? w.Region, Version = c.Str("version") ?? "1.32" };
        var eks = new JsonObject
        {
            ["name"] = cl.Name,
            ["arn"] = $"arn:aws:eks:{cl.Region}:{w.AccountId}:cluster/{cl.Name}",
            ["createdAt"] = c.Str("createdAt") ?? "2025-01-10T09:00:00Z",
            ["version"] = cl.Version,
            ["roleArn"] = c.Str("roleArn") ?? $"arn:aws:iam::{w.AccountId}:role/{cl.Name}-cluster-role",
            ["resourcesVpcConfig"] = new JsonObject
            {
                ["subnetIds"] = new JsonArray("subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"),
                ["securityGroupIds"] = new JsonArray(),
                ["clusterSecurityGroupId"] = "sg-0c1a2b3c4d5e6f701",
                ["vpcId"] = "vpc-0123456789abcdef0",
                ["endpointPublicAccess"] = true,
                ["endpointPrivateAccess"] = true,
                ["publicAccessCidrs"] = new JsonArray("0.0.0.0/0"),
            },
            ["kubernetesNetworkConfig"] = new JsonObject { ["serviceIpv4Cidr"] = "172.20.0.0/16", ["ipFamily"] = "ipv4" },
            ["logging"] = new JsonObject { ["clusterLogging"] = new JsonArray(new JsonObject { ["types"] = new JsonArray("api", "audit", "authenticator", "controllerManager", "scheduler"), ["enabled"] = false }) },
            ["identity"] = new JsonObject { ["oidc"] = new JsonObject { ["issuer"] = $"https://oidc.eks.{cl.Region}.amazonaws.com/id/{Ids.Hex(cl.Name, 32).ToUpperInvariant()}" } },
            ["status"] = "ACTIVE",
            ["platformVersion"] = c.Str("platformVersion") ?? "eks.10",
            ["tags"] = new JsonObject(),
            ["accessConfig"] = new JsonObject { ["authenticationMode"] = "API_AND_CONFIG_MAP" },
            ["upgradePolicy"] = new JsonObject { ["supportType"] = "STANDARD" },
        };
        foreach (var key in new[] { "computeConfig", "storageConfig", "tags", "accessConfig", "upgradePolicy", "zonalShiftConfig", "status", "logging", "identity", "encryptionConfig", "health", "remoteNetworkConfig", "outpostConfig", "connectorConfig", "deletionProtection" })
            if (c[key] != null) eks[key] = c[key]!.DeepClone();
        if (c.Obj("kubernetesNetworkConfig") is { } knc) J.MergePatch(eks["kubernetesNetworkConfig"], knc.DeepClone());
        if (c.Obj("resourcesVpcConfig") is { } rvc) J.MergePatch(eks["resourcesVpcConfig"], rvc.DeepClone());
        cl.Eks = eks;

        // Resource types: built-ins plus the CRD sets the cluster has installed.
        var sets = c.Strings("crdSets").ToList();
        if (cl.AutoMode) { sets.Add("automode"); sets.Add("karpenter-core"); }
        var types = Catalog.BuiltIns.Concat(Catalog.Custom.Where(t => sets.Contains(t.CrdSet!))).ToList();
        cl.Kube = new KubeStore(types);
        var k = cl.Kube;
        var ctx = new ExpandContext(w, cl);

        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" }) ctx.EnsureNamespace(ns);
        // CRDs with the schemas this cluster's flavour serves (Kube/CrdSchemas.cs), then the scenario's overrides.
        var karpenterVersion = c.Str("karpenterVersion");
        var crds = types.Where(t => !t.BuiltIn).ToDictionary(t => t.FullName, t => Crd(t, CrdSchemas.Served(t, cl.AutoMode, karpenterVersion)));
        foreach (var entry in c.Arr("crds"))
        {
            var file = entry.Str("file");
            var source = file != null ? YamlJson.ParseFile(Path.Combine(scenarioDir, file)) as JsonObject : entry as JsonObject;
            var name = source.Obj("metadata").Str("name") ?? throw new InvalidDataException($"Scenario cluster '{cl.Name}': a crds entry has no metadata.name.");
            if (!crds.TryGetValue(name, out var crd))
                throw new InvalidDataException($"Scenario cluster '{cl.Name}': crds entry '{name}' is not a CRD this cluster installs (add its CRD set to crdSets).");
            CrdSchemas.UseVersions(crd, source!, file ?? "the scenario");
        }
        foreach (var crd in crds.Values) k.Add(crd);

        BuiltInPools(ctx, c);
        foreach (var o in c.Arr("objects")) ctx.Add((JsonObject)o!.DeepClone());
        ctx.FinishNodeClassStatus();
        foreach (var n in c.Arr("autoNodes")) ctx.AutoNode((JsonObject)n!);
        foreach (var n in c.Arr("karpenterNodes")) ctx.KarpenterNode((JsonObject)n!);
        foreach (var ng in c.Arr("nodegroups")) ctx.Nodegroup((JsonObject)ng!);
        foreach (var n in c.Arr("selfManagedNodes")) ctx.SelfManagedNode((JsonObject)n!);
        foreach (var n in c.Arr("hybridNodes")) ctx.HybridNode((JsonObject)n!);
        foreach (var f in c.Arr("fargateProfiles")) ctx.FargateProfile((JsonObject)f!);
        foreach (var n in c.Arr("nodeClaims")) ctx.FailingNodeClaim((JsonObject)n!);
        foreach (var p in c.Arr("podSets")) ctx.PodSet((JsonObject)p!);
        foreach (var h in c.Arr("helmReleases")) ctx.HelmRelease((JsonObject)h!);
        foreach (var a in c.Arr("addons")) ctx.Addon((JsonObject)a!);
        foreach (var a in c.Arr("accessEntries")) ctx.AccessEntry((JsonObject)a!);
        foreach (var p in c.Arr("podIdentityAssociations")) ctx.PodIdentityAssociation((JsonObject)p!);
        foreach (var i in c.Arr("insights")) cl.Insights.Add((JsonObject)i!.DeepClone());
        ctx.FinishNodePoolStatus();
        foreach (var gone in c.Strings("iamMissingInstanceProfiles")) w.InstanceProfiles.Remove(gone); // deleted behind the NodeClass's back
        cl.Hosts = ctx.Hosts;
        cl.PodsPerNode = c.Long("podsPerNode") is { } ppn ? (int)ppn : null;
        cl.DaemonSets = (int)(c.Long("daemonSets") ?? 2);
        // Consistency: every pod's spec.nodeName must be a node of this cluster.
        var nodes = k.Collections[k.Find("", "v1", "nodes")!].Items;
        foreach (var (key, pod) in k.Collections[k.Find("", "v1", "pods")!].Items)
            if (pod["spec"].Str("nodeName") is { } node && !nodes.ContainsKey(node))
                throw new InvalidDataException($"Scenario cluster '{cl.Name}': pod {key} is on node '{node}', which the scenario does not define.");
        return cl;
    }

    /// <summary>The built-in NodePools and default NodeClass exactly as the seed article's dumps show them.</summary>
    private static void BuiltInPools(ExpandContext ctx, JsonObject c)
    {
        var cc = ctx.Cluster.Eks.Obj("computeConfig");
        if (cc.Bool("enabled") != true) return;
        var pools = cc.Strings("nodePools").ToList();
        var known = pools.Where(p => p is "system" or "general-purpose").ToList();
        if (known.Count == 0) return; // a typo such as "sytem" silently means "no pool" (terraform-aws-eks #3496)
        var roleArn = cc.Str("nodeRoleArn") ?? "";
        var roleName = roleArn.Contains('/') ? roleArn[(roleArn.LastIndexOf('/') + 1)..] : roleArn;
        var vpc = ctx.Cluster.Eks.Obj("resourcesVpcConfig");
        var nodeClass = new JsonObject
        {
            ["apiVersion"] = "eks.amazonaws.com/v1",
            ["kind"] = "NodeClass",
            ["metadata"] = new JsonObject
            {
                ["name"] = "default",
                ["creationTimestamp"] = J.Iso(DateTimeOffset.Parse(ctx.Cluster.Eks.Str("createdAt")!, CultureInfo.InvariantCulture).AddMinutes(12)),
                ["annotations"] = new JsonObject { ["eks.amazonaws.com/nodeclass-hash"] = "3399735243323253970", ["eks.amazonaws.com/nodeclass-hash-version"] = "v1" },
                ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "eks" },
                ["finalizers"] = new JsonArray("eks.amazonaws.com/termination"),
            },
            ["spec"] = new JsonObject
            {
                ["ephemeralStorage"] = new JsonObject { ["iops"] = 3000, ["size"] = "80Gi", ["throughput"] = 125 },
                ["networkPolicy"] = "DefaultAllow",
                ["networkPolicyEventLogs"] = "Disabled",
                ["role"] = roleName,
                ["securityGroupSelectorTerms"] = new JsonArray(new JsonObject { ["id"] = vpc.Str("clusterSecurityGroupId") }),
                ["snatPolicy"] = "Random",
                ["subnetSelectorTerms"] = new JsonArray(vpc.Strings("subnetIds").Select(s => (JsonNode)new JsonObject { ["id"] = s }).ToArray()),
            },
            ["status"] = ReadyStatus(ctx.Cluster, ["InstanceProfileReady", "SecurityGroupsReady", "SubnetsReady", "ValidationSucceeded"]),
        };
        ctx.Add(nodeClass);
        foreach (var p in known)
        {
            var system = p == "system";
            var spec = new JsonObject
            {
                ["disruption"] = new JsonObject { ["budgets"] = new JsonArray(new JsonObject { ["nodes"] = "10%" }), ["consolidateAfter"] = "30s", ["consolidationPolicy"] = "WhenEmptyOrUnderutilized" },
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["expireAfter"] = "336h",
                        ["nodeClassRef"] = new JsonObject { ["group"] = "eks.amazonaws.com", ["kind"] = "NodeClass", ["name"] = "default" },
                        ["requirements"] = new JsonArray(
                            Req("karpenter.sh/capacity-type", "In", "on-demand"),
                            Req("eks.amazonaws.com/instance-category", "In", "c", "m", "r"),
                            Req("eks.amazonaws.com/instance-generation", "Gt", "4"),
                            system ? Req("kubernetes.io/arch", "In", "amd64", "arm64") : Req("kubernetes.io/arch", "In", "amd64"),
                            Req("kubernetes.io/os", "In", "linux")),
                        ["terminationGracePeriod"] = "24h0m0s",
                    },
                },
            };
            if (system) ((JsonObject)spec["template"]!["spec"]!)["taints"] = new JsonArray(new JsonObject { ["effect"] = "NoSchedule", ["key"] = "CriticalAddonsOnly" });
            // key order as in the dump: requirements, taints, terminationGracePeriod
            if (system)
            {
                var ts = (JsonObject)spec["template"]!["spec"]!;
                var tgp = ts["terminationGracePeriod"]!.DeepClone();
                ts.Remove("terminationGracePeriod");
                ts["terminationGracePeriod"] = tgp;
            }
            ctx.Add(new JsonObject
            {
                ["apiVersion"] = "karpenter.sh/v1",
                ["kind"] = "NodePool",
                ["metadata"] = new JsonObject
                {
                    ["name"] = p,
                    ["creationTimestamp"] = J.Iso(DateTimeOffset.Parse(ctx.Cluster.Eks.Str("createdAt")!, CultureInfo.InvariantCulture).AddMinutes(12)),
                    ["annotations"] = new JsonObject { ["karpenter.sh/nodepool-hash"] = system ? "4982684901400657622" : "4012513481623584108", ["karpenter.sh/nodepool-hash-version"] = "v3" },
                    ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "eks" },
                },
                ["spec"] = spec,
                ["status"] = ReadyStatus(ctx.Cluster, ["NodeClassReady", "ValidationSucceeded", "NodeRegistrationHealthy"]),
            });
        }
    }

    public static JsonObject Req(string key, string op, params string[] values) =>
        new() { ["key"] = key, ["operator"] = op, ["values"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()) };

    public static JsonObject ReadyStatus(Cluster c, string[] types)
    {
        var t = c.Eks.Str("createdAt") ?? "2025-01-10T09:00:00Z";
        var conds = new JsonArray();
        foreach (var ty in types.Append("Ready"))
            conds.Add(new JsonObject { ["lastTransitionTime"] = t, ["message"] = "", ["observedGeneration"] = 1, ["reason"] = ty, ["status"] = "True", ["type"] = ty });
        return new JsonObject { ["conditions"] = conds };
    }

    /// <summary>The CRD of a custom type: schemaless, or with the versions (schemas) of <paramref name="served"/>.</summary>
    private static JsonObject Crd(ResourceType t, JsonObject? served = null)
    {
        var version = new JsonObject
        {
            ["name"] = t.Version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
            ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
        };
        if (t.PrinterColumns is { Length: > 0 } cols)
        {
            var arr = new JsonArray();
            foreach (var (n, ty, p) in cols) arr.Add(new JsonObject { ["name"] = n, ["type"] = ty, ["jsonPath"] = p });
            arr.Add(new JsonObject { ["name"] = "Age", ["type"] = "date", ["jsonPath"] = ".metadata.creationTimestamp" });
            version["additionalPrinterColumns"] = arr;
        }
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = t.FullName, ["creationTimestamp"] = "2025-01-10T09:05:00Z" },
            ["spec"] = new JsonObject
            {
                ["group"] = t.Group,
                ["names"] = new JsonObject
                {
                    ["kind"] = t.Kind,
                    ["listKind"] = t.ListKind,
                    ["plural"] = t.Plural,
                    ["singular"] = t.Singular,
                    ["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                },
                ["scope"] = t.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
            ["status"] = new JsonObject
            {
                ["acceptedNames"] = new JsonObject { ["kind"] = t.Kind, ["plural"] = t.Plural },
                ["storedVersions"] = new JsonArray(t.Version),
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["lastTransitionTime"] = "2025-01-10T09:05:00Z" }),
            },
        };
        if (served != null) CrdSchemas.UseVersions(crd, served, "Crds/");
        return crd;
    }
}
