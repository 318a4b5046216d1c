using System.Net;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

public class PaginationTests(GeneratedFixture f) : IClassFixture<GeneratedFixture>
{
    private TestClient C => f.Client;

    [Fact]
    public async Task Five_thousand_generated_nodes_come_back_in_pages_of_500()
    {
        var names = new List<string>();
        string? cont = null;
        var pages = 0;
        long? lastRemaining = null;
        do
        {
            var r = await C.KubeGet("/api/v1/nodes?limit=500" + (cont == null ? "" : "&continue=" + Uri.EscapeDataString(cont)));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var page = await TestClient.Json(r);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 500);
            names.AddRange(items.Select(i => i!["metadata"].Str("name")!));
            cont = page["metadata"].Str("continue");
            var rem = page["metadata"].Long("remainingItemCount");
            if (cont != null)
            {
                Assert.NotNull(rem);
                if (lastRemaining != null) Assert.Equal(lastRemaining - 500, rem);
                lastRemaining = rem;
            }
            pages++;
        }
        while (cont != null && pages < 100);
        Assert.Equal(5008, names.Count); // 5,000 generated + 8 scenario nodes
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), names);
        Assert.Equal(11, pages);
        Assert.Equal(0, C.Host.World.Clusters[0].Kube.Collections.Single(kv => kv.Key.Plural == "nodes").Value.Items.Count(kv => kv.Key.StartsWith("i-0f0", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Generated_nodes_have_matching_instances_and_nodeclaims()
    {
        var node = await TestClient.Json(await C.KubeGet("/api/v1/nodes/" + Generator.InstanceId(4321)));
        Assert.Equal("auto", node["metadata"]!["labels"].Str("eks.amazonaws.com/compute-type"));
        var claimName = node["metadata"]!["ownerReferences"]![0].Str("name")!;
        var claim = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims/" + claimName));
        Assert.Equal(Generator.InstanceId(4321), claim["status"].Str("nodeName"));
        var ec2 = await (await C.Query("ec2", $"Action=DescribeInstances&Version=2016-11-15&InstanceId.1={Generator.InstanceId(4321)}")).Content.ReadAsStringAsync();
        Assert.Contains("<principal>eks.amazonaws.com</principal>", ec2);
        Assert.Contains($"<instanceType>{node["metadata"]!["labels"].Str("node.kubernetes.io/instance-type")}</instanceType>", ec2);
    }

    [Fact]
    public async Task Continue_token_expires_after_compaction_with_410()
    {
        var first = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims?limit=100"));
        var cont = first["metadata"].Str("continue")!;
        var ok = await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims?limit=100&continue=" + Uri.EscapeDataString(cont));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var compact = await C.Http.PostAsync(C.Admin + "/compact", null);
        Assert.Equal(HttpStatusCode.OK, compact.StatusCode);
        var gone = await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims?limit=100&continue=" + Uri.EscapeDataString(cont));
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        var s = await TestClient.Json(gone);
        Assert.Equal("Expired", s.Str("reason"));
        Assert.Equal(410, s.Long("code"));
        var fresh = await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims?limit=100");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Malformed_continue_token_is_400()
    {
        var r = await C.KubeGet("/api/v1/nodes?limit=10&continue=not-a-token");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("BadRequest", (await TestClient.Json(r)).Str("reason"));
    }

    [Fact]
    public async Task DescribeInstances_pages_through_generated_instances()
    {
        System.Xml.Linq.XNamespace ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
        var count = 0;
        string? token = null;
        var calls = 0;
        do
        {
            var q = "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000" + (token == null ? "" : "&NextToken=" + Uri.EscapeDataString(token));
            var x = System.Xml.Linq.XDocument.Parse(await (await C.Query("ec2", q)).Content.ReadAsStringAsync());
            count += x.Descendants(ns + "instanceId").Count();
            token = x.Descendants(ns + "nextToken").SingleOrDefault()?.Value;
            calls++;
        }
        while (token != null && calls < 20);
        Assert.Equal(5008, count);
        Assert.Equal(6, calls);
    }
}
