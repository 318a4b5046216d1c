using System.Net;
using System.Text.Json;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

public class AutoModeClusterTests
{
    private static JsonElement Cluster(string json) => JsonDocument.Parse(json).RootElement;

    private const string AutoJson = """
        {"name":"prod","arn":"arn:aws:eks:eu-west-1:123456789012:cluster/prod","version":"1.33","status":"ACTIVE","endpoint":"https://ABC.gr7.eu-west-1.eks.amazonaws.com",
         "createdAt":1735689600.0,"upgradePolicy":{"supportType":"STANDARD"},
         "computeConfig":{"enabled":true,"nodePools":["general-purpose","system"],"nodeRoleArn":"arn:aws:iam::123456789012:role/eks/AmazonEKSAutoNodeRole"},
         "storageConfig":{"blockStorage":{"enabled":true}},
         "kubernetesNetworkConfig":{"serviceIpv4Cidr":"10.100.0.0/16","ipFamily":"ipv4","elasticLoadBalancing":{"enabled":true}}}
        """;

    [Fact]
    public void Auto_mode_cluster()
    {
        var info = AutoModeClusterReader.Analyze(Cluster(AutoJson), "eu-west-1", new[] { "vpc-cni", "kube-proxy", "metrics-server" }, 0);

        Assert.Equal(AutoModeState.Auto, info.Mode);
        Assert.Equal(new[] { "general-purpose", "system" }, info.BuiltInNodePools);
        Assert.Empty(info.UnknownNodePools);
        Assert.Equal("AmazonEKSAutoNodeRole", info.NodeRoleName);
        Assert.Equal("STANDARD", info.SupportType);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), info.CreatedAt);
        Assert.Equal(new[] { "vpc-cni", "kube-proxy" }, info.RedundantAddons.Select(a => a.Name));
        Assert.Contains("No managed node groups remain", info.RedundantAddons[0].Advice);
        Assert.Empty(info.Advice);
    }

    [Fact]
    public void Standard_cluster_without_auto_mode_fields()
    {
        var info = AutoModeClusterReader.Analyze(Cluster("""{"name":"old","version":"1.30","status":"ACTIVE","computeConfig":null}"""), "eu-west-1",
            new[] { "vpc-cni", "coredns" }, null);

        Assert.Equal(AutoModeState.Standard, info.Mode);
        Assert.Empty(info.RedundantAddons);
        Assert.Null(info.NodeRoleArn);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, true, true)]
    public void Partially_enabled_when_the_three_capabilities_differ(bool compute, bool storage, bool elb)
    {
        string B(bool v) => v ? "true" : "false";
        string json = "{\"name\":\"half\",\"computeConfig\":{\"enabled\":" + B(compute) + ",\"nodePools\":[]}," +
            "\"storageConfig\":{\"blockStorage\":{\"enabled\":" + B(storage) + "}}," +
            "\"kubernetesNetworkConfig\":{\"elasticLoadBalancing\":{\"enabled\":" + B(elb) + "}}}";
        var info = AutoModeClusterReader.Analyze(Cluster(json), "eu-west-1", Array.Empty<string>(), 0);

        Assert.Equal(AutoModeState.PartiallyEnabled, info.Mode);
        Assert.Contains(info.Advice, a => a.Contains("must be enabled or disabled together"));
    }

    [Fact]
    public void A_typo_in_a_pool_name_is_reported_with_a_suggestion()
    {
        var info = AutoModeClusterReader.Analyze(Cluster(AutoJson.Replace("\"system\"", "\"sytem\"")), "eu-west-1", null, null);

        Assert.Equal(new[] { "sytem" }, info.UnknownNodePools);
        Assert.Equal(new[] { "general-purpose" }, info.BuiltInNodePools);
        Assert.Contains(info.Advice, a => a.Contains("'sytem'") && a.Contains("did you mean 'system'"));
    }

    [Fact]
    public void Wrong_case_is_unknown_because_names_are_case_sensitive()
    {
        var info = AutoModeClusterReader.Analyze(Cluster(AutoJson.Replace("\"system\"", "\"System\"")), "eu-west-1", null, null);
        Assert.Equal(new[] { "System" }, info.UnknownNodePools);
    }

    [Fact]
    public void Redundant_addons_advise_keeping_them_while_node_groups_remain()
    {
        var info = AutoModeClusterReader.Analyze(Cluster(AutoJson), "eu-west-1", new[] { "coredns", "aws-ebs-csi-driver", "eks-pod-identity-agent" }, 2);
        Assert.Equal(3, info.RedundantAddons.Count);
        Assert.All(info.RedundantAddons, a => Assert.Contains("2 managed node group(s)", a.Advice));
    }

    [Fact]
    public async Task Reader_lists_every_page_and_tolerates_denied_ListAddons()
    {
        var handler = new FakeHandler((r, b) =>
        {
            string path = r.RequestUri!.AbsolutePath;
            return path switch
            {
                "/clusters" when !r.RequestUri.Query.Contains("nextToken") => FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[\"prod\"],\"nextToken\":\"n1\"}"),
                "/clusters" => FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[\"dev\"]}"),
                "/clusters/prod" => FakeHandler.Json(HttpStatusCode.OK, "{\"cluster\":" + AutoJson + "}"),
                "/clusters/prod/addons" => FakeHandler.Json(HttpStatusCode.Forbidden, "{\"message\":\"denied\"}", ("x-amzn-ErrorType", "AccessDeniedException")),
                "/clusters/prod/node-groups" => FakeHandler.Json(HttpStatusCode.OK, "{\"nodegroups\":[\"ng1\"]}"),
                _ => FakeHandler.Json(HttpStatusCode.NotFound, "{}"),
            };
        });
        using var home = new AwsHome();
        AwsSessionOptions o = home.Options(handler);
        o.Region = "eu-west-1"; o.AccessKey = "AK"; o.SecretKey = "s"; o.EndpointUrl = "http://127.0.0.1:9";
        var reader = new AutoModeClusterReader(await AwsSession.CreateAsync(o));

        var names = new List<string>();
        await foreach (string n in reader.ListClusterNamesAsync())
        {
            names.Add(n);
        }

        AutoModeClusterInfo info = await reader.GetAsync("prod");

        Assert.Equal(new[] { "prod", "dev" }, names);
        Assert.Equal(AutoModeState.Auto, info.Mode);
        Assert.Equal(1, info.ManagedNodeGroupCount);
        Assert.Contains(info.Warnings, w => w.Contains("eks:ListAddons"));
    }
}
