using System.Text.Json;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Readiness;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Tests.Unit.Readiness;

/// <summary>
/// The launch-template, clusterDNS, node-access, migration, identity and insight checks against an in-memory cluster:
/// what they report, and that an unreadable source makes them Skipped (never Pass).
/// </summary>
public class ReadinessNodeEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An in-memory cluster; a null member (or a throwing one) stands for data that cannot be read.</summary>
    private sealed class FakeSource : IReadinessSource
    {
        public string? ClusterName => "unit-eks";
        public Dictionary<string, List<JsonElement>> Objects { get; } = new(StringComparer.Ordinal);
        public List<JsonElement> Nodegroups { get; } = new();
        public List<JsonElement> FargateProfiles { get; } = new();
        public List<JsonElement> Associations { get; } = new();
        public List<JsonElement>? Insights { get; set; } = new();
        public Dictionary<string, LaunchTemplateFacts> Templates { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, AmiFacts> Images { get; } = new(StringComparer.Ordinal);
        public EngineException? Ec2Denied { get; set; }

        public Task<IReadOnlyList<JsonElement>> ListAsync(KubernetesResourceType resource, string? labelSelector, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<JsonElement>>(Objects.GetValueOrDefault(resource.Plural) ?? new List<JsonElement>());

        public Task<string> GetServerVersionAsync(CancellationToken cancellationToken) => Task.FromResult("v1.31.2-eks-1234");

        public Task<JsonElement> DescribeClusterAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Json("""{"name":"unit-eks","arn":"arn:aws:eks:us-west-2:111122223333:cluster/unit-eks","version":"1.31","resourcesVpcConfig":{"vpcId":"vpc-1"}}"""));

        public Task<IReadOnlyList<JsonElement>> DescribeAddonsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<JsonElement>>(new List<JsonElement>());

        public Task<IReadOnlyList<JsonElement>> DescribeNodegroupsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<JsonElement>>(Nodegroups);

        public Task<IReadOnlyList<JsonElement>> DescribeFargateProfilesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<JsonElement>>(FargateProfiles);

        public Task<IReadOnlyList<JsonElement>> ListPodIdentityAssociationsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<JsonElement>>(Associations);

        public Task<IReadOnlyList<JsonElement>> ListInsightsAsync(CancellationToken cancellationToken) =>
            Insights is { } i ? Task.FromResult<IReadOnlyList<JsonElement>>(i)
                : throw new EngineException("AccessDeniedException", ErrorKind.PermissionDenied, "EKS ListInsights failed: AccessDeniedException (eks:ListInsights).", null);

        public Task<LaunchTemplateFacts> DescribeLaunchTemplateVersionAsync(string idOrName, string? version, CancellationToken cancellationToken) =>
            Ec2Denied is { } e ? throw e : Task.FromResult(Templates[idOrName]);

        public Task<AmiFacts?> DescribeImageAsync(string imageId, CancellationToken cancellationToken) => Task.FromResult(Images.GetValueOrDefault(imageId));

        public List<SubnetFacts> Subnets { get; } = new();

        public Task<IReadOnlyList<SubnetFacts>> DescribeSubnetsAsync(string vpcId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SubnetFacts>>(Subnets);
    }

    private static JsonElement Json(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    private static JsonElement Nodegroup(string name, string amiType, string? launchTemplate = null, string? sshKey = null) =>
        Json($$"""
            {"nodegroupName":"{{name}}","amiType":"{{amiType}}","instanceTypes":["m5.large"],"scalingConfig":{"desiredSize":2}
            {{(launchTemplate is null ? "" : $$""","launchTemplate":{"id":"{{launchTemplate}}","version":"3"}""")}}
            {{(sshKey is null ? "" : $$""","remoteAccess":{"ec2SshKey":"{{sshKey}}"}""")}}}
            """);

    private static async Task<ReadinessResult> RunAsync(FakeSource source, string id) =>
        Assert.Single(await ReadinessEngine.RunAsync(source, new ReadinessFilter { CheckIds = new[] { id } }, "1.31", Now));

    [Fact]
    public async Task CustomAmiAndUserDataAreNamedWithoutShowingTheUserData()
    {
        var source = new FakeSource();
        source.Nodegroups.Add(Nodegroup("hardened", "CUSTOM", "lt-0aaaaaaaaaaaaaaa1"));
        source.Nodegroups.Add(Nodegroup("pinned", "CUSTOM", "lt-0bbbbbbbbbbbbbbb2"));
        source.Nodegroups.Add(Nodegroup("plain", "AL2023_x86_64_STANDARD", "lt-0ccccccccccccccc3"));
        source.Templates["lt-0aaaaaaaaaaaaaaa1"] = new("lt-0aaaaaaaaaaaaaaa1", "hardened", 3, "ami-0123456789abcdef0", "#!/bin/bash\necho secret-token-123\n", null);
        source.Templates["lt-0bbbbbbbbbbbbbbb2"] = new("lt-0bbbbbbbbbbbbbbb2", "pinned", 3, "ami-0fedcba987654321f", null, null);
        source.Templates["lt-0ccccccccccccccc3"] = new("lt-0ccccccccccccccc3", "plain", 3, null, null, null);
        source.Images["ami-0123456789abcdef0"] = new("ami-0123456789abcdef0", "amazon-eks-node-al2023-x86_64-standard-1.31-hardened", "111122223333", null, null);
        source.Images["ami-0fedcba987654321f"] = new("ami-0fedcba987654321f", "amazon-eks-node-al2023-x86_64-standard-1.31-v20251112", "602401143452", null, null);

        ReadinessResult r = await RunAsync(source, "AMR-CMP-007");

        Assert.Equal(ReadinessStatus.Fail, r.Status);
        Assert.Equal(new[] { "hardened", "pinned" }, r.Evidence.Select(e => e.Name));
        // an EKS-looking name built in the cluster's own account is still a custom AMI
        Assert.Contains("custom AMI ami-0123456789abcdef0", r.Evidence[0].Value);
        Assert.Contains("this account", r.Evidence[0].Value);
        Assert.Contains("user data 34 bytes (shell script)", r.Evidence[0].Value);
        Assert.DoesNotContain("secret-token", r.Evidence[0].Value + r.Message);
        Assert.Contains("pinned EKS-optimized AMI ami-0fedcba987654321f", r.Evidence[1].Value);
    }

    [Fact]
    public async Task UnreadableLaunchTemplatesSkipInsteadOfPassing()
    {
        var source = new FakeSource { Ec2Denied = new EngineException("UnauthorizedOperation", ErrorKind.PermissionDenied, "EC2 DescribeLaunchTemplateVersions failed: UnauthorizedOperation.", null) };
        source.Nodegroups.Add(Nodegroup("apps", "AL2_x86_64", "lt-0ccccccccccccccc3"));

        ReadinessResult amis = await RunAsync(source, "AMR-CMP-007");
        ReadinessResult dns = await RunAsync(source, "AMR-NET-008");

        Assert.Equal(ReadinessStatus.Skipped, amis.Status);
        Assert.Contains("DescribeLaunchTemplateVersions", amis.SkipReason);
        Assert.Equal(ReadinessStatus.Skipped, dns.Status);

        // a CUSTOM node group is a finding even when its template cannot be read; the unread one is named
        source.Nodegroups.Add(Nodegroup("custom", "CUSTOM", "lt-0aaaaaaaaaaaaaaa1"));
        ReadinessResult partial = await RunAsync(source, "AMR-CMP-007");
        Assert.Equal(ReadinessStatus.Fail, partial.Status);
        Assert.Equal("custom", Assert.Single(partial.Evidence).Name);
        Assert.Contains("launch templates of apps, custom (EC2 DescribeLaunchTemplateVersions failed", partial.Message);
    }

    [Theory]
    [InlineData("#!/bin/bash\n/etc/eks/bootstrap.sh c --kubelet-extra-args '--max-pods=50 --cluster-dns=169.254.20.10'", "--cluster-dns 169.254.20.10")]
    [InlineData("#!/bin/bash\n/etc/eks/bootstrap.sh c --dns-cluster-ip 10.100.0.10", "--dns-cluster-ip 10.100.0.10")]
    [InlineData("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      clusterDNS:\n      - 169.254.20.10\n", "clusterDNS 169.254.20.10")]
    [InlineData("kind: NodeConfig\nspec:\n  kubelet:\n    config: {\"clusterDNS\": [\"fd00::a\"]}", "clusterDNS fd00::a")]
    [InlineData("[settings.kubernetes]\ncluster-dns-ip = \"169.254.20.10\"\n", "cluster-dns-ip 169.254.20.10")]
    public void ClusterDnsIsFoundInEachBootstrapFormat(string userData, string expected)
    {
        Assert.Equal(new[] { expected }, ReadinessEvaluators.ClusterDnsSettings(userData, ReadinessCatalogue.Get("AMR-NET-008").Parameters.Keys));
    }

    [Fact]
    public void UserDataWithoutClusterDnsAndItsKindsAreRecognised()
    {
        Assert.Empty(ReadinessEvaluators.ClusterDnsSettings("#!/bin/bash\nyum install -y htop\n", ReadinessCatalogue.Get("AMR-NET-008").Parameters.Keys));
        string mime = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n--//\nContent-Type: application/node.eks.aws\n\n---\n--//\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\n\n#!/bin/bash\n--//--\n";
        Assert.Equal(new[] { "nodeadm NodeConfig", "shell script" }, ReadinessEvaluators.UserDataKinds(mime));
        Assert.Equal(new[] { "Bottlerocket settings (TOML)" }, ReadinessEvaluators.UserDataKinds("[settings.kubernetes]\nmax-pods = 50\n"));
    }

    [Fact]
    public async Task NodeAccessNamesSshKeysAndSsmAgents()
    {
        var source = new FakeSource();
        source.Nodegroups.Add(Nodegroup("ops", "AL2023_x86_64_STANDARD", sshKey: "ops-key"));
        source.Objects["daemonsets"] = new()
        {
            Json("""{"metadata":{"name":"node-agent","namespace":"tools"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"public.ecr.aws/amazon-ssm-agent/amazon-ssm-agent:3.3.1"}]}}}}"""),
        };

        ReadinessResult r = await RunAsync(source, "AMR-SEC-002");

        Assert.Equal(ReadinessStatus.Fail, r.Status);
        Assert.Equal(new[] { "Nodegroup/ops: remoteAccess.ec2SshKey ops-key (SSH open to any source)", "DaemonSet/tools/node-agent: image public.ecr.aws/amazon-ssm-agent/amazon-ssm-agent:3.3.1" },
            r.Evidence.Select(e => e.ToString()));
        source.Nodegroups.Clear();
        source.Objects.Clear();
        Assert.Equal(ReadinessStatus.Pass, (await RunAsync(source, "AMR-SEC-002")).Status);
    }

    [Fact]
    public async Task MigrationOrderPutsKarpenterBeforeNodeGroupsAndKeepsWindows()
    {
        var source = new FakeSource();
        source.Nodegroups.Add(Nodegroup("win", "WINDOWS_CORE_2022_x86_64"));
        source.Nodegroups.Add(Nodegroup("apps", "AL2023_x86_64_STANDARD"));
        source.FargateProfiles.Add(Json("""{"fargateProfileName":"fp","selectors":[{"namespace":"batch"}]}"""));

        ReadinessResult groups = await RunAsync(source, "AMR-CLU-002");
        ReadinessResult fargate = await RunAsync(source, "AMR-CLU-003");

        Assert.Equal(ReadinessStatus.Warn, groups.Status);
        Assert.EndsWith("keep (Auto Mode has no Windows nodes)", groups.Evidence[0].Value);
        Assert.EndsWith("step 3, drain after OSS Karpenter is gone", groups.Evidence[1].Value);
        Assert.True(groups.Message.IndexOf("uninstall", StringComparison.Ordinal) < groups.Message.IndexOf("drain managed node groups", StringComparison.Ordinal));
        Assert.Contains("no OSS Karpenter found", groups.Message);
        Assert.Equal("FargateProfile/fp: selectors namespace batch; 0 Fargate node(s) now; step 4", Assert.Single(fargate.Evidence).ToString());
    }

    [Fact]
    public async Task IrsaIsComparedWithPodIdentityAssociations()
    {
        var source = new FakeSource();
        source.Objects["serviceaccounts"] = new()
        {
            Json("""{"metadata":{"name":"a","namespace":"x","annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::1:role/a"}}}"""),
            Json("""{"metadata":{"name":"b","namespace":"x","annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::1:role/b"}}}"""),
            Json("""{"metadata":{"name":"c","namespace":"x"}}"""),
        };
        source.Associations.Add(Json("""{"namespace":"x","serviceAccount":"b","associationId":"a-1"}"""));

        ReadinessResult r = await RunAsync(source, "AMR-SEC-001");

        Assert.Equal(ReadinessStatus.Warn, r.Status);
        Assert.Equal(new[] { "IRSA arn:aws:iam::1:role/a; no Pod Identity association", "IRSA arn:aws:iam::1:role/b; also has a Pod Identity association (it takes precedence)" },
            r.Evidence.Select(e => e.Value));
    }

    [Fact]
    public async Task InsightsFailOnErrorWarnOnWarningAndSkipWhenUnreadable()
    {
        var source = new FakeSource();
        source.Insights!.Add(Json("""{"name":"Kubelet version skew","category":"UPGRADE_READINESS","kubernetesVersion":"1.32","insightStatus":{"status":"WARNING","reason":"Skew."}}"""));
        source.Insights.Add(Json("""{"name":"Cluster health issues","insightStatus":{"status":"PASSING","reason":"No issues."}}"""));
        Assert.Equal(ReadinessStatus.Warn, (await RunAsync(source, "AMR-CLU-004")).Status);
        source.Insights.Add(Json("""{"name":"Deprecated APIs removed in Kubernetes v1.32","insightStatus":{"status":"ERROR","reason":"Deprecated API usage detected."}}"""));
        ReadinessResult failed = await RunAsync(source, "AMR-CLU-004");
        Assert.Equal(ReadinessStatus.Fail, failed.Status);
        Assert.Equal(2, failed.Evidence.Count);

        source.Insights = null;
        ReadinessResult skipped = await RunAsync(source, "AMR-CLU-004");
        Assert.Equal(ReadinessStatus.Skipped, skipped.Status);
        Assert.StartsWith("No permission:", skipped.SkipReason);
    }

    [Fact]
    public async Task LoadBalancersNeedSubnetsTaggedForTheirScheme()
    {
        var source = new FakeSource();
        Assert.Equal(ReadinessStatus.Pass, (await RunAsync(source, "AMR-LB-007")).Status);
        source.Objects["ingresses"] = new() { Json("""{"metadata":{"name":"web","namespace":"shop","annotations":{"alb.ingress.kubernetes.io/scheme":"internet-facing"}}}""") };
        source.Objects["services"] = new()
        {
            Json("""{"metadata":{"name":"api","namespace":"shop"},"spec":{"type":"LoadBalancer"}}"""),
            Json("""{"metadata":{"name":"db","namespace":"shop"},"spec":{"type":"ClusterIP"}}"""),
        };
        source.Subnets.Add(new SubnetFacts("subnet-a", "us-west-2a", 12, false, new Dictionary<string, string> { ["kubernetes.io/role/internal-elb"] = "" }));
        source.Subnets.Add(new SubnetFacts("subnet-b", "us-west-2b", 4000, true, new Dictionary<string, string> { ["kubernetes.io/role/elb"] = "0" }));

        ReadinessResult r = await RunAsync(source, "AMR-LB-007");

        // the internal Service finds subnet-a (empty value counts); the internet-facing Ingress finds none (value 0 does not)
        Assert.Equal(ReadinessStatus.Fail, r.Status);
        Assert.Equal("Ingress/shop/web: internet-facing: no subnet of vpc-1 is tagged kubernetes.io/role/elb (1 or empty); untagged: subnet-a (us-west-2a, 12 free IPs), subnet-b (us-west-2b, 4000 free IPs)",
            Assert.Single(r.Evidence).ToString());
    }
}
