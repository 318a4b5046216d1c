using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>Generated fleet: 5,000 nodes with ~10 pods each (shared, read-only).</summary>
public class GeneratedFleetTests(GeneratedFixture f) : IClassFixture<GeneratedFixture>
{
    private TestClient C => f.Client;

    private async Task<List<JsonNode>> ListAll(string path)
    {
        var all = new List<JsonNode>();
        string? cont = null;
        do
        {
            var page = await C.KubeJson(path + (path.Contains('?') ? "&" : "?") + "limit=500" + (cont == null ? "" : "&continue=" + Uri.EscapeDataString(cont)));
            all.AddRange(page["items"]!.AsArray().Select(x => x!));
            cont = page["metadata"].Str("continue");
        } while (cont != null);
        return all;
    }

    [Fact]
    public async Task Every_generated_node_carries_ten_pods_listed_once_in_key_order_with_real_owners()
    {
        var pods = await ListAll("/api/v1/pods");
        var keys = pods.Select(p => p["metadata"].Str("namespace") + "/" + p["metadata"].Str("name")).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), keys);
        var perNode = pods.Where(p => p["spec"].Str("nodeName") is { } n && n.StartsWith("i-0f0000000000", StringComparison.Ordinal)).GroupBy(p => p["spec"].Str("nodeName")).ToDictionary(g => g.Key!, g => g.ToList());
        Assert.Equal(5000, perNode.Count);
        Assert.All(perNode.Values, l => Assert.Equal(10, l.Count));
        Assert.InRange(pods.Count, 50_000, 50_100);
        // Two DaemonSet pods per node (one of each DaemonSet) and eight ReplicaSet pods, whose owners exist.
        var sample = perNode[Generator.InstanceId(1234)];
        Assert.Equal(2, sample.Count(p => p["metadata"]!["ownerReferences"]![0].Str("kind") == "DaemonSet"));
        Assert.Equal(2, sample.Where(p => p["metadata"]!["ownerReferences"]![0].Str("kind") == "DaemonSet").Select(p => p["metadata"]!["ownerReferences"]![0].Str("name")).Distinct().Count());
        foreach (var p in sample)
        {
            var owner = p["metadata"]!["ownerReferences"]![0]!;
            var ns = p["metadata"].Str("namespace");
            var plural = owner.Str("kind") == "DaemonSet" ? "daemonsets" : "replicasets";
            var o = await C.KubeJson($"/apis/apps/v1/namespaces/{ns}/{plural}/{owner.Str("name")}");
            Assert.Equal(o["metadata"].Str("uid"), owner.Str("uid"));
            if (plural == "replicasets")
                Assert.Equal(HttpStatusCode.OK, (await C.KubeGet($"/apis/apps/v1/namespaces/{ns}/deployments/{o["metadata"]!["ownerReferences"]![0].Str("name")}")).StatusCode);
            Assert.Equal("Running", p["status"].Str("phase"));
        }
        var ds = await C.KubeJson("/apis/apps/v1/namespaces/monitoring/daemonsets/node-exporter");
        Assert.Equal(5000, ds["status"].Long("desiredNumberScheduled"));
    }

    [Fact]
    public async Task Pods_of_one_generated_node_by_field_selector_and_paged()
    {
        var node = Generator.InstanceId(4321);
        var pods = await ListAll("/api/v1/pods?fieldSelector=spec.nodeName%3D" + node);
        Assert.Equal(10, pods.Count);
        Assert.All(pods, p => Assert.Equal(node, p["spec"].Str("nodeName")));
        var page = await C.KubeJson("/api/v1/pods?fieldSelector=spec.nodeName%3D" + node + "&limit=4");
        Assert.Equal(4, page["items"]!.AsArray().Count);
        Assert.NotNull(page["metadata"].Str("continue"));
        Assert.Null(page["metadata"]!["remainingItemCount"]); // the apiserver gives no count for filtered lists
    }

    [Fact]
    public async Task Generated_nodes_satisfy_their_pool_and_max_pods_matches_the_claim_and_the_110_cap()
    {
        var pool = await C.KubeJson("/apis/karpenter.sh/v1/nodepools/general-purpose");
        var reqs = pool["spec"]!["template"]!["spec"]!["requirements"]!.AsArray();
        var page = await C.KubeJson("/api/v1/nodes?labelSelector=karpenter.sh%2Fnodepool%3Dgeneral-purpose&limit=500");
        var nodes = page["items"]!.AsArray().Select(n => n!).Where(n => n["metadata"].Str("name")!.StartsWith("i-0f0000000000", StringComparison.Ordinal)).ToList();
        Assert.True(nodes.Count > 400);
        var capped = 0;
        foreach (var n in nodes)
        {
            var labels = n["metadata"]!["labels"]!.AsObject();
            Assert.Null(Requirements.Violation(reqs, labels));
            Assert.Equal("on-demand", labels.Str("karpenter.sh/capacity-type"));
            Assert.Equal("amd64", labels.Str("kubernetes.io/arch"));
            var pods = int.Parse(n["status"]!["capacity"].Str("pods")!);
            Assert.Equal(n["status"]!["allocatable"].Str("pods"), n["status"]!["capacity"].Str("pods"));
            var eni = f.Host.World.Type(labels.Str("node.kubernetes.io/instance-type")!).MaxPods;
            Assert.Equal(Math.Min(110, eni), pods);
            if (eni > 110) capped++;
        }
        Assert.True(capped > 0, "some generated nodes are 4xlarge types whose ENI limit (234) is capped at 110");
        var claim = await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims/" + nodes[7]["metadata"]!["ownerReferences"]![0].Str("name"));
        Assert.Equal(nodes[7]["status"]!["capacity"].Str("pods"), claim["status"]!["capacity"].Str("pods"));
        Assert.Equal(nodes[7]["metadata"].Str("name"), claim["status"].Str("nodeName"));
        Assert.Equal(nodes[7]["spec"].Str("providerID"), claim["status"].Str("providerID"));
    }
}

/// <summary>Node, NodeClaim, EC2, IAM and EKS fidelity on the mixed fleet, read by our client and by kubectl / the aws CLI.</summary>
public sealed class MixedTlsFixture : IAsyncLifetime
{
    internal SandboxHost Host = null!;
    internal TestClient Client = null!;
    internal RealClients Real = null!;

    public Task InitializeAsync()
    {
        Host = SandboxHost.Start("mixed", tls: true);
        Client = new TestClient(Host, new SocketsHttpHandler { UseProxy = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        Real = new RealClients(Host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Real.Dispose();
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

public class MixedFleetTests(MixedTlsFixture f) : IClassFixture<MixedTlsFixture>
{
    private TestClient C => f.Client;
    private static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private async Task<List<JsonNode>> Nodes() => (await C.KubeJson("/api/v1/nodes"))["items"]!.AsArray().Select(n => n!).ToList();
    private static string? L(JsonNode n, string k) => n["metadata"]!["labels"].Str(k);

    private async Task<XElement> Instance(string id)
    {
        var r = await C.Query("ec2", $"Action=DescribeInstances&Version=2016-11-15&InstanceId.1={id}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return XDocument.Parse(await r.Content.ReadAsStringAsync()).Descendants(Ec2 + "instancesSet").Single().Element(Ec2 + "item")!;
    }

    [Fact]
    public async Task Each_kind_of_node_carries_the_labels_its_provisioner_sets()
    {
        var nodes = await Nodes();
        var auto = nodes.Where(n => L(n, "eks.amazonaws.com/compute-type") == "auto").ToList();
        Assert.Equal(5, auto.Count);
        foreach (var n in auto)
        {
            foreach (var k in new[] { "karpenter.sh/nodepool", "eks.amazonaws.com/nodeclass", "karpenter.sh/capacity-type", "topology.kubernetes.io/zone", "node.kubernetes.io/instance-type",
                         "kubernetes.io/arch", "kubernetes.io/os", "eks.amazonaws.com/instance-category", "eks.amazonaws.com/instance-family", "eks.amazonaws.com/instance-generation",
                         "eks.amazonaws.com/instance-size", "eks.amazonaws.com/instance-cpu", "eks.amazonaws.com/instance-memory", "eks.amazonaws.com/instance-cpu-manufacturer", "eks.amazonaws.com/instance-hypervisor" })
                Assert.False(string.IsNullOrEmpty(L(n, k)), $"{n["metadata"].Str("name")} lacks {k}");
            Assert.Null(L(n, "karpenter.k8s.aws/ec2nodeclass"));
            Assert.True(int.Parse(n["status"]!["capacity"].Str("pods")!) <= 110);
            var type = L(n, "node.kubernetes.io/instance-type")!;
            Assert.Equal(type.Split('.')[1], L(n, "eks.amazonaws.com/instance-size"));
            Assert.Equal(type.Split('.')[0], L(n, "eks.amazonaws.com/instance-family"));
        }
        Assert.Contains(auto, n => L(n, "karpenter.sh/capacity-type") == "spot");
        var oss = Assert.Single(nodes, n => L(n, "karpenter.k8s.aws/ec2nodeclass") != null);
        Assert.Equal("oss-default", L(oss, "karpenter.k8s.aws/ec2nodeclass"));
        Assert.NotNull(L(oss, "karpenter.k8s.aws/instance-family"));
        Assert.Null(L(oss, "eks.amazonaws.com/compute-type"));
        var mng = nodes.Where(n => L(n, "eks.amazonaws.com/nodegroup") == "legacy-ng").ToList();
        Assert.Equal(2, mng.Count);
        Assert.All(mng, n => Assert.Equal("ON_DEMAND", L(n, "eks.amazonaws.com/capacityType")));
        Assert.Equal(true, Assert.Single(mng, n => n["spec"].Bool("unschedulable") == true)["spec"].Bool("unschedulable"));
        var self = Assert.Single(nodes, n => n["metadata"].Str("name") == "ip-10-0-40-21.us-west-2.compute.internal");
        Assert.Null(L(self, "eks.amazonaws.com/nodegroup"));
        Assert.Null(L(self, "eks.amazonaws.com/compute-type"));
        Assert.Null(L(self, "karpenter.sh/nodepool"));
        var fargate = nodes.Where(n => L(n, "eks.amazonaws.com/compute-type") == "fargate").ToList();
        Assert.Equal(2, fargate.Count);
        Assert.All(fargate, n =>
        {
            Assert.StartsWith("fargate-ip-", n["metadata"].Str("name"));
            Assert.Equal("fp-jobs", L(n, "eks.amazonaws.com/fargate-profile"));
            Assert.Equal("1", n["status"]!["capacity"].Str("pods"));
        });
        var hybrid = Assert.Single(nodes, n => L(n, "eks.amazonaws.com/compute-type") == "hybrid");
        Assert.StartsWith("eks-hybrid:///", hybrid["spec"].Str("providerID"));
        // Each Fargate node runs exactly its one pod, in the profile's namespace.
        foreach (var n in fargate)
        {
            var pods = (await C.KubeJson("/api/v1/pods?fieldSelector=spec.nodeName%3D" + n["metadata"].Str("name")))["items"]!.AsArray();
            Assert.Equal("jobs", Assert.Single(pods)!["metadata"].Str("namespace"));
        }
    }

    [Fact]
    public async Task NodeClaims_agree_with_their_nodes_and_carry_the_lifecycle_conditions()
    {
        var nodes = await Nodes();
        var claims = (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims"))["items"]!.AsArray().Select(c => c!).ToList();
        foreach (var n in nodes.Where(n => L(n, "karpenter.sh/nodepool") != null))
        {
            var claim = Assert.Single(claims, c => c["status"].Str("providerID") == n["spec"].Str("providerID"));
            Assert.Equal(n["metadata"].Str("name"), claim["status"].Str("nodeName"));
            Assert.Equal(L(n, "karpenter.sh/nodepool"), claim["metadata"]!["labels"].Str("karpenter.sh/nodepool"));
            Assert.Equal(n["status"]!["capacity"].Str("pods"), claim["status"]!["capacity"].Str("pods"));
            Assert.Equal(n["status"]!["allocatable"].Str("pods"), claim["status"]!["allocatable"].Str("pods"));
            Assert.NotNull(claim["spec"].Str("expireAfter"));
            Assert.NotNull(claim["spec"]!["nodeClassRef"].Str("name"));
            foreach (var t in new[] { "Launched", "Registered", "Initialized", "Ready" })
                Assert.Contains(claim["status"]!["conditions"]!.AsArray(), c => c.Str("type") == t && c.Str("status") == "True");
        }
        var drifted = Assert.Single(claims, c => c["status"]!["conditions"]!.AsArray().Any(x => x.Str("type") == "Drifted"));
        Assert.Equal("general-purpose-d7f2k", drifted["metadata"].Str("name"));
        Assert.Equal("NodePoolDrifted", drifted["status"]!["conditions"]!.AsArray().Single(x => x.Str("type") == "Drifted").Str("reason"));
        Assert.Equal("168h", Assert.Single(claims, c => c["metadata"].Str("name") == "batch-spot-q8r5w")["spec"].Str("expireAfter"));
    }

    [Fact]
    public async Task Ec2_instances_carry_the_eks_tags_operator_and_cpu_options()
    {
        var auto = await Instance("i-0aa0000000000a004"); // spot c6g.xlarge (Graviton)
        var tags = auto.Element(Ec2 + "tagSet")!.Elements(Ec2 + "item").ToDictionary(i => i.Element(Ec2 + "key")!.Value, i => i.Element(Ec2 + "value")!.Value);
        Assert.Equal("mixed-eks", tags["eks:eks-cluster-name"]);
        Assert.Equal("batch-spot", tags["eks:kubernetes-node-pool-name"]);
        Assert.Equal("default", tags["eks:kubernetes-node-class-name"]);
        Assert.Equal("true", auto.Element(Ec2 + "operator")!.Element(Ec2 + "managed")!.Value);
        Assert.Equal("eks.amazonaws.com", auto.Element(Ec2 + "operator")!.Element(Ec2 + "principal")!.Value);
        Assert.Equal("spot", auto.Element(Ec2 + "instanceLifecycle")!.Value);
        Assert.Equal("4", auto.Element(Ec2 + "cpuOptions")!.Element(Ec2 + "coreCount")!.Value);
        Assert.Equal("1", auto.Element(Ec2 + "cpuOptions")!.Element(Ec2 + "threadsPerCore")!.Value);
        var x86 = await Instance("i-0aa0000000000a003"); // c5.xlarge
        Assert.Equal("2", x86.Element(Ec2 + "cpuOptions")!.Element(Ec2 + "coreCount")!.Value);
        Assert.Equal("2", x86.Element(Ec2 + "cpuOptions")!.Element(Ec2 + "threadsPerCore")!.Value);

        var selfNode = await C.KubeJson("/api/v1/nodes/ip-10-0-40-21.us-west-2.compute.internal");
        var self = await Instance(selfNode["spec"].Str("providerID")!.Split('/').Last());
        Assert.Null(self.Element(Ec2 + "operator"));
        Assert.DoesNotContain(self.Element(Ec2 + "tagSet")!.Elements(Ec2 + "item"), i => i.Element(Ec2 + "key")!.Value.StartsWith("eks:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeClass_status_instance_profile_and_role_agree_with_ec2_and_iam()
    {
        var nc = await C.KubeJson("/apis/eks.amazonaws.com/v1/nodeclasses/default");
        var profile = nc["status"].Str("instanceProfile")!;
        Assert.Contains(nc["status"]!["conditions"]!.AsArray(), c => c.Str("type") == "Ready" && c.Str("status") == "True");
        Assert.Equal(3, nc["status"]!["subnets"]!.AsArray().Count);
        Assert.NotEmpty(nc["status"]!["securityGroups"]!.AsArray());
        var inst = await Instance("i-0aa0000000000a002");
        Assert.EndsWith(":instance-profile/" + profile, inst.Element(Ec2 + "iamInstanceProfile")!.Element(Ec2 + "arn")!.Value);
        var r = await C.Query("iam", "Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=" + profile, region: "us-east-1");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        XNamespace iam = "https://iam.amazonaws.com/doc/2010-05-08/";
        var x = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(nc["spec"].Str("role"), x.Descendants(iam + "RoleName").Single().Value);
        var missing = await C.Query("iam", "Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=no-such-profile", region: "us-east-1");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("NoSuchEntity", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fargate_profiles_are_served_by_eks()
    {
        var list = await TestClient.Json(await C.Eks("/clusters/mixed-eks/fargate-profiles"));
        Assert.Equal(["fp-jobs"], list["fargateProfileNames"]!.AsArray().Select(x => x!.ToString()));
        var fp = (await TestClient.Json(await C.Eks("/clusters/mixed-eks/fargate-profiles/fp-jobs")))["fargateProfile"]!;
        Assert.Equal("jobs", fp["selectors"]![0].Str("namespace"));
        Assert.Equal("ACTIVE", fp.Str("status"));
        Assert.StartsWith("arn:aws:eks:us-west-2:111122223333:fargateprofile/mixed-eks/fp-jobs/", fp.Str("fargateProfileArn"));
        Assert.Equal(HttpStatusCode.NotFound, (await C.Eks("/clusters/mixed-eks/fargate-profiles/nope")).StatusCode);
    }

    [RealClientFact("kubectl", "aws")]
    public void Kubectl_and_the_aws_cli_read_the_same_fleet()
    {
        var nodes = f.Real.Kubectl(0, "get", "nodes")["items"]!.AsArray();
        var ours = C.KubeJson("/api/v1/nodes").Result["items"]!.AsArray();
        Assert.Equal(ours.Select(n => n!["metadata"].Str("name")), nodes.Select(n => n!["metadata"].Str("name")));
        var fargate = f.Real.Kubectl(0, "get", "nodes", "-l", "eks.amazonaws.com/compute-type=fargate")["items"]!.AsArray();
        Assert.Equal(2, fargate.Count);
        var cordoned = f.Real.Kubectl(0, "get", "nodes", "--field-selector", "spec.unschedulable=true")["items"]!.AsArray();
        Assert.Equal("ip-10-0-30-12.us-west-2.compute.internal", Assert.Single(cordoned)!["metadata"].Str("name"));
        var pods = f.Real.Kubectl(0, "get", "pods", "-A", "--field-selector", "spec.nodeName=" + fargate[0]!["metadata"].Str("name"))["items"]!.AsArray();
        Assert.Single(pods);

        var instances = f.Real.Aws("ec2", "describe-instances", "--filters", "Name=operator.managed,Values=true")["Reservations"]!.AsArray()
            .SelectMany(r => r!["Instances"]!.AsArray()).ToList();
        Assert.Equal(5, instances.Count(i => i!["Tags"]!.AsArray().Any(t => t.Str("Key") == "eks:eks-cluster-name" && t.Str("Value") == "mixed-eks")));
        var graviton = instances.Single(i => i.Str("InstanceId") == "i-0aa0000000000a004")!;
        Assert.Equal(1, graviton["CpuOptions"].Long("ThreadsPerCore"));
        Assert.Equal("fp-jobs", f.Real.Aws("eks", "list-fargate-profiles", "--cluster-name", "mixed-eks")["fargateProfileNames"]![0]!.ToString());
        var nc = C.KubeJson("/apis/eks.amazonaws.com/v1/nodeclasses/default").Result;
        var ip = f.Real.Aws("iam", "get-instance-profile", "--instance-profile-name", nc["status"].Str("instanceProfile")!)["InstanceProfile"]!;
        Assert.Equal(nc["spec"].Str("role"), ip["Roles"]![0].Str("RoleName"));
    }
}
