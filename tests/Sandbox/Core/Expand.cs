using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

internal enum NodeFlavor { Auto, Karpenter, ManagedNodeGroup, SelfManaged, Fargate, Hybrid }

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
    public bool Unschedulable;
    public JsonArray? Taints;
    public JsonObject? ExtraLabels;

    /// <summary>True when the scenario labels the node kubernetes.io/os=windows (node OS and EC2 platform follow).</summary>
    public bool Windows => ExtraLabels?["kubernetes.io/os"]?.ToString() == "windows";
    public int? MaxPods;
    /// <summary>Fargate: the profile that placed the pod; Hybrid: the managed instance id (mi-…).</summary>
    public string FargateProfile = "";
    /// <summary>Fargate: the vCPU / GiB the pod was given (CapacityProvisioned).</summary>
    public double FargateCpu = 0.25, FargateMemoryGiB = 0.5;
    /// <summary>NodeClaim conditions written in the scenario (type, status, reason, message, lastTransitionTime): replace the defaults of the same type.</summary>
    public JsonArray? ClaimConditions;
    /// <summary>Drifted=True with this reason (NodePoolDrifted, NodeClassDrift, AMIDrift, SubnetDrift, SecurityGroupDrift, RequirementsDrifted).</summary>
    public string? Drifted;
    /// <summary>Deletion in progress: deletionTimestamp this long ago on the NodeClaim and its Node (finalizers stay), with this disruption reason.</summary>
    public TimeSpan? DeletingFor;
    public string DeletionReason = "";
    public string NodeName => Flavor switch
    {
        NodeFlavor.Auto => InstanceId,
        NodeFlavor.Fargate => "fargate-" + PrivateDnsShort,
        NodeFlavor.Hybrid => InstanceId,
        _ => PrivateDns,
    };
    private string PrivateDnsShort => $"ip-{PrivateIp.Replace('.', '-')}.{Region}.compute.internal";
    public string PrivateDns => PrivateDnsShort;
    public string Region => Zone[..^1];
    public bool HasInstance => Flavor is not (NodeFlavor.Fargate or NodeFlavor.Hybrid);
    public bool HasClaim => Flavor is NodeFlavor.Auto or NodeFlavor.Karpenter;
}

/// <summary>Builds mutually consistent Node / NodeClaim / EC2 instance records.</summary>
internal static class NodeFactory
{
    public static string Ip(string seed)
    {
        var h = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return $"10.0.{h[0] % 64 + 16}.{h[1] % 250 + 4}";
    }

    /// <summary>Pods a node takes: Auto Mode caps the ENI-limited value at 110 (automode-facts §max pods); Karpenter, node groups and self-managed nodes use the ENI-limited value; a Fargate node runs one pod.</summary>
    public static int MaxPods(NodeSpec s, InstanceTypeInfo t) => s.MaxPods ?? s.Flavor switch
    {
        NodeFlavor.Auto => Math.Min(110, t.MaxPods),
        NodeFlavor.Fargate => 1,
        NodeFlavor.Hybrid => 110,
        _ => t.MaxPods,
    };

    private static string CpuManufacturer(InstanceTypeInfo t) =>
        t.Processor.StartsWith("AWS", StringComparison.Ordinal) ? "aws" : t.Processor.StartsWith("AMD", StringComparison.Ordinal) ? "amd" : t.Processor.Length > 0 ? "intel" : "";

    /// <summary>The labels a provisioner derives from the instance type and offering (karpenter-crd-facts §3.3; Auto Mode uses the eks.amazonaws.com/ prefix).</summary>
    public static JsonObject InstanceLabels(NodeSpec s, InstanceTypeInfo t, string prefix)
    {
        var o = new JsonObject
        {
            [$"{prefix}/instance-category"] = t.Category,
            [$"{prefix}/instance-cpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture),
        };
        if (CpuManufacturer(t) is { Length: > 0 } m) o[$"{prefix}/instance-cpu-manufacturer"] = m;
        o[$"{prefix}/instance-family"] = t.Family;
        o[$"{prefix}/instance-generation"] = t.Generation;
        o[$"{prefix}/instance-hypervisor"] = t.Hypervisor;
        o[$"{prefix}/instance-memory"] = t.MemoryMiB.ToString(CultureInfo.InvariantCulture);
        o[$"{prefix}/instance-size"] = t.Size;
        o["karpenter.sh/capacity-type"] = s.CapacityType;
        o["karpenter.sh/nodepool"] = s.NodePool;
        o["kubernetes.io/arch"] = t.KubeArch;
        o["kubernetes.io/os"] = "linux";
        o["node.kubernetes.io/instance-type"] = s.InstanceType;
        o["topology.k8s.aws/zone-id"] = ZoneId(s.Zone);
        o["topology.kubernetes.io/region"] = s.Region;
        o["topology.kubernetes.io/zone"] = s.Zone;
        if (prefix == "eks.amazonaws.com") { o["eks.amazonaws.com/compute-type"] = "auto"; o["eks.amazonaws.com/nodeclass"] = s.NodeClass; }
        else o["karpenter.k8s.aws/ec2nodeclass"] = s.NodeClass;
        return o;
    }

    /// <summary>Node capacity: cpu, ephemeral-storage, memory, pods (Fargate: the pod's provisioned size).</summary>
    public static (JsonObject Capacity, JsonObject Allocatable) Resources(NodeSpec s, InstanceTypeInfo t)
    {
        var pods = MaxPods(s, t).ToString(CultureInfo.InvariantCulture);
        if (s.Flavor == NodeFlavor.Fargate)
        {
            var cpu = Math.Max(1, (int)Math.Ceiling(s.FargateCpu)).ToString(CultureInfo.InvariantCulture);
            var memKi = (long)(s.FargateMemoryGiB * 1024 * 1024) + 262144; // the pod's memory plus the 256 MiB Fargate adds for Kubernetes components
            return (new JsonObject { ["cpu"] = cpu, ["ephemeral-storage"] = "30787492Ki", ["memory"] = $"{memKi}Ki", ["pods"] = pods },
                    new JsonObject { ["cpu"] = cpu, ["ephemeral-storage"] = "28373752497", ["memory"] = $"{memKi - 102400}Ki", ["pods"] = pods });
        }
        return (new JsonObject { ["cpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture), ["ephemeral-storage"] = "83873772Ki", ["memory"] = $"{t.MemoryMiB * 1024}Ki", ["pods"] = pods },
                new JsonObject { ["cpu"] = $"{t.VCpu * 1000 - 70 - t.VCpu * 10}m", ["ephemeral-storage"] = "76224326324", ["memory"] = $"{(long)(t.MemoryMiB * 1024 * 0.9)}Ki", ["pods"] = pods });
    }

    public static JsonObject Node(World w, Cluster c, NodeSpec s)
    {
        var t = w.Type(s.InstanceType);
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = t.KubeArch,
            ["beta.kubernetes.io/os"] = "linux",
            ["failure-domain.beta.kubernetes.io/region"] = s.Region,
            ["failure-domain.beta.kubernetes.io/zone"] = s.Zone,
            ["kubernetes.io/arch"] = t.KubeArch,
            ["kubernetes.io/hostname"] = s.NodeName,
            ["kubernetes.io/os"] = "linux",
            ["topology.kubernetes.io/region"] = s.Region,
            ["topology.kubernetes.io/zone"] = s.Zone,
        };
        if (s.Flavor is not (NodeFlavor.Fargate or NodeFlavor.Hybrid))
        {
            labels["beta.kubernetes.io/instance-type"] = s.InstanceType;
            labels["node.kubernetes.io/instance-type"] = s.InstanceType;
            labels["topology.k8s.aws/zone-id"] = ZoneId(s.Zone);
        }
        var annotations = new JsonObject { ["alpha.kubernetes.io/provided-node-ip"] = s.PrivateIp, ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" };
        JsonArray? owners = null;
        var taints = s.Taints?.DeepClone() as JsonArray ?? new JsonArray();
        string osImage = "Amazon Linux 2023.9.20251110", kernel = "6.1.155-176.282.amzn2023.x86_64", runtime = "containerd://1.7.27", kubelet = $"v{c.Version}.9-eks-113cf36";
        var providerId = $"aws:///{s.Zone}/{s.InstanceId}";
        JsonObject ClaimOwner() => new() { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodeClaim", ["name"] = s.NodeClaimName, ["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{s.NodeClaimName}"), ["blockOwnerDeletion"] = true };
        switch (s.Flavor)
        {
            case NodeFlavor.Auto:
            case NodeFlavor.Karpenter:
                var auto = s.Flavor == NodeFlavor.Auto;
                foreach (var (k, v) in InstanceLabels(s, t, auto ? "eks.amazonaws.com" : "karpenter.k8s.aws")) labels[k] = v?.DeepClone();
                labels["karpenter.sh/initialized"] = "true";
                labels["karpenter.sh/registered"] = "true";
                annotations["karpenter.sh/nodepool-hash-version"] = "v3";
                owners = new JsonArray(ClaimOwner());
                if (auto)
                {
                    osImage = "Bottlerocket (EKS Auto, Standard) 2025.11.12 (aws-k8s-" + c.Version + "-standard)";
                    kernel = "6.12.46";
                    runtime = "containerd://1.7.28+bottlerocket";
                    kubelet = $"v{c.Version}.5-eks-113cf36";
                }
                break;
            case NodeFlavor.ManagedNodeGroup:
                labels["eks.amazonaws.com/capacityType"] = s.CapacityType == "spot" ? "SPOT" : "ON_DEMAND";
                labels["eks.amazonaws.com/nodegroup"] = s.NodeGroup;
                labels["eks.amazonaws.com/nodegroup-image"] = "ami-0f1e2d3c4b5a69788";
                labels["eks.amazonaws.com/sourceLaunchTemplateId"] = "lt-0" + Ids.Hex("lt" + s.NodeGroup, 16);
                labels["eks.amazonaws.com/sourceLaunchTemplateVersion"] = "1";
                break;
            case NodeFlavor.SelfManaged:
                break;
            case NodeFlavor.Fargate:
                labels["eks.amazonaws.com/compute-type"] = "fargate";
                labels["eks.amazonaws.com/fargate-profile"] = s.FargateProfile;
                providerId = $"aws:///{s.Zone}/{Ids.Hex("fg" + s.PrivateIp, 32)}/{s.NodeName}";
                taints.Add(new JsonObject { ["effect"] = "NoSchedule", ["key"] = "eks.amazonaws.com/compute-type", ["value"] = "fargate" });
                annotations.Remove("alpha.kubernetes.io/provided-node-ip");
                osImage = "Amazon Linux 2";
                kernel = "5.10.235-227.919.amzn2.x86_64";
                runtime = "containerd://1.7.27";
                kubelet = $"v{c.Version}.9-eks-5d4a308";
                break;
            case NodeFlavor.Hybrid:
                labels["eks.amazonaws.com/compute-type"] = "hybrid";
                labels["eks.amazonaws.com/hybrid-credential-provider"] = "ssm";
                providerId = $"eks-hybrid:///{s.Region}/{c.Name}/{s.InstanceId}";
                osImage = "Ubuntu 22.04.5 LTS";
                kernel = "5.15.0-125-generic";
                break;
        }
        if (s.ExtraLabels != null) foreach (var kv in s.ExtraLabels) labels[kv.Key] = kv.Value?.DeepClone();
        var (capacity, allocatable) = Resources(s, t);
        var meta = new JsonObject
        {
            ["name"] = s.NodeName,
            ["uid"] = Ids.Uid("node/" + s.InstanceId + s.NodeName),
            ["creationTimestamp"] = J.Iso(s.Launch.AddSeconds(25)),
            ["labels"] = labels,
            ["annotations"] = annotations,
        };
        var spec = new JsonObject { ["providerID"] = providerId };
        if (s.DeletingFor is { } del && s.HasClaim)
        {
            // Karpenter's termination: the Node is being deleted behind its finalizer, tainted karpenter.sh/disrupted.
            meta["deletionTimestamp"] = J.Iso(w.Now - del);
            meta["deletionGracePeriodSeconds"] = 0;
            meta["finalizers"] = new JsonArray("karpenter.sh/termination");
            taints.Add(new JsonObject { ["effect"] = "NoSchedule", ["key"] = "karpenter.sh/disrupted" });
        }
        if (s.Unschedulable || s.DeletingFor != null && s.HasClaim)
        {
            spec["unschedulable"] = true;
            taints.Add(new JsonObject { ["effect"] = "NoSchedule", ["key"] = "node.kubernetes.io/unschedulable", ["timeAdded"] = J.Iso(w.Now - (s.DeletingFor ?? TimeSpan.FromHours(1))) });
        }
        if (!s.Ready) taints.Add(new JsonObject { ["effect"] = "NoSchedule", ["key"] = "node.kubernetes.io/not-ready" });
        if (taints.Count > 0) spec["taints"] = taints;
        var node = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = meta,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = s.PrivateIp },
                    new JsonObject { ["type"] = "InternalDNS", ["address"] = s.PrivateDns },
                    new JsonObject { ["type"] = "Hostname", ["address"] = s.Flavor == NodeFlavor.Fargate ? s.NodeName : s.PrivateDns }),
                ["allocatable"] = allocatable,
                ["capacity"] = capacity,
                ["conditions"] = new JsonArray(
                    Cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", s.Launch),
                    Cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", s.Launch),
                    Cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", s.Launch),
                    Cond("Ready", s.Ready ? "True" : "False", s.Ready ? "KubeletReady" : "KubeletNotReady", s.Ready ? "kubelet is posting ready status" : "container runtime network not ready", s.Launch.AddSeconds(40))),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = t.KubeArch,
                    ["bootID"] = Ids.Uid("boot" + s.InstanceId + s.NodeName),
                    ["containerRuntimeVersion"] = runtime,
                    ["kernelVersion"] = kernel,
                    ["kubeProxyVersion"] = "",
                    ["kubeletVersion"] = kubelet,
                    ["machineID"] = Ids.Hex("machine" + s.InstanceId + s.NodeName, 32),
                    ["operatingSystem"] = s.Windows ? "windows" : "linux",
                    ["osImage"] = osImage,
                    ["systemUUID"] = "ec2" + Ids.Hex("uuid" + s.InstanceId, 5) + "-" + Ids.Uid(s.InstanceId + s.NodeName)[9..],
                },
            },
        };
        if (owners != null) meta["ownerReferences"] = owners;
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
        var labels = InstanceLabels(s, t, auto ? "eks.amazonaws.com" : "karpenter.k8s.aws");
        if (s.ExtraLabels != null) foreach (var kv in s.ExtraLabels) labels[kv.Key] = kv.Value?.DeepClone();
        var tspec = pool?["spec"]?["template"]?["spec"];
        var spec = new JsonObject
        {
            ["expireAfter"] = tspec.Str("expireAfter") ?? (auto ? "336h" : "720h"),
            ["nodeClassRef"] = auto
                ? new JsonObject { ["group"] = "eks.amazonaws.com", ["kind"] = "NodeClass", ["name"] = s.NodeClass }
                : new JsonObject { ["group"] = "karpenter.k8s.aws", ["kind"] = "EC2NodeClass", ["name"] = s.NodeClass },
            ["requirements"] = tspec?["requirements"]?.DeepClone() ?? new JsonArray(ScenarioLoader.Req("karpenter.sh/nodepool", "In", s.NodePool)),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "210m", ["pods"] = "6" } },
        };
        if (tspec.Str("terminationGracePeriod") is { } tgp) spec["terminationGracePeriod"] = tgp;
        if (s.Taints is { Count: > 0 }) spec["taints"] = s.Taints.DeepClone();
        var poolUid = Ids.Uid($"nodepools.karpenter.sh//{s.NodePool}");
        var (capacity, allocatable) = Resources(s, t);
        // Karpenter's own estimate: memory less the VM overhead (7.5 %), in Mi; pods as the node reports them.
        capacity["memory"] = $"{(long)(t.MemoryMiB * 0.925)}Mi";
        capacity["ephemeral-storage"] = "80Gi";
        allocatable["memory"] = $"{(long)(t.MemoryMiB * 0.925) - 893}Mi";
        allocatable["ephemeral-storage"] = "71Gi";
        var conds = new List<JsonObject>
        {
            ClaimCond("Launched", "True", "Launched", "", s.Launch),
            ClaimCond("Registered", "True", "Registered", "", s.Launch.AddSeconds(30)),
            ClaimCond("Initialized", "True", "Initialized", "", s.Launch.AddSeconds(45)),
            ClaimCond("ConsistentStateFound", "True", "ConsistentStateFound", "", s.Launch.AddSeconds(60)),
            ClaimCond("Ready", "True", "Ready", "", s.Launch.AddSeconds(45)),
        };
        if (s.Drifted is { } drift) conds.Add(ClaimCond("Drifted", "True", drift, drift, w.Now.AddHours(-2)));
        var meta = new JsonObject
        {
            ["name"] = s.NodeClaimName,
            ["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{s.NodeClaimName}"),
            ["creationTimestamp"] = J.Iso(s.Launch.AddSeconds(-3)),
            ["generation"] = 1,
            ["labels"] = labels,
            ["annotations"] = new JsonObject { ["karpenter.sh/nodepool-hash"] = pool?["metadata"]?["annotations"].Str("karpenter.sh/nodepool-hash") ?? "0", ["karpenter.sh/nodepool-hash-version"] = "v3" },
            ["finalizers"] = new JsonArray("karpenter.sh/termination"),
            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodePool", ["name"] = s.NodePool, ["uid"] = poolUid, ["blockOwnerDeletion"] = true }),
        };
        if (s.DeletingFor is { } del)
        {
            meta["deletionTimestamp"] = J.Iso(w.Now - del);
            meta["deletionGracePeriodSeconds"] = 0;
            // Disruption (drift, consolidation …) marks the claim first; expiry and a plain delete do not.
            if (s.DeletionReason.Length > 0) conds.Add(ClaimCond("DisruptionReason", "True", s.DeletionReason, "", w.Now - del));
        }
        return new JsonObject
        {
            ["apiVersion"] = "karpenter.sh/v1",
            ["kind"] = "NodeClaim",
            ["metadata"] = meta,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["allocatable"] = allocatable,
                ["capacity"] = capacity,
                ["conditions"] = MergeConditions(conds, s.ClaimConditions),
                ["imageID"] = auto ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788",
                ["lastPodEventTime"] = J.Iso(s.Launch.AddMinutes(2)),
                ["nodeName"] = s.NodeName,
                ["providerID"] = $"aws:///{s.Zone}/{s.InstanceId}",
            },
        };
    }

    /// <summary>Default conditions overlaid with the scenario's: a written type replaces the default in place, new types are appended.</summary>
    public static JsonArray MergeConditions(IEnumerable<JsonObject> defaults, JsonArray? written)
    {
        var byType = new OrderedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var d in defaults) byType[d.Str("type")!] = d;
        foreach (var n in written ?? new JsonArray())
        {
            var o = (JsonObject)n!.DeepClone();
            var type = o.Str("type") ?? throw new InvalidDataException("A scenario condition needs a type.");
            var at = o.Str("lastTransitionTime") ?? byType.GetValueOrDefault(type)?.Str("lastTransitionTime") ?? J.Iso(DateTimeOffset.UtcNow.AddMinutes(-30));
            if (o.Str("since") is { } since) { at = J.Iso(DateTimeOffset.UtcNow - ExpandContext.Ago(since)); o.Remove("since"); }
            byType[type] = ClaimCond(type, o.Str("status") ?? "True", o.Str("reason") ?? type, o.Str("message") ?? "", DateTimeOffset.Parse(at, CultureInfo.InvariantCulture));
        }
        return new JsonArray(byType.Values.Select(x => (JsonNode)x).ToArray());
    }

    public static JsonObject ClaimCond(string type, string status, string reason, string message, DateTimeOffset t) =>
        new() { ["lastTransitionTime"] = J.Iso(t), ["message"] = message, ["observedGeneration"] = 1, ["reason"] = reason, ["status"] = status, ["type"] = type };

    /// <summary>The EC2 instance behind a node. <paramref name="instanceProfile"/> is the profile name (the NodeClass's status.instanceProfile for Auto Mode); <paramref name="classTags"/> the NodeClass's spec.tags, which the launch propagates.</summary>
    public static JsonObject Instance(World w, Cluster c, NodeSpec s, string instanceProfile, JsonObject? classTags = null)
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
                if (classTags != null) foreach (var (k, v) in classTags) Tag(k, v?.ToString() ?? "");
                break;
            case NodeFlavor.SelfManaged:
                Tag("Name", $"{c.Name}-self-managed-Node");
                Tag("aws:autoscaling:groupName", $"{c.Name}-self-managed-NodeGroup-{Ids.Hex("asg" + c.Name, 12).ToUpperInvariant()}");
                Tag("aws:cloudformation:stack-name", $"{c.Name}-self-managed");
                Tag($"kubernetes.io/cluster/{c.Name}", "owned");
                break;
            case NodeFlavor.Karpenter:
                Tag("Name", $"{s.NodePool}/{s.NodeClaimName}");
                Tag("eks:eks-cluster-name", c.Name);
                Tag("karpenter.k8s.aws/ec2nodeclass", s.NodeClass);
                Tag("karpenter.sh/nodeclaim", s.NodeClaimName);
                Tag("karpenter.sh/nodepool", s.NodePool);
                Tag($"kubernetes.io/cluster/{c.Name}", "owned");
                if (classTags != null) foreach (var (k, v) in classTags) Tag(k, v?.ToString() ?? "");
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
                ["arn"] = $"arn:aws:iam::{w.AccountId}:instance-profile/{instanceProfile}",
                ["id"] = InstanceProfileId(instanceProfile),
            },
            ["ebsOptimized"] = true,
            ["enaSupport"] = true,
            // Graviton has one thread per core; x86 types run two (t3.medium: 1 core x 2 threads).
            ["cpuOptions"] = new JsonObject { ["coreCount"] = t.Arch == "arm64" ? t.VCpu : Math.Max(1, t.VCpu / 2), ["threadsPerCore"] = t.Arch == "arm64" ? 1 : 2 },
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
        else if (s.Flavor != NodeFlavor.SelfManaged)
            inst["operator"] = new JsonObject { ["managed"] = false };
        if (s.CapacityType == "reserved")
            inst["capacityReservationId"] = "cr-0" + Ids.Hex("cr" + s.InstanceType + s.Zone, 16);
        return inst;
    }

    public static string InstanceProfileId(string name) => "AIPA" + Ids.Hex("ip" + name, 17).ToUpperInvariant();

    /// <summary>The instance profile EKS creates for an Auto Mode NodeClass role (the name NodeClass status.instanceProfile shows).</summary>
    public static string AutoInstanceProfile(Cluster c, string role) => $"eks-{c.Region}-{c.Name}-{Ids.Hex(c.Name + "/" + role, 10)}";
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
        var capacityType = n.Str("capacityType") ?? "on-demand";
        if (capacityType is not ("on-demand" or "spot" or "reserved"))
            throw new InvalidDataException($"Scenario cluster '{c.Name}': capacityType '{capacityType}' (use on-demand, spot or reserved).");
        var s = new NodeSpec
        {
            Flavor = flavor,
            InstanceId = n.Str("instanceId") ?? "i-0" + Ids.Hex("iid" + seed, 16),
            InstanceType = n.Str("instanceType") ?? "",
            Zone = zone,
            CapacityType = capacityType,
            NodePool = pool,
            NodeClass = n.Str("nodeClass") ?? "default",
            Launch = n.Str("launchTime") is { } lt ? DateTimeOffset.Parse(lt, CultureInfo.InvariantCulture) : w.Now - Ago(n.Str("launchedAgo") ?? "3d"),
            PrivateIp = n.Str("privateIp") ?? NodeFactory.Ip(seed),
            NodeClaimName = n.Str("nodeClaim") ?? $"{pool}-{Ids.Suffix("nc" + seed)}",
            Ready = n.Bool("ready") ?? true,
            Unschedulable = n.Bool("unschedulable") ?? false,
            ExtraLabels = n.Obj("labels"),
            MaxPods = n.Long("maxPods") is { } mp ? (int)mp : null,
            ClaimConditions = n["conditions"] as JsonArray,
            Drifted = n.Str("drifted"),
        };
        if (n["deleting"] is JsonNode del)
        {
            s.DeletingFor = Ago(del.Str("since") ?? "10m");
            s.DeletionReason = del.Str("reason") ?? "";
            if (del is JsonValue v && v.TryGetValue<bool>(out var b) && !b) s.DeletingFor = null;
        }
        return s;
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

    public void AutoNode(JsonObject n) => PoolNode(Spec(n, NodeFlavor.Auto, "general-purpose"), n);

    public void KarpenterNode(JsonObject n) => PoolNode(Spec(n, NodeFlavor.Karpenter, "default"), n);

    /// <summary>A Karpenter-managed node (Auto Mode or OSS): its instance type defaults to the first catalog type the pool allows, and must satisfy the pool's requirements unless the scenario says <c>outsidePool: true</c>.</summary>
    private void PoolNode(NodeSpec s, JsonObject n)
    {
        var pool = Get("nodepools", "karpenter.sh", s.NodePool);
        s.Taints = pool?["spec"]?["template"]?["spec"]?["taints"] as JsonArray;
        var reqs = pool?["spec"]?["template"]?["spec"]?["requirements"] as JsonArray;
        var prefix = s.Flavor == NodeFlavor.Auto ? "eks.amazonaws.com" : "karpenter.k8s.aws";
        if (s.InstanceType.Length == 0)
            s.InstanceType = w.InstanceTypes.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
                .FirstOrDefault(t => { s.InstanceType = t.Name; return Requirements.Allow(reqs, NodeFactory.InstanceLabels(s, t, prefix)); })?.Name
                ?? throw new InvalidDataException($"Scenario cluster '{c.Name}': no catalog instance type satisfies NodePool '{s.NodePool}'.");
        if (pool != null && n.Bool("outsidePool") != true && Requirements.Violation(reqs, NodeFactory.InstanceLabels(s, w.Type(s.InstanceType), prefix)) is { } why)
            throw new InvalidDataException($"Scenario cluster '{c.Name}': node {s.NodeName} ({s.InstanceType}, {s.CapacityType}, {s.Zone}) does not satisfy NodePool '{s.NodePool}': {why}. Fix the node or say outsidePool: true.");
        Add(NodeFactory.Node(w, c, s));
        Add(NodeFactory.NodeClaim(w, c, s, pool));
        var (profile, tags) = NodeClassLaunch(s);
        w.Instances.Add(NodeFactory.Instance(w, c, s, profile, tags));
        Hosts.Add(s.NodeName);
    }

    /// <summary>
    /// NodeClass / EC2NodeClass status as the controllers resolve it, for what the scenario left out: instanceProfile
    /// (Auto Mode: the profile EKS creates for spec.role), subnets (the cluster's, with zone and zone ID), securityGroups
    /// (the cluster security group) and Ready conditions. Each profile is registered for IAM GetInstanceProfile.
    /// </summary>
    public void FinishNodeClassStatus()
    {
        var vpc = c.Eks.Obj("resourcesVpcConfig")!;
        var subnets = vpc.Strings("subnetIds").ToList();
        foreach (var (plural, group) in new[] { ("nodeclasses", "eks.amazonaws.com"), ("ec2nodeclasses", "karpenter.k8s.aws") })
        {
            var t = c.Kube.Types.FirstOrDefault(x => x.Plural == plural && x.Group == group);
            if (t == null) continue;
            var auto = group == "eks.amazonaws.com";
            foreach (var nc in c.Kube.Collections[t].Items.Values)
            {
                var status = nc.EnsureObj("status");
                var role = nc["spec"].Str("role") ?? (auto && nc["spec"].Str("instanceProfile") == null ? NodeRoleName() : null);
                var profile = status.Str("instanceProfile") ?? nc["spec"].Str("instanceProfile")
                    ?? (auto ? NodeFactory.AutoInstanceProfile(c, role!) : $"{c.Name}_{Ids.Hex(c.Name + nc["metadata"].Str("name"), 19)}");
                status["instanceProfile"] = profile;
                w.InstanceProfiles.TryAdd(profile, role ?? "");
                status["subnets"] ??= new JsonArray(subnets.Select((sn, i) => (JsonNode)new JsonObject { ["id"] = sn, ["zone"] = c.Region + (char)('a' + i % 26), ["zoneID"] = NodeFactory.ZoneId(c.Region + (char)('a' + i % 26)) }).ToArray());
                status["securityGroups"] ??= new JsonArray(new JsonObject { ["id"] = vpc.Str("clusterSecurityGroupId"), ["name"] = $"eks-cluster-sg-{c.Name}" });
                status["conditions"] ??= ScenarioLoader.ReadyStatus(c, auto ? ["InstanceProfileReady", "SecurityGroupsReady", "SubnetsReady", "ValidationSucceeded"] : ["AMIsReady", "InstanceProfileReady", "SecurityGroupsReady", "SubnetsReady", "ValidationSucceeded"])["conditions"]!.DeepClone();
            }
        }
    }

    /// <summary>Names of the nodes the shorthands made that take generated workload pods (not Fargate).</summary>
    public readonly List<string> Hosts = new();

    /// <summary>The instance profile and propagated tags of the node's NodeClass (Auto Mode) or EC2NodeClass (OSS).</summary>
    private (string Profile, JsonObject? Tags) NodeClassLaunch(NodeSpec s)
    {
        var auto = s.Flavor == NodeFlavor.Auto;
        var nc = auto ? Get("nodeclasses", "eks.amazonaws.com", s.NodeClass) : Get("ec2nodeclasses", "karpenter.k8s.aws", s.NodeClass);
        var profile = nc?["status"].Str("instanceProfile")
            ?? (auto ? NodeFactory.AutoInstanceProfile(c, nc?["spec"].Str("role") ?? NodeRoleName()) : $"{c.Name}_{Ids.Hex(c.Name + s.NodeClass, 19)}");
        return (profile, nc?["spec"]?["tags"] as JsonObject);
    }

    /// <summary>A self-managed node: a plain EC2 instance from the cluster's own Auto Scaling group (no node-group label, no Operator).</summary>
    public void SelfManagedNode(JsonObject n)
    {
        var s = Spec(n, NodeFlavor.SelfManaged, "");
        s.NodePool = "";
        if (s.InstanceType.Length == 0) s.InstanceType = "m5.large";
        Add(NodeFactory.Node(w, c, s));
        var profile = n.Str("instanceProfile") ?? $"{c.Name}-self-managed-NodeInstanceProfile";
        w.Instances.Add(NodeFactory.Instance(w, c, s, profile));
        w.InstanceProfiles.TryAdd(profile, n.Str("nodeRole") ?? $"{c.Name}-self-managed-NodeInstanceRole");
        Hosts.Add(s.NodeName);
    }

    /// <summary>A hybrid node (EKS Hybrid Nodes): on-premises machine, SSM managed instance id, no EC2 instance.</summary>
    public void HybridNode(JsonObject n)
    {
        var s = Spec(n, NodeFlavor.Hybrid, "");
        s.NodePool = "";
        s.InstanceId = n.Str("name") ?? "mi-0" + Ids.Hex("mi" + s.PrivateIp, 16);
        s.InstanceType = n.Str("instanceType") ?? "hybrid";
        w.InstanceTypes.TryAdd("hybrid", new InstanceTypeInfo { Name = "hybrid", VCpu = (int)(n.Long("cpu") ?? 8), MemoryMiB = (n.Long("memoryMiB") ?? 32768), MaxPods = 110 });
        Add(NodeFactory.Node(w, c, s));
        Hosts.Add(s.NodeName);
    }

    /// <summary>A Fargate profile (served by EKS ListFargateProfiles / DescribeFargateProfile) and its pods, one Fargate node each.</summary>
    public void FargateProfile(JsonObject f)
    {
        var name = f.Str("name") ?? f.Str("fargateProfileName")!;
        var selectors = f["selectors"]?.DeepClone() as JsonArray ?? new JsonArray(new JsonObject { ["namespace"] = f.Str("namespace") ?? "fargate" });
        var profile = new JsonObject
        {
            ["fargateProfileName"] = name,
            ["fargateProfileArn"] = $"arn:aws:eks:{c.Region}:{w.AccountId}:fargateprofile/{c.Name}/{name}/{Ids.Uid(c.Name + "fp" + name)}",
            ["clusterName"] = c.Name,
            ["createdAt"] = f.Str("createdAt") ?? "2025-02-01T10:00:00Z",
            ["podExecutionRoleArn"] = f.Str("podExecutionRoleArn") ?? $"arn:aws:iam::{w.AccountId}:role/{c.Name}-fargate-pod-execution-role",
            ["subnets"] = f["subnets"]?.DeepClone() ?? c.Eks.Obj("resourcesVpcConfig")!["subnetIds"]!.DeepClone(),
            ["selectors"] = selectors,
            ["status"] = f.Str("status") ?? "ACTIVE",
            ["tags"] = f.Obj("tags")?.DeepClone() ?? new JsonObject(),
            ["health"] = new JsonObject { ["issues"] = new JsonArray() },
        };
        c.FargateProfiles.Add(profile);
        var ns = selectors[0].Str("namespace") ?? "fargate";
        var i = 0;
        foreach (var p in f.Arr("pods"))
        {
            var po = (JsonObject)p!;
            var app = po.Str("app") ?? "app";
            var count = (int)(po.Long("count") ?? 1);
            for (var k = 0; k < count; k++, i++)
            {
                var ip = po.Str("privateIp") is { } pip && count == 1 ? pip : NodeFactory.Ip($"fargate/{c.Name}/{name}/{app}/{k}");
                var zones = c.Eks.Obj("resourcesVpcConfig")!.Strings("subnetIds").Count();
                var s = new NodeSpec
                {
                    Flavor = NodeFlavor.Fargate, FargateProfile = name, PrivateIp = ip, Zone = c.Region + (char)('a' + i % Math.Max(1, Math.Min(3, zones))),
                    InstanceType = "fargate", Launch = w.Now - Ago(po.Str("startedAgo") ?? "1d"),
                    FargateCpu = double.Parse(po.Str("cpu") ?? "0.25", CultureInfo.InvariantCulture), FargateMemoryGiB = double.Parse(po.Str("memoryGiB") ?? "0.5", CultureInfo.InvariantCulture),
                };
                w.InstanceTypes.TryAdd("fargate", new InstanceTypeInfo { Name = "fargate", VCpu = 2, MemoryMiB = 4096, MaxPods = 1 });
                Add(NodeFactory.Node(w, c, s));
                var set = (JsonObject)po.DeepClone();
                set["namespace"] = po.Str("namespace") ?? ns;
                set["app"] = app;
                set["count"] = 1;
                set["node"] = s.NodeName;
                set["podIndex"] = k;
                set["workload"] = k == 0;
                set["replicas"] = count;
                set["tolerations"] = null;
                set["annotations"] = new JsonObject { ["CapacityProvisioned"] = $"{s.FargateCpu.ToString(CultureInfo.InvariantCulture)}vCPU {s.FargateMemoryGiB.ToString(CultureInfo.InvariantCulture)}GB", ["Logging"] = "LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND" };
                set["labels"] = new JsonObject { ["eks.amazonaws.com/fargate-profile"] = name };
                set["schedulerName"] = "fargate-scheduler";
                PodSet(set);
            }
        }
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
            if (s.InstanceType.Length == 0) s.InstanceType = types[i % types.Count];
            Add(NodeFactory.Node(w, c, s));
            w.Instances.Add(NodeFactory.Instance(w, c, s, $"eks-{Ids.Uid(c.Name + name)}"));
            w.InstanceProfiles.TryAdd($"eks-{Ids.Uid(c.Name + name)}", d.Str("nodeRole")![(d.Str("nodeRole")!.LastIndexOf('/') + 1)..]);
            Hosts.Add(s.NodeName);
            i++;
        }
    }

    /// <summary>
    /// A NodeClaim without a registered Node: by default the seed article's Launched=Unknown / Unauthorized claim. The
    /// scenario may give capacityType, architecture, instanceType, zone, createdAgo, <c>launched: true</c> (the instance
    /// runs: providerID, capacity and an EC2 instance, but no Node), <c>conditions</c> (type/status/reason/message/since,
    /// replacing the defaults of that type) and <c>deleting</c> ({since, reason}). Ready is derived from the others
    /// (operatorpkg's "Type=Status, …" message) unless written.
    /// </summary>
    public void FailingNodeClaim(JsonObject n)
    {
        var name = n.Str("name")!;
        var pool = n.Str("nodePool") ?? "general-purpose";
        var nodeClass = n.Str("nodeClass") ?? "default";
        var t = n.Str("createdAgo") is { } ago ? w.Now - Ago(ago) : DateTimeOffset.Parse(n.Str("createdAt") ?? "2025-03-12T09:48:38Z", CultureInfo.InvariantCulture);
        var poolObj = Get("nodepools", "karpenter.sh", pool);
        var auto = n.Str("flavor") != "karpenter" && Get("nodeclasses", "eks.amazonaws.com", nodeClass) != null || nodeClass == "default" && c.AutoMode;
        var launched = n.Bool("launched") == true;
        var message = n.Str("message") ?? "Error getting launch template configs: User is not authorized to perform this operation because no identity-based policy allows it";
        var reason = n.Str("reason") ?? "Unauthorized";
        var labels = new JsonObject
        {
            ["karpenter.sh/nodepool"] = pool,
            [auto ? "eks.amazonaws.com/nodeclass" : "karpenter.k8s.aws/ec2nodeclass"] = nodeClass,
            ["kubernetes.io/arch"] = n.Str("architecture") ?? "amd64",
            ["karpenter.sh/capacity-type"] = n.Str("capacityType") ?? "on-demand",
        };
        if (auto) labels["eks.amazonaws.com/compute-type"] = "auto";
        var defaults = new List<JsonObject>
        {
            NodeFactory.ClaimCond("Initialized", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", t),
            launched ? NodeFactory.ClaimCond("Launched", "True", "Launched", "", t.AddSeconds(5)) : NodeFactory.ClaimCond("Launched", "Unknown", reason, message, t),
            NodeFactory.ClaimCond("Registered", "Unknown", "NodeNotFound", "Node not registered with cluster", t),
        };
        var status = new JsonObject();
        var meta = new JsonObject
        {
            ["name"] = name,
            ["creationTimestamp"] = J.Iso(t),
            ["labels"] = labels,
            ["annotations"] = new JsonObject { ["karpenter.sh/nodepool-hash"] = poolObj?["metadata"]?["annotations"].Str("karpenter.sh/nodepool-hash") ?? "0", ["karpenter.sh/nodepool-hash-version"] = "v3" },
            ["finalizers"] = new JsonArray("karpenter.sh/termination"),
            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodePool", ["name"] = pool, ["uid"] = Ids.Uid($"nodepools.karpenter.sh//{pool}"), ["blockOwnerDeletion"] = true }),
        };
        if (launched)
        {
            var s = new NodeSpec
            {
                Flavor = auto ? NodeFlavor.Auto : NodeFlavor.Karpenter, NodePool = pool, NodeClass = nodeClass, NodeClaimName = name,
                InstanceType = n.Str("instanceType") ?? "m5.large", CapacityType = labels.Str("karpenter.sh/capacity-type")!, Zone = n.Str("zone") ?? c.Region + "a",
                InstanceId = n.Str("instanceId") ?? "i-0" + Ids.Hex("iid" + name, 16), PrivateIp = NodeFactory.Ip("nc" + name), Launch = t.AddSeconds(5),
            };
            var it = w.Type(s.InstanceType);
            foreach (var (k, v) in NodeFactory.InstanceLabels(s, it, auto ? "eks.amazonaws.com" : "karpenter.k8s.aws")) labels[k] = v?.DeepClone();
            var (cap, alloc) = NodeFactory.Resources(s, it);
            status["allocatable"] = alloc;
            status["capacity"] = cap;
            status["imageID"] = auto ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788";
            status["providerID"] = $"aws:///{s.Zone}/{s.InstanceId}";
            var (profile, tags) = NodeClassLaunch(s);
            w.Instances.Add(NodeFactory.Instance(w, c, s, profile, tags));
        }
        if (n["deleting"] is JsonNode del && !(del is JsonValue dv && dv.TryGetValue<bool>(out var b) && !b))
        {
            var since = w.Now - Ago(del.Str("since") ?? "10m");
            meta["deletionTimestamp"] = J.Iso(since);
            meta["deletionGracePeriodSeconds"] = 0;
            if (del.Str("reason") is { } why) defaults.Add(NodeFactory.ClaimCond("DisruptionReason", "True", why, "", since));
        }
        var conds = NodeFactory.MergeConditions(defaults, n["conditions"] as JsonArray);
        if (!conds.Any(x => x.Str("type") == "Ready"))
        {
            // operatorpkg: Ready summarises the root conditions that are not True.
            var notTrue = conds.Where(x => x.Str("type") is "Initialized" or "Launched" or "Registered" && x.Str("status") != "True").Select(x => $"{x.Str("type")}={x.Str("status")}").ToList();
            var anyFalse = conds.Any(x => x.Str("type") is "Initialized" or "Launched" or "Registered" && x.Str("status") == "False");
            var ready = notTrue.Count == 0
                ? NodeFactory.ClaimCond("Ready", "True", "Ready", "", t)
                : NodeFactory.ClaimCond("Ready", anyFalse ? "False" : "Unknown", anyFalse ? "UnhealthyDependents" : "ReconcilingDependents", string.Join(", ", notTrue), t);
            conds = NodeFactory.MergeConditions(conds.Select(x => (JsonObject)x!.DeepClone()).Append(ready), null);
        }
        status["conditions"] = conds;
        // Events the provisioner published about the claim (e.g. InsufficientCapacityError before it deleted the claim).
        foreach (var e in n.Arr("events"))
            Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = $"{name}.{Ids.Hex("ev" + name + e.Str("reason"), 16)}", ["namespace"] = "default", ["creationTimestamp"] = J.Iso(t) },
                ["involvedObject"] = new JsonObject { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodeClaim", ["name"] = name, ["uid"] = Ids.Uid($"nodeclaims.karpenter.sh//{name}") },
                ["reason"] = e.Str("reason"),
                ["message"] = e.Str("message"),
                ["type"] = e.Str("type") ?? "Warning",
                ["count"] = e.Long("count") ?? 1,
                ["firstTimestamp"] = J.Iso(t),
                ["lastTimestamp"] = J.Iso(t.AddSeconds(2)),
                ["source"] = new JsonObject { ["component"] = e.Str("source") ?? (auto ? "eks-auto-mode/compute" : "karpenter") },
                ["reportingComponent"] = e.Str("source") ?? (auto ? "eks-auto-mode/compute" : "karpenter"),
                ["reportingInstance"] = "",
            });
        Add(new JsonObject
        {
            ["apiVersion"] = "karpenter.sh/v1",
            ["kind"] = "NodeClaim",
            ["metadata"] = meta,
            ["spec"] = new JsonObject
            {
                ["expireAfter"] = poolObj?["spec"]?["template"]?["spec"].Str("expireAfter") ?? "336h",
                ["nodeClassRef"] = auto ? new JsonObject { ["group"] = "eks.amazonaws.com", ["kind"] = "NodeClass", ["name"] = nodeClass } : new JsonObject { ["group"] = "karpenter.k8s.aws", ["kind"] = "EC2NodeClass", ["name"] = nodeClass },
                ["requirements"] = poolObj?["spec"]?["template"]?["spec"]?["requirements"]?.DeepClone() ?? new JsonArray(),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "1150m", ["memory"] = "1Gi", ["pods"] = "8" } },
            },
            ["status"] = status,
        });
    }

    /// <summary>count pods of one workload on one node (owner ReplicaSet/DaemonSet/StatefulSet/none), with the workload objects.</summary>
    public void PodSet(JsonObject p)
    {
        var ns = p.Str("namespace") ?? "default";
        var app = p.Str("app") ?? p.Str("name")!;
        var count = (int)(p.Long("count") ?? 1);
        var replicas = (int)(p.Long("replicas") ?? count);
        var firstIndex = (int)(p.Long("podIndex") ?? 0);
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
        var pending = p.Str("schedulingMessage") is not null || nodes.Count == 0 && p.Str("phase") == "Pending";
        var ready = pending ? 0 : replicas;
        if (p.Bool("workload") != false)
        {
            switch (ownerKind)
            {
                case "ReplicaSet":
                    Add(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
                        ["metadata"] = new JsonObject { ["name"] = app, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created, ["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" } },
                        ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone(), ["strategy"] = new JsonObject { ["type"] = "RollingUpdate" } },
                        ["status"] = new JsonObject { ["replicas"] = replicas, ["readyReplicas"] = ready, ["availableReplicas"] = ready, ["updatedReplicas"] = replicas, ["observedGeneration"] = 1 },
                    });
                    Add(new JsonObject
                    {
                        ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet",
                        ["metadata"] = new JsonObject { ["name"] = ownerName, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = created,
                            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = app, ["uid"] = Ids.Uid($"deployments.apps/{ns}/{app}"), ["controller"] = true, ["blockOwnerDeletion"] = true }) },
                        ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector.DeepClone(), ["template"] = template.DeepClone() },
                        ["status"] = new JsonObject { ["replicas"] = replicas, ["readyReplicas"] = ready, ["availableReplicas"] = ready },
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
        for (var i = firstIndex; i < firstIndex + count; i++)
        {
            var node = nodes.Count == 0 ? null : nodes[i % nodes.Count];
            var podName = ownerKind switch { "StatefulSet" => $"{app}-{i}", "None" => count == 1 ? app : $"{app}-{i}", _ => $"{ownerName}-{Ids.Suffix($"{ns}/{app}/{i}")}" };
            var spec = (JsonObject)template["spec"]!.DeepClone();
            if (node != null) spec["nodeName"] = node;
            spec["restartPolicy"] = "Always";
            spec["schedulerName"] = p.Str("schedulerName") ?? "default-scheduler";
            spec["serviceAccountName"] = p.Str("serviceAccount") ?? "default";
            var meta = new JsonObject { ["name"] = podName, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["creationTimestamp"] = J.Iso(started) };
            if (p.Obj("annotations") is { } ann) meta["annotations"] = ann.DeepClone();
            if (ownerKind != "None")
                meta["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = ownerKind, ["name"] = ownerName, ["uid"] = Ids.Uid($"{ownerKind.ToLowerInvariant()}s.apps/{ns}/{ownerName}"), ["controller"] = true, ["blockOwnerDeletion"] = true });
            var ip = NodeFactory.Ip($"pod/{ns}/{podName}");
            var uid = Ids.Uid($"pods/{ns}/{podName}");
            meta["uid"] = uid;
            JsonObject status;
            if (pending)
            {
                var msg = p.Str("schedulingMessage") ?? "0/0 nodes are available";
                status = new JsonObject
                {
                    ["phase"] = "Pending",
                    ["qosClass"] = "Burstable",
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable", ["message"] = p.Str("schedulerMessage") ?? "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", ["lastTransitionTime"] = J.Iso(started) }),
                };
                // The provisioner's event on the pod (Karpenter's PodFailedToScheduleEvent: "Failed to schedule pod, <error>").
                Add(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Event",
                    ["metadata"] = new JsonObject { ["name"] = $"{podName}.{Ids.Hex("ev" + uid, 16)}", ["namespace"] = ns, ["creationTimestamp"] = J.Iso(started) },
                    ["involvedObject"] = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["name"] = podName, ["namespace"] = ns, ["uid"] = uid },
                    ["reason"] = "FailedScheduling",
                    ["message"] = $"Failed to schedule pod, {msg}",
                    ["type"] = "Warning",
                    ["count"] = 12,
                    ["firstTimestamp"] = J.Iso(started),
                    ["lastTimestamp"] = J.Iso(w.Now.AddMinutes(-1)),
                    ["source"] = new JsonObject { ["component"] = p.Str("schedulingSource") ?? "eks-auto-mode/compute" },
                    ["reportingComponent"] = p.Str("schedulingSource") ?? "eks-auto-mode/compute",
                    ["reportingInstance"] = "",
                });
            }
            else status = new JsonObject
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
            };
            Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec, ["status"] = status });
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

    /// <summary>An EKS Pod Identity association ({namespace, serviceAccount, roleArn}) as ListPodIdentityAssociations summarises it.</summary>
    public void PodIdentityAssociation(JsonObject p)
    {
        var ns = p.Str("namespace") ?? throw new InvalidDataException($"Scenario cluster '{c.Name}': a podIdentityAssociation needs namespace.");
        var sa = p.Str("serviceAccount") ?? throw new InvalidDataException($"Scenario cluster '{c.Name}': a podIdentityAssociation needs serviceAccount.");
        var id = "a-" + Ids.Hex($"pia/{c.Name}/{ns}/{sa}", 17);
        c.PodIdentityAssociations.Add(new JsonObject
        {
            ["clusterName"] = c.Name,
            ["namespace"] = ns,
            ["serviceAccount"] = sa,
            ["associationArn"] = $"arn:aws:eks:{c.Region}:{w.AccountId}:podidentityassociation/{c.Name}/{id}",
            ["associationId"] = id,
            ["_roleArn"] = p.Str("roleArn"),
        });
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
