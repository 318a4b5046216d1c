using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

internal enum NodeFlavor { Auto, Karpenter, ManagedNodeGroup }

internal sealed class NodeSpec
{
    public NodeFlavor Flavor;
    public string InstanceId = "";
    public string InstanceType = "m5.large";
    public string Zone = "";
    public string CapacityType = "on-demand";
    public string NodePool = "";
    public string NodeClass = "default";
    public string NodeGroup = "";
    public DateTimeOffset Launch;
    public string PrivateIp = "";
    public string NodeClaimName = "";
    public bool Ready = true;
    public JsonArray? Taints;
    public JsonObject? ExtraLabels;

    /// <summary>True when the scenario labels the node kubernetes.io/os=windows (node OS and EC2 platform follow).</summary>
    public bool Windows => ExtraLabels?["kubernetes.io/os"]?.ToString() == "windows";
    public int? MaxPods;
    public string NodeName => Flavor == NodeFlavor.Auto ? InstanceId : PrivateDns;
    public string PrivateDns => $"ip-{PrivateIp.Replace('.', '-')}.{Region}.compute.internal";
    public string Region => Zone[..^1];
}

/// <summary>Builds mutually consistent Node / NodeClaim / EC2 instance records.</summary>
internal static class NodeFactory
{
    public static string Ip(string seed)
    {
        var h = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return $"10.0.{h[0] % 64 + 16}.{h[1] % 250 + 4}";
    }

    public static JsonObject Node(World w, Cluster c, NodeSpec s)
    {
        var t = w.Type(s.InstanceType);
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = t.KubeArch,
            ["beta.kubernetes.io/instance-type"] = s.InstanceType,
            ["beta.kubernetes.io/os"] = "linux",
            ["failure-domain.beta.kubernetes.io/region"] = s.Region,
            ["failure-domain.beta.kubernetes.io/zone"] = s.Zone,
            ["kubernetes.io/arch"] = t.KubeArch,
            ["kubernetes.io/hostname"] = s.NodeName,
            ["kubernetes.io/os"] = "linux",
            ["node.kubernetes.io/instance-type"] = s.InstanceType,
            ["topology.k8s.aws/zone-id"] = ZoneId(s.Zone),
            ["topology.kubernetes.io/region"] = s.Region,
            ["topology.kubernetes.io/zone"] = s.Zone,
        };
        var annotations = new JsonObject { ["alpha.kubernetes.io/provided-node-ip"] = s.PrivateIp, ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" };
        JsonArray? owners = null;
        string osImage, kernel, runtime, kubelet;
        switch (s.Flavor)
        {
            case NodeFlavor.Auto:
                labels["eks.amazonaws.com/compute-type"] = "auto";
                labels["eks.amazonaws.com/instance-category"] = t.Category;
                labels["eks.amazonaws.com/instance-cpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture);
                labels["eks.amazonaws.com/instance-family"] = t.Family;
                labels["eks.amazonaws.com/instance-generation"] = t.Generation;
                labels["eks.amazonaws.com/instance-hypervisor"] = t.Hypervisor;
                labels["eks.amazonaws.com/instance-memory"] = t.MemoryMiB.ToString(CultureInfo.InvariantCulture);
                labels["eks.amazonaws.com/instance-size"] = t.Size;
                labels["eks.amazonaws.com/nodeclass"] = s.NodeClass;
                labels["karpenter.sh/capacity-type"] = s.CapacityType;
                labels["karpenter.sh/initialized"] = "true";
                labels["karpenter.sh/nodepool"] = s.NodePool;
                labels["karpenter.sh/registered"] = "true";
                annotations["karpenter.sh/nodepool-hash-version"] = "v3";
                owners = new JsonArray(new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodeClaim", ["name"] = s.NodeClaimName, ["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{s.NodeClaimName}"), ["blockOwnerDeletion"] = true });
                osImage = "Bottlerocket (EKS Auto, Standard) 2025.11.12 (aws-k8s-" + c.Version + "-standard)";
                kernel = "6.12.46";
                runtime = "containerd://1.7.28+bottlerocket";
                kubelet = $"v{c.Version}.5-eks-113cf36";
                break;
            case NodeFlavor.Karpenter:
                labels["karpenter.k8s.aws/ec2nodeclass"] = s.NodeClass;
                labels["karpenter.k8s.aws/instance-category"] = t.Category;
                labels["karpenter.k8s.aws/instance-cpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture);
                labels["karpenter.k8s.aws/instance-family"] = t.Family;
                labels["karpenter.k8s.aws/instance-generation"] = t.Generation;
                labels["karpenter.k8s.aws/instance-hypervisor"] = t.Hypervisor;
                labels["karpenter.k8s.aws/instance-memory"] = t.MemoryMiB.ToString(CultureInfo.InvariantCulture);
                labels["karpenter.k8s.aws/instance-size"] = t.Size;
                labels["karpenter.sh/capacity-type"] = s.CapacityType;
                labels["karpenter.sh/initialized"] = "true";
                labels["karpenter.sh/nodepool"] = s.NodePool;
                labels["karpenter.sh/registered"] = "true";
                owners = new JsonArray(new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodeClaim", ["name"] = s.NodeClaimName, ["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{s.NodeClaimName}"), ["blockOwnerDeletion"] = true });
                osImage = "Amazon Linux 2023.9.20251110";
                kernel = "6.1.155-176.282.amzn2023.x86_64";
                runtime = "containerd://1.7.27";
                kubelet = $"v{c.Version}.9-eks-113cf36";
                break;
            default:
                labels["eks.amazonaws.com/capacityType"] = s.CapacityType == "spot" ? "SPOT" : "ON_DEMAND";
                labels["eks.amazonaws.com/nodegroup"] = s.NodeGroup;
                labels["eks.amazonaws.com/nodegroup-image"] = "ami-0f1e2d3c4b5a69788";
                labels["eks.amazonaws.com/sourceLaunchTemplateId"] = "lt-0" + Ids.Hex("lt" + s.NodeGroup, 16);
                labels["eks.amazonaws.com/sourceLaunchTemplateVersion"] = "1";
                osImage = "Amazon Linux 2023.9.20251110";
                kernel = "6.1.155-176.282.amzn2023.x86_64";
                runtime = "containerd://1.7.27";
                kubelet = $"v{c.Version}.9-eks-113cf36";
                break;
        }
        if (s.ExtraLabels != null) foreach (var kv in s.ExtraLabels) labels[kv.Key] = kv.Value?.DeepClone();
        var mem = $"{t.MemoryMiB * 1024 - 0}Ki";
        var allocMem = $"{(long)(t.MemoryMiB * 1024 * 0.9)}Ki";
        var pods = s.MaxPods ?? (s.Flavor == NodeFlavor.Auto ? Math.Min(110, t.MaxPods) : t.MaxPods);
        var node = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = s.NodeName,
                ["uid"] = Ids.Uid("node/" + s.InstanceId),
                ["creationTimestamp"] = J.Iso(s.Launch.AddSeconds(25)),
                ["labels"] = labels,
                ["annotations"] = annotations,
            },
            ["spec"] = new JsonObject { ["providerID"] = $"aws:///{s.Zone}/{s.InstanceId}" },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = s.PrivateIp },
                    new JsonObject { ["type"] = "InternalDNS", ["address"] = s.PrivateDns },
                    new JsonObject { ["type"] = "Hostname", ["address"] = s.PrivateDns }),
                ["allocatable"] = new JsonObject { ["cpu"] = $"{t.VCpu * 1000 - 70 - t.VCpu * 10}m", ["ephemeral-storage"] = "76224326324", ["memory"] = allocMem, ["pods"] = pods.ToString(CultureInfo.InvariantCulture) },
                ["capacity"] = new JsonObject { ["cpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture), ["ephemeral-storage"] = "83873772Ki", ["memory"] = mem, ["pods"] = pods.ToString(CultureInfo.InvariantCulture) },
                ["conditions"] = new JsonArray(
                    Cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", s.Launch),
                    Cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", s.Launch),
                    Cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", s.Launch),
                    Cond("Ready", s.Ready ? "True" : "False", s.Ready ? "KubeletReady" : "KubeletNotReady", s.Ready ? "kubelet is posting ready status" : "container runtime network not ready", s.Launch.AddSeconds(40))),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = t.KubeArch,
                    ["bootID"] = Ids.Uid("boot" + s.InstanceId),
                    ["containerRuntimeVersion"] = runtime,
                    ["kernelVersion"] = kernel,
                    ["kubeProxyVersion"] = "",
                    ["kubeletVersion"] = kubelet,
                    ["machineID"] = Ids.Hex("machine" + s.InstanceId, 32),
                    ["operatingSystem"] = s.Windows ? "windows" : "linux",
                    ["osImage"] = osImage,
                    ["systemUUID"] = "ec2" + Ids.Hex("uuid" + s.InstanceId, 5) + "-" + Ids.Uid(s.InstanceId)[9..],
                },
            },
        };
        if (owners != null) ((JsonObject)node["metadata"]!)["ownerReferences"] = owners;
        if (s.Taints is { Count: > 0 }) ((JsonObject)node["spec"]!)["taints"] = s.Taints.DeepClone();
        return node;
    }

    public static JsonObject Cond(string type, string status, string reason, string message, DateTimeOffset t) =>
        new() { ["type"] = type, ["status"] = status, ["lastHeartbeatTime"] = J.Iso(DateTimeOffset.UtcNow.AddSeconds(-20)), ["lastTransitionTime"] = J.Iso(t), ["reason"] = reason, ["message"] = message };

    public static string ZoneId(string zone)
    {
        var region = zone[..^1];
        var prefix = region switch { "us-west-2" => "usw2", "us-east-1" => "use1", "ap-northeast-1" => "apne1", "eu-west-1" => "euw1", "eu-central-1" => "euc1", _ => region.Replace("-", "")[..4] };
        return $"{prefix}-az{zone[^1] - 'a' + 1}";
    }

    public static JsonObject NodeClaim(World w, Cluster c, NodeSpec s, JsonObject? pool)
    {
        var t = w.Type(s.InstanceType);
        var auto = s.Flavor == NodeFlavor.Auto;
        var labels = new JsonObject
        {
            ["karpenter.sh/capacity-type"] = s.CapacityType,
            ["karpenter.sh/nodepool"] = s.NodePool,
            ["kubernetes.io/arch"] = t.KubeArch,
            ["kubernetes.io/os"] = "linux",
            ["node.kubernetes.io/instance-type"] = s.InstanceType,
            ["topology.kubernetes.io/region"] = s.Region,
            ["topology.kubernetes.io/zone"] = s.Zone,
        };
        if (auto) { labels["eks.amazonaws.com/compute-type"] = "auto"; labels["eks.amazonaws.com/nodeclass"] = s.NodeClass; }
        else labels["karpenter.k8s.aws/ec2nodeclass"] = s.NodeClass;
        var tspec = pool?["spec"]?["template"]?["spec"];
        var spec = new JsonObject
        {
            ["expireAfter"] = tspec.Str("expireAfter") ?? "720h",
            ["nodeClassRef"] = auto
                ? new JsonObject { ["group"] = "eks.amazonaws.com", ["kind"] = "NodeClass", ["name"] = s.NodeClass }
                : new JsonObject { ["group"] = "karpenter.k8s.aws", ["kind"] = "EC2NodeClass", ["name"] = s.NodeClass },
            ["requirements"] = tspec?["requirements"]?.DeepClone() ?? new JsonArray(ScenarioLoader.Req("karpenter.sh/nodepool", "In", s.NodePool)),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "210m", ["pods"] = "6" } },
        };
        if (tspec.Str("terminationGracePeriod") is { } tgp) spec["terminationGracePeriod"] = tgp;
        if (s.Taints is { Count: > 0 }) spec["taints"] = s.Taints.DeepClone();
        var poolUid = Ids.Uid($"nodepools.karpenter.sh//{s.NodePool}");
        return new JsonObject
        {
            ["apiVersion"] = "karpenter.sh/v1",
            ["kind"] = "NodeClaim",
            ["metadata"] = new JsonObject
            {
                ["name"] = s.NodeClaimName,
                ["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{s.NodeClaimName}"),
                ["creationTimestamp"] = J.Iso(s.Launch.AddSeconds(-3)),
                ["generation"] = 1,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["karpenter.sh/nodepool-hash"] = pool?["metadata"]?["annotations"].Str("karpenter.sh/nodepool-hash") ?? "0", ["karpenter.sh/nodepool-hash-version"] = "v3" },
                ["finalizers"] = new JsonArray("karpenter.sh/termination"),
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodePool", ["name"] = s.NodePool, ["uid"] = poolUid, ["blockOwnerDeletion"] = true }),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["allocatable"] = new JsonObject { ["cpu"] = $"{t.VCpu * 1000 - 90}m", ["memory"] = $"{(long)(t.MemoryMiB * 0.9)}Mi", ["pods"] = "110" },
                ["capacity"] = new JsonObject { ["cpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture), ["memory"] = $"{t.MemoryMiB}Mi", ["pods"] = "110" },
                ["conditions"] = new JsonArray(
                    ClaimCond("Launched", "True", "Launched", "", s.Launch),
                    ClaimCond("Registered", "True", "Registered", "", s.Launch.AddSeconds(30)),
                    ClaimCond("Initialized", "True", "Initialized", "", s.Launch.AddSeconds(45)),
                    ClaimCond("ConsistentStateFound", "True", "ConsistentStateFound", "", s.Launch.AddSeconds(60)),
                    ClaimCond("Ready", "True", "Ready", "", s.Launch.AddSeconds(45))),
                ["imageID"] = auto ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788",
                ["nodeName"] = s.NodeName,
                ["providerID"] = $"aws:///{s.Zone}/{s.InstanceId}",
            },
        };
    }

    public static JsonObject ClaimCond(string type, string status, string reason, string message, DateTimeOffset t) =>
        new() { ["lastTransitionTime"] = J.Iso(t), ["message"] = message, ["observedGeneration"] = 1, ["reason"] = reason, ["status"] = status, ["type"] = type };

    public static JsonObject Instance(World w, Cluster c, NodeSpec s, string nodeRoleName)
    {
        var t = w.Type(s.InstanceType);
        var tags = new JsonArray();
        void Tag(string k, string v) => tags.Add(new JsonObject { ["key"] = k, ["value"] = v });
        switch (s.Flavor)
        {
            case NodeFlavor.Auto:
                Tag("eks:eks-cluster-name", c.Name);
                Tag("eks:kubernetes-node-class-name", s.NodeClass);
                Tag("eks:kubernetes-node-pool-name", s.NodePool);
                Tag("Name", $"{c.Name}-{s.NodePool}");
                break;
            case NodeFlavor.Karpenter:
                Tag("Name", $"{s.NodePool}/{s.NodeClaimName}");
                Tag("eks:eks-cluster-name", c.Name);
                Tag("karpenter.k8s.aws/ec2nodeclass", s.NodeClass);
                Tag("karpenter.sh/nodeclaim", s.NodeClaimName);
                Tag("karpenter.sh/nodepool", s.NodePool);
                Tag($"kubernetes.io/cluster/{c.Name}", "owned");
                break;
            default:
                Tag("Name", $"{c.Name}-{s.NodeGroup}-Node");
                Tag("aws:autoscaling:groupName", $"eks-{s.NodeGroup}-{Ids.Uid(c.Name + s.NodeGroup)}");
                Tag("aws:ec2launchtemplate:id", "lt-0" + Ids.Hex("lt" + s.NodeGroup, 16));
                Tag("aws:ec2launchtemplate:version", "1");
                Tag("eks:cluster-name", c.Name);
                Tag("eks:nodegroup-name", s.NodeGroup);
                Tag("k8s.io/cluster-autoscaler/enabled", "true");
                Tag($"kubernetes.io/cluster/{c.Name}", "owned");
                break;
        }
        var inst = new JsonObject
        {
            ["_region"] = s.Region,
            ["instanceId"] = s.InstanceId,
            ["imageId"] = s.Flavor == NodeFlavor.Auto ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788",
            ["instanceState"] = new JsonObject { ["code"] = 16, ["name"] = "running" },
            ["privateDnsName"] = s.PrivateDns,
            ["dnsName"] = "",
            ["reason"] = "",
            ["amiLaunchIndex"] = 0,
            ["productCodes"] = new JsonArray(),
            ["instanceType"] = s.InstanceType,
            ["launchTime"] = J.Iso(s.Launch),
            ["placement"] = new JsonObject { ["availabilityZone"] = s.Zone, ["groupName"] = "", ["tenancy"] = "default" },
            ["monitoring"] = new JsonObject { ["state"] = "disabled" },
            ["subnetId"] = "subnet-0a1b2c3d4e5f6000" + (char)('1' + (s.Zone[^1] - 'a') % 3),
            ["vpcId"] = "vpc-0123456789abcdef0",
            ["privateIpAddress"] = s.PrivateIp,
            ["sourceDestCheck"] = true,
            ["groupSet"] = new JsonArray(new JsonObject { ["groupId"] = "sg-0c1a2b3c4d5e6f701", ["groupName"] = $"eks-cluster-sg-{c.Name}" }),
            ["architecture"] = t.Arch,
            ["rootDeviceType"] = "ebs",
            ["rootDeviceName"] = "/dev/xvda",
            ["virtualizationType"] = "hvm",
            ["clientToken"] = Ids.Uid("ct" + s.InstanceId),
            ["tagSet"] = tags,
            ["hypervisor"] = "xen",
            ["iamInstanceProfile"] = new JsonObject
            {
                ["arn"] = $"arn:aws:iam::{w.AccountId}:instance-profile/eks-{s.Region}-{c.Name}-{Ids.Hex(c.Name + nodeRoleName, 10)}",
                ["id"] = "AIPA" + Ids.Hex("ip" + c.Name + nodeRoleName, 17).ToUpperInvariant(),
            },
            ["ebsOptimized"] = true,
            ["enaSupport"] = true,
            ["cpuOptions"] = new JsonObject { ["coreCount"] = Math.Max(1, t.VCpu / 2), ["threadsPerCore"] = t.Arch == "arm64" ? 1 : 2 },
            ["metadataOptions"] = new JsonObject { ["state"] = "applied", ["httpTokens"] = "required", ["httpPutResponseHopLimit"] = s.Flavor == NodeFlavor.Auto ? 1 : 2, ["httpEndpoint"] = "enabled" },
            ["platformDetails"] = s.Windows ? "Windows" : "Linux/UNIX",
            ["usageOperation"] = "RunInstances",
            ["bootMode"] = t.Arch == "arm64" ? "uefi" : "legacy-bios",
            ["currentInstanceBootMode"] = t.Arch == "arm64" ? "uefi" : "legacy-bios",
        };
        if (s.CapacityType == "spot")
        {
            inst["instanceLifecycle"] = "spot";
            inst["spotInstanceRequestId"] = "sir-" + Ids.Hex("sir" + s.InstanceId, 8);
        }
        if (s.Flavor == NodeFlavor.Auto)
            inst["operator"] = new JsonObject { ["managed"] = true, ["principal"] = "eks.amazonaws.com" };
        else
            inst["operator"] = new JsonObject { ["managed"] = false };
        return inst;
    }
}

internal sealed class ExpandContext(World w, Cluster c)
{
    public World World => w;
    public Cluster Cluster => c;

    public void EnsureNamespace(string ns)
    {
        var col = c.Kube.Collections[c.Kube.Find("", "v1", "namespaces")!];
        if (col.Items.ContainsKey(ns)) return;
        c.Kube.Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns }, ["creationTimestamp"] = c.Eks.Str("createdAt") },
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        });
    }

    public void Add(JsonObject o)
    {
        var ns = o["metadata"].Str("namespace");
        var t = c.Kube.FindKind(o.Str("apiVersion") ?? "", o.Str("kind") ?? "");
        if (t is { Namespaced: true }) EnsureNamespace(ns ?? "default");
        c.Kube.Add(o);
    }

    private JsonObject? Get(string plural, string group, string name)
    {
        var t = c.Kube.Types.FirstOrDefault(x => x.Plural == plural && x.Group == group);
        return t == null ? null : c.Kube.Collections[t].Items.GetValueOrDefault(name);
    }

    private NodeSpec Spec(JsonObject n, NodeFlavor flavor, string defaultPool)
    {
        var seed = n.Str("instanceId") ?? n.Str("name") ?? (n.ToJsonString() + c.Name);
        var zone = n.Str("zone") ?? c.Region + "a";
        var pool = n.Str("nodePool") ?? defaultPool;
        return new NodeSpec
        {
            Flavor = flavor,
            InstanceId = n.Str("instanceId") ?? "i-0" + Ids.Hex("iid" + seed, 16),
            InstanceType = n.Str("instanceType") ?? "m5.large",
            Zone = zone,
            CapacityType = n.Str("capacityType") ?? "on-demand",
            NodePool = pool,
            NodeClass = n.Str("nodeClass") ?? (flavor == NodeFlavor.Auto ? "default" : "default"),
            Launch = n.Str("launchTime") is { } lt ? DateTimeOffset.Parse(lt, CultureInfo.InvariantCulture) : w.Now - Ago(n.Str("launchedAgo") ?? "3d"),
            PrivateIp = n.Str("privateIp") ?? NodeFactory.Ip(seed),
            NodeClaimName = n.Str("nodeClaim") ?? $"{pool}-{Ids.Suffix("nc" + seed)}",
            Ready = n.Bool("ready") ?? true,
            ExtraLabels = n.Obj("labels"),
            MaxPods = n.Long("maxPods") is { } mp ? (int)mp : null,
        };
    }

    public static TimeSpan Ago(string s)
    {
        var unit = s[^1];
        var n = double.Parse(s[..^1], CultureInfo.InvariantCulture);
        return unit switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => throw new InvalidDataException($"Bad duration '{s}' (use 30s, 5m, 3h, 40d).") };
    }

    private string NodeRoleName()
    {
        var arn = c.Eks.Obj("computeConfig").Str("nodeRoleArn") ?? $"arn:aws:iam::{w.AccountId}:role/{c.Name}-node-role";
        return arn[(arn.LastIndexOf('/') + 1)..];
    }

    public void AutoNode(JsonObject n)
    {
        var s = Spec(n, NodeFlavor.Auto, "general-purpose");
        var pool = Get("nodepools", "karpenter.sh", s.NodePool);
        s.Taints = pool?["spec"]?["template"]?["spec"]?["taints"] as JsonArray;
        AddNode(s, pool);
    }

    public void KarpenterNode(JsonObject n)
    {
        var s = Spec(n, NodeFlavor.Karpenter, "default");
        var pool = Get("nodepools", "karpenter.sh", s.NodePool);
        s.Taints = pool?["spec"]?["template"]?["spec"]?["taints"] as JsonArray;
        AddNode(s, pool);
    }

    private void AddNode(NodeSpec s, JsonObject? pool)
    {
        Add(NodeFactory.Node(w, c, s));
        Add(NodeFactory.NodeClaim(w, c, s, pool));
        w.Instances.Add(NodeFactory.Instance(w, c, s, s.Flavor == NodeFlavor.Auto ? NodeRoleName() : $"KarpenterNodeRole-{c.Name}"));
    }

    public void Nodegroup(JsonObject ng)
    {
        var name = ng.Str("nodegroupName")!;
        var nodes = ng.Arr("nodes");
        var types = ng.Strings("instanceTypes").ToList();
        if (types.Count == 0) types.Add("m5.large");
        var capacity = ng.Str("capacityType") ?? "ON_DEMAND";
        var d = new JsonObject
        {
            ["nodegroupName"] = name,
            ["nodegroupArn"] = $"arn:aws:eks:{c.Region}:{w.AccountId}:nodegroup/{c.Name}/{name}/{Ids.Uid(c.Name + name)}",
            ["clusterName"] = c.Name,
            ["version"] = c.Version,
            ["releaseVersion"] = $"{c.Version}.9-20251112",
            ["createdAt"] = ng.Str("createdAt") ?? "2025-02-01T10:00:00Z",
            ["modifiedAt"] = ng.Str("modifiedAt") ?? "2025-11-20T10:00:00Z",
            ["status"] = "ACTIVE",
            ["capacityType"] = capacity,
            ["scalingConfig"] = new JsonObject { ["minSize"] = ng.Long("minSize") ?? 1, ["maxSize"] = ng.Long("maxSize") ?? 10, ["desiredSize"] = nodes.Count },
            ["instanceTypes"] = new JsonArray(types.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["subnets"] = c.Eks.Obj("resourcesVpcConfig")!["subnetIds"]!.DeepClone(),
            ["amiType"] = ng.Str("amiType") ?? "AL2023_x86_64_STANDARD",
            ["nodeRole"] = ng.Str("nodeRole") ?? $"arn:aws:iam::{w.AccountId}:role/{c.Name}-mng-node-role",
            ["labels"] = ng.Obj("labels")?.DeepClone() ?? new JsonObject(),
            ["resources"] = new JsonObject { ["autoScalingGroups"] = new JsonArray(new JsonObject { ["name"] = $"eks-{name}-{Ids.Uid(c.Name + name)}" }) },
            ["diskSize"] = 20,
            ["health"] = new JsonObject { ["issues"] = new JsonArray() },
            ["updateConfig"] = new JsonObject { ["maxUnavailable"] = 1 },
            ["tags"] = new JsonObject(),
        };
        if (ng["taints"] is JsonArray taints) d["taints"] = taints.DeepClone();
        // Any other DescribeNodegroup field written in the scenario (scalingConfig, status, health, launchTemplate, …) wins.
        foreach (var (k, v) in ng)
            if (k is not ("nodes" or "minSize" or "maxSize") && v != null) d[k] = v.DeepClone();
        c.Nodegroups.Add(d);
        var i = 0;
        foreach (var n in nodes)
        {
            var s = Spec((JsonObject)n!, NodeFlavor.ManagedNodeGroup, "");
            s.NodeGroup = name;
            s.NodePool = "";
            s.CapacityType = capacity == "SPOT" ? "spot" : "on-demand";
            if (((JsonObject)n!).Str("instanceType") == null) s.InstanceType = types[i % types.Count];
            var extra = (JsonObject?)ng.Obj("labels")?.DeepClone() ?? new JsonObject();
            // Per-node labels (e.g. kubernetes.io/os: windows on a Windows node) win over the group's labels.
            if (s.ExtraLabels != null) foreach (var kv in s.ExtraLabels) extra[kv.Key] = kv.Value?.DeepClone();
            s.ExtraLabels = extra;
            Add(NodeFactory.Node(w, c, s));
            w.Instances.Add(NodeFactory.Instance(w, c, s, ""));
            i++;
        }
    }

    /// <summary>A NodeClaim that never launched (the seed article's Launched=Unknown / Unauthorized case).</summary>
    public void FailingNodeClaim(JsonObject n)
    {
        var name = n.Str("name")!;
        var pool = n.Str("nodePool") ?? "general-purpose";
        var nodeClass = n.Str("nodeClass") ?? "default";
        var created = n.Str("createdAt") ?? "2025-03-12T09:48:38Z";
        var t = DateTimeOffset.Parse(created, CultureInfo.InvariantCulture);
        var poolObj = Get("nodepools", "karpenter.sh", pool);
        var message = n.Str("message") ?? "Error getting launch template configs: User is not authorized to perform this operation because no identity-based policy allows it";
        var reason = n.Str("reason") ?? "Unauthorized";
        Add(new JsonObject
        {
            ["apiVersion"] = "karpenter.sh/v1",
            ["kind"] = "NodeClaim",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["creationTimestamp"] = created,
                ["labels"] = new JsonObject { ["karpenter.sh/nodepool"] = pool, ["eks.amazonaws.com/nodeclass"] = nodeClass, ["kubernetes.io/arch"] = "amd64", ["karpenter.sh/capacity-type"] = "on-demand" },
                ["annotations"] = new JsonObject { ["karpenter.sh/nodepool-hash"] = poolObj?["metadata"]?["annotations"].Str("karpenter.sh/nodepool-hash") ?? "0", ["karpenter.sh/nodepool-hash-version"] = "v3" },
                ["finalizers"] = new JsonArray("karpenter.sh/termination"),
                ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodePool", ["name"] = pool, ["uid"] = Ids.Uid($"nodepools.karpenter.sh//{pool}"), ["blockOwnerDeletion"] = true }),
            },
            ["spec"] = new JsonObject
            {
                ["expireAfter"] = poolObj?["spec"]?["template"]?["spec"].Str("expireAfter") ?? "336h",
                ["nodeClassRef"] = new JsonObject { ["group"] = "eks.amazonaws.com", ["kind"] = "NodeClass", ["name"] = nodeClass },
                ["requirements"] = poolObj?["spec"]?["template"]?["spec"]?["requirements"]?.DeepClone() ?? new JsonArray(),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "1150m", ["memory"] = "1Gi", ["pods"] = "8" } },
            },
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(
                    NodeFactory.ClaimCond("Initialized", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", t),
                    NodeFactory.ClaimCond("Launched", "Unknown", reason, message, t),
                    NodeFactory.ClaimCond("Registered", "Unknown", "NodeNotFound", "Node not registered with cluster", t),
                    NodeFactory.ClaimCond("Ready", "Unknown", "ReconcilingDependents", "Initialized=Unknown, Launched=Unknown, Registered=Unknown", t)),
            },
        });
    }

    /// <summary>count pods of one workload on one node (owner ReplicaSet/DaemonSet/StatefulSet/none), with the workload objects.</summary>
    public void PodSet(JsonObject p)
    {
        var ns = p.Str("namespace") ?? "default";
        var app = p.Str("app") ?? p.Str("name")!;
        var count = (int)(p.Long("count") ?? 1);
        var ownerKind = p.Str("ownerKind") ?? "ReplicaSet";
        var nodes = p.Strings("nodes").ToList();
        if (p.Str("node") is { } one) nodes.Add(one);
        var started = w.Now - Ago(p.Str("startedAgo") ?? "2d");
        var image = p.Str("image") ?? $"public.ecr.aws/sandbox/{app}:1.0.0";
        var labels = new JsonObject { ["app.kubernetes.io/name"] = app };
        if (p.Obj("labels") is { } extra) foreach (var kv in extra) labels[kv.Key] = kv.Value?.DeepClone();
        var hash = Ids.Hex("rs" + ns + app, 10);
        string ownerName = ownerKind switch { "ReplicaSet" => $"{app}-{hash}", _ => app };
        var selector = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = app } };
        var template = new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = app, ["image"] = image, ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = p.Str("cpu") ?? "100m", ["memory"] = p.Str("memory") ?? "128Mi" } } }) },
        };
        // Optional pod details: annotations, container env (a name→value map), args, hostNetwork.
        if (p.Obj("annotations") is { } podAnnotations) ((JsonObject)template["metadata"]!)["annotations"] = podAnnotations.DeepClone();
        var container = (JsonObject)((JsonArray)template["spec"]!["containers"]!)[0]!;
        if (p.Obj("env") is { } env) container["env"] = new JsonArray(env.Select(kv => (JsonNode)new JsonObject { ["name"] = kv.Key, ["value"] = kv.Value?.ToString() }).ToArray());
        if (p["args"] is JsonArray args) container["args"] = args.DeepClone();
        if (p.Bool("hostNetwork") == true) ((JsonObject)template["spec"]!)["hostNetwork"] = true;
        if (p["nodeSelector"] is JsonObject nsel) ((JsonObject)template["spec"]!)["nodeSelector"] = nsel.DeepClone();
        if (p["tolerations"] is JsonArray tol) ((JsonObject)template["spec"]!)["tolerations"] = tol.DeepClone();
        var created = J.Iso(started.AddMinutes(-1));
        if (p.Bool("workload") != false)
        {
            switch (ownerKind)
            {
                case "ReplicaSet":
                    Add(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
                        ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created, ["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" } },
                        ["spec"] = new JsonObject { ["replicas"] = count, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone(), ["strategy"] = new JsonObject { ["type"] = "RollingUpdate" } },
                        ["status"] = new JsonObject { ["replicas"] = count, ["readyReplicas"] = count, ["availableReplicas"] = count, ["updatedReplicas"] = count, ["observedGeneration"] = 1 },
                    });
                    Add(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet",
                        ["metadata"] = new JsonObject { ["name"] = ownerName, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created,
                            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = app, ["uid"] = Ids.Uid($"deployments.apps/{ns}/{app}"), ["controller"] = true, ["blockOwnerDeletion"] = true }) },
                        ["spec"] = new JsonObject { ["replicas"] = count, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone() },
                        ["status"] = new JsonObject { ["replicas"] = count, ["readyReplicas"] = count, ["availableReplicas"] = count },
                    });
                    break;
                case "DaemonSet":
                    Add(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet",
                        ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created },
                        ["spec"] = new JsonObject { ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone() },
                        ["status"] = new JsonObject { ["currentNumberScheduled"] = count, ["desiredNumberScheduled"] = count, ["numberReady"] = count, ["numberAvailable"] = count },
                    });
                    break;
                case "StatefulSet":
                    Add(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "StatefulSet",
                        ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created },
                        ["spec"] = new JsonObject { ["replicas"] = count, ["serviceName"] = app, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone() },
                        ["status"] = new JsonObject { ["replicas"] = count, ["readyReplicas"] = count, ["availableReplicas"] = count },
                    });
                    break;
            }
        }
        for (var i = 0; i < count; i++)
        {
            var node = nodes.Count == 0 ? null : nodes[i % nodes.Count];
            var podName = ownerKind switch { "StatefulSet" => $"{app}-{i}", "None" => count == 1 ? app : $"{app}-{i}", _ => $"{ownerName}-{Ids.Suffix($"{ns}/{app}/{i}")}" };
            var spec = (JsonObject)template["spec"]!.DeepClone();
            if (node != null) spec["nodeName"] = node;
            spec["restartPolicy"] = "Always";
            spec["schedulerName"] = "default-scheduler";
            spec["serviceAccountName"] = p.Str("serviceAccount") ?? "default";
            var meta = new JsonObject { ["name"] = podName, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = J.Iso(started) };
            if (p.Obj("annotations") is { } pa) meta["annotations"] = pa.DeepClone();
            if (ownerKind != "None")
                meta["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = ownerKind, ["name"] = ownerName, ["uid"] = Ids.Uid($"{ownerKind}/{ns}/{ownerName}"), ["controller"] = true, ["blockOwnerDeletion"] = true });
            var ip = NodeFactory.Ip($"pod/{ns}/{podName}");
            Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = meta,
                ["spec"] = spec,
                ["status"] = new JsonObject
                {
                    ["phase"] = p.Str("phase") ?? "Running",
                    ["startTime"] = J.Iso(started),
                    ["podIP"] = ip,
                    ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }),
                    ["qosClass"] = "Burstable",
                    ["conditions"] = new JsonArray(
                        new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started) },
                        new JsonObject { ["type"] = "Initialized", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started) },
                        new JsonObject { ["type"] = "ContainersReady", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started.AddSeconds(8)) },
                        new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = J.Iso(started.AddSeconds(8)) }),
                    ["containerStatuses"] = new JsonArray(new JsonObject
                    {
                        ["name"] = app, ["image"] = image, ["imageID"] = "", ["ready"] = true, ["restartCount"] = 0, ["started"] = true,
                        ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = J.Iso(started.AddSeconds(5)) } },
                    }),
                },
            });
        }
    }

    /// <summary>A Helm 3 release secret: data.release = base64(base64(gzip(release JSON))), as Helm stores it.</summary>
    public void HelmRelease(JsonObject h)
    {
        var name = h.Str("name")!;
        var ns = h.Str("namespace") ?? "kube-system";
        var rev = (int)(h.Long("revision") ?? 1);
        var chart = h.Str("chart") ?? name;
        var deployed = w.Now - Ago(h.Str("deployedAgo") ?? "30d");
        var release = new JsonObject
        {
            ["name"] = name,
            ["info"] = new JsonObject { ["first_deployed"] = J.Iso(deployed.AddDays(-rev)), ["last_deployed"] = J.Iso(deployed), ["deleted"] = "", ["description"] = rev == 1 ? "Install complete" : "Upgrade complete", ["status"] = h.Str("status") ?? "deployed" },
            ["chart"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = chart, ["version"] = h.Str("chartVersion") ?? "1.0.0", ["appVersion"] = h.Str("appVersion") ?? "1.0.0", ["apiVersion"] = "v2", ["type"] = "application" },
                ["lock"] = null, ["templates"] = new JsonArray(), ["values"] = new JsonObject(), ["schema"] = null, ["files"] = new JsonArray(),
            },
            ["config"] = h.Obj("values")?.DeepClone() ?? new JsonObject(),
            ["manifest"] = $"---\n# Source: {chart}/templates/deployment.yaml\n",
            ["version"] = rev,
            ["namespace"] = ns,
        };
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(Encoding.UTF8.GetBytes(release.ToJsonString()));
        var helmEncoded = Convert.ToBase64String(ms.ToArray());
        Add(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "helm.sh/release.v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"sh.helm.release.v1.{name}.v{rev}",
                ["namespace"] = ns,
                ["creationTimestamp"] = J.Iso(deployed),
                ["labels"] = new JsonObject { ["modifiedAt"] = deployed.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ["name"] = name, ["owner"] = "helm", ["status"] = h.Str("status") ?? "deployed", ["version"] = rev.ToString(CultureInfo.InvariantCulture) },
            },
            ["data"] = new JsonObject { ["release"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(helmEncoded)) },
        });
    }

    public void Addon(JsonObject a)
    {
        var name = a.Str("addonName")!;
        var o = new JsonObject
        {
            ["addonName"] = name,
            ["clusterName"] = c.Name,
            ["status"] = a.Str("status") ?? "ACTIVE",
            ["addonVersion"] = a.Str("addonVersion") ?? "v1.0.0-eksbuild.1",
            ["health"] = new JsonObject { ["issues"] = a["issues"]?.DeepClone() ?? new JsonArray() },
            ["addonArn"] = $"arn:aws:eks:{c.Region}:{w.AccountId}:addon/{c.Name}/{name}/{Ids.Uid(c.Name + name)}",
            ["createdAt"] = a.Str("createdAt") ?? "2025-02-01T10:00:00Z",
            ["modifiedAt"] = a.Str("modifiedAt") ?? "2025-10-01T10:00:00Z",
            ["tags"] = new JsonObject(),
        };
        if (a.Str("serviceAccountRoleArn") is { } sa) o["serviceAccountRoleArn"] = sa;
        if (a.Str("configurationValues") is { } cv) o["configurationValues"] = cv;
        foreach (var (k, v) in a)
            if (k is not ("issues" or "addonName") && v != null && !o.ContainsKey(k)) o[k] = v.DeepClone();
        c.Addons.Add(o);
    }

    public void AccessEntry(JsonObject a)
    {
        var principal = a.Str("principalArn")!;
        var o = new JsonObject
        {
            ["clusterName"] = c.Name,
            ["principalArn"] = principal,
            ["kubernetesGroups"] = a["kubernetesGroups"]?.DeepClone() ?? new JsonArray(),
            ["accessEntryArn"] = $"arn:aws:eks:{c.Region}:{w.AccountId}:access-entry/{c.Name}/role/{w.AccountId}/{principal[(principal.LastIndexOf('/') + 1)..]}/{Ids.Uid(principal)}",
            ["createdAt"] = a.Str("createdAt") ?? "2025-01-10T09:10:00Z",
            ["modifiedAt"] = a.Str("modifiedAt") ?? "2025-01-10T09:10:00Z",
            ["tags"] = new JsonObject(),
            ["username"] = a.Str("username") ?? principal,
            ["type"] = a.Str("type") ?? "STANDARD",
            ["_policies"] = a["policies"]?.DeepClone() ?? new JsonArray(),
        };
        c.AccessEntries.Add(o);
    }

    /// <summary>NodePools without written conditions get Ready ones (status.resources is the nodepool.counter controller's).</summary>
    public void FinishNodePoolStatus()
    {
        var t = c.Kube.Types.FirstOrDefault(x => x.Plural == "nodepools");
        if (t == null) return;
        foreach (var (name, pool) in c.Kube.Collections[t].Items)
        {
            var status = pool.EnsureObj("status");
            status["conditions"] ??= ScenarioLoader.ReadyStatus(c, ["NodeClassReady", "ValidationSucceeded"])["conditions"]!.DeepClone();
        }
    }
}
