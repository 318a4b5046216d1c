using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Tests;

public class ScenarioTests
{
    private static Collection Col(Cluster c, string plural) => c.Kube.Collections.Single(kv => kv.Key.Plural == plural && (kv.Key.Group is "" or "karpenter.sh" or "eks.amazonaws.com")).Value;

    [Theory]
    [InlineData("automode")]
    [InlineData("standard")]
    [InlineData("mixed")]
    [InlineData("partial")]
    [InlineData("diagnosis")]
    public void Every_scenario_loads_with_consistent_nodes_pods_and_instances(string name)
    {
        var w = ScenarioLoader.Load(ScenarioLoader.Resolve(name), 1, 0);
        Assert.NotEmpty(w.Clusters);
        Assert.NotEmpty(w.Identities);
        foreach (var c in w.Clusters)
        {
            foreach (var (_, node) in Col(c, "nodes").Items)
            {
                var id = node["spec"].Str("providerID")!.Split('/').Last();
                var computeType = node["metadata"]!["labels"].Str("eks.amazonaws.com/compute-type");
                if (computeType is "fargate" or "hybrid")
                {
                    Assert.DoesNotContain(w.Instances, i => i.Str("instanceId") == id); // no EC2 instance behind Fargate or hybrid nodes
                    continue;
                }
                Assert.Contains(w.Instances, i => i.Str("instanceId") == id);
                if (node["metadata"]!["labels"].Str("eks.amazonaws.com/compute-type") == "auto") Assert.Equal(id, node["metadata"].Str("name"));
            }
        }
    }

    [Fact]
    public void Partial_scenario_models_the_typo_and_the_missing_builtins()
    {
        var w = ScenarioLoader.Load(ScenarioLoader.Resolve("partial"), 1, 0);
        var typo = w.FindCluster("typo-pools")!;
        Assert.Equal(new[] { "general-purpose" }, Col(typo, "nodepools").Items.Keys);
        var none = w.FindCluster("no-builtins")!;
        Assert.DoesNotContain("default", Col(none, "nodeclasses").Items.Keys);
        Assert.False(w.FindCluster("partial-eks")!.Eks["storageConfig"]!["blockStorage"].Bool("enabled"));
        Assert.False(w.FindCluster("partial-lb-off")!.Eks["kubernetesNetworkConfig"]!["elasticLoadBalancing"].Bool("enabled"));
    }

    [Fact]
    public void Standard_scenario_has_a_node_over_110_pods_and_helm_releases()
    {
        var c = ScenarioLoader.Load(ScenarioLoader.Resolve("standard"), 1, 0).Clusters[0];
        var busiest = Col(c, "pods").Items.Values.GroupBy(p => p["spec"].Str("nodeName")).Max(g => g.Count());
        Assert.True(busiest > 110, $"busiest node has {busiest} pods");
        var releases = Col(c, "secrets").Items.Values.Where(s => s.Str("type") == "helm.sh/release.v1").Select(s => s["metadata"]!["labels"].Str("name")).Distinct().OrderBy(x => x);
        Assert.Equal(new[] { "aws-load-balancer-controller", "external-dns", "karpenter" }, releases);
        Assert.Null(c.Eks["computeConfig"]);
    }

    [Fact]
    public void A_pod_on_an_undefined_node_is_a_scenario_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():n}.yaml");
        File.WriteAllText(path, """
            identities: [{accessKeyId: AKIAX, secretAccessKey: s, arn: "arn:aws:iam::1:user/x"}]
            clusters:
              - name: c
                podSets: [{namespace: a, app: x, node: ip-10-9-9-9.us-west-2.compute.internal}]
            """);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => ScenarioLoader.Load(path, 1, 0));
            Assert.Contains("ip-10-9-9-9", e.Message);
        }
        finally { File.Delete(path); }
    }
}
