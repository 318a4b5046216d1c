using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>TLS automode sandbox of its own (tests here write), with the real clients.</summary>
public sealed class TlsAutomodeFixture : IAsyncLifetime
{
    internal SandboxHost Host = null!;
    internal TestClient Client = null!;
    internal RealClients Real = null!;

    public Task InitializeAsync()
    {
        Host = SandboxHost.Start("automode", tls: true);
        var handler = new SocketsHttpHandler { UseProxy = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
        Client = new TestClient(Host, handler);
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

/// <summary>What the audit found: JSON patch answered 500, a malformed label selector 200; DescribeSpotPriceHistory's wire shape.</summary>
public class AuditTests(TlsAutomodeFixture f) : IClassFixture<TlsAutomodeFixture>
{
    private TestClient C => f.Client;

    private async Task<JsonNode> FirstNode() => (await C.KubeJson("/api/v1/nodes?labelSelector=karpenter.sh%2Fnodepool%3Dgeneral-purpose&limit=1"))["items"]![0]!;

    [Fact]
    public async Task Json_patch_adds_replaces_removes_and_tests()
    {
        var node = await FirstNode();
        var name = node["metadata"].Str("name");
        var ops = "[{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"sre\"},{\"op\":\"add\",\"path\":\"/spec/unschedulable\",\"value\":true}," +
                  "{\"op\":\"test\",\"path\":\"/metadata/labels/kubernetes.io~1os\",\"value\":\"linux\"},{\"op\":\"remove\",\"path\":\"/metadata/annotations/node.alpha.kubernetes.io~1ttl\"}]";
        var r = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + name, ops, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var after = await C.KubeJson("/api/v1/nodes/" + name);
        Assert.Equal("sre", after["metadata"]!["labels"].Str("team"));
        Assert.Equal(true, after["spec"].Bool("unschedulable"));
        Assert.Null(after["metadata"]!["annotations"].Str("node.alpha.kubernetes.io/ttl"));
        Assert.NotEqual(node["metadata"].Str("resourceVersion"), after["metadata"].Str("resourceVersion"));
        var cordoned = await C.KubeJson("/api/v1/nodes?fieldSelector=spec.unschedulable%3Dtrue");
        Assert.Contains(cordoned["items"]!.AsArray(), n => n!["metadata"].Str("name") == name);

        // A failing test op, a missing path and a stale resourceVersion are the apiserver's 422 / 422 / 409, never 500.
        var failing = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + name, "[{\"op\":\"test\",\"path\":\"/metadata/labels/team\",\"value\":\"dev\"}]", "application/json-patch+json");
        Assert.Equal((HttpStatusCode)422, failing.StatusCode);
        Assert.Equal("Status", (await TestClient.Json(failing)).Str("kind"));
        var missing = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + name, "[{\"op\":\"replace\",\"path\":\"/spec/nothing/here\",\"value\":1}]", "application/json-patch+json");
        Assert.Equal((HttpStatusCode)422, missing.StatusCode);
        var stale = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + name, "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"1\"},{\"op\":\"add\",\"path\":\"/metadata/labels/x\",\"value\":\"y\"}]", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var notArray = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + name, "{\"op\":\"add\"}", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        // Custom resources take JSON patch too.
        var pool = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool", "[{\"op\":\"replace\",\"path\":\"/spec/limits/cpu\",\"value\":\"64\"}]", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, pool.StatusCode);
        Assert.Equal("64", (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/spot-pool"))["spec"]!["limits"].Str("cpu"));
    }

    [Theory]
    [InlineData("app=(")]
    [InlineData("app=a=b")]
    [InlineData("app in (a,b")]
    [InlineData("app in a")]
    [InlineData("=x")]
    [InlineData("app==a b")]
    [InlineData("-bad-key=x")]
    [InlineData("Example.COM/app=x")]
    [InlineData("app=-x-")]
    [InlineData("app>x")]
    [InlineData("app,")]
    [InlineData("app in ()")]
    public async Task Malformed_label_selector_is_400_with_a_Status(string selector)
    {
        var r = await C.KubeGet("/api/v1/nodes?labelSelector=" + Uri.EscapeDataString(selector));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var s = await TestClient.Json(r);
        Assert.Equal("Status", s.Str("kind"));
        Assert.Equal("BadRequest", s.Str("reason"));
        Assert.Equal(400, s.Long("code"));
        Assert.False(string.IsNullOrEmpty(s.Str("message")));
    }

    [Theory]
    [InlineData("karpenter.sh/nodepool=spot-pool", "spot-pool")]
    [InlineData("karpenter.sh/nodepool==spot-pool,karpenter.sh/capacity-type in (spot, on-demand)", "spot-pool")]
    [InlineData("karpenter.sh/nodepool notin (general-purpose,system),eks.amazonaws.com/compute-type=auto", "spot-pool")]
    [InlineData("!karpenter.sh/nodepool", null)]
    [InlineData("eks.amazonaws.com/instance-cpu>1,karpenter.sh/nodepool=system", "system")]
    public async Task Valid_label_selectors_still_select(string selector, string? pool)
    {
        var all = (await C.KubeJson("/api/v1/nodes"))["items"]!.AsArray();
        var expected = all.Where(n => n!["metadata"]!["labels"].Str("karpenter.sh/nodepool") == pool).Select(n => n!["metadata"].Str("name")).ToList();
        var got = (await C.KubeJson("/api/v1/nodes?labelSelector=" + Uri.EscapeDataString(selector)))["items"]!.AsArray().Select(n => n!["metadata"].Str("name")).ToList();
        if (pool != null) Assert.NotEmpty(expected);
        Assert.Equal(expected, got);
    }

    [Fact]
    public async Task Spot_price_history_has_the_ec2_wire_shape_and_filters()
    {
        var r = await C.Query("ec2", "Action=DescribeSpotPriceHistory&Version=2016-11-15&InstanceType.1=m5.large&InstanceType.2=c6g.large&ProductDescription.1=Linux%2FUNIX&AvailabilityZone=us-west-2b&MaxResults=5");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var x = XDocument.Parse(await r.Content.ReadAsStringAsync());
        XNamespace ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
        var items = x.Root!.Element(ns + "spotPriceHistorySet")!.Elements(ns + "item").ToList();
        Assert.Equal(5, items.Count);
        foreach (var i in items)
        {
            Assert.Equal(["availabilityZone", "instanceType", "productDescription", "spotPrice", "timestamp"], i.Elements().Select(e => e.Name.LocalName));
            Assert.Equal("us-west-2b", i.Element(ns + "availabilityZone")!.Value);
            Assert.Contains(i.Element(ns + "instanceType")!.Value, new[] { "m5.large", "c6g.large" });
            Assert.True(decimal.Parse(i.Element(ns + "spotPrice")!.Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
        Assert.False(string.IsNullOrEmpty(x.Root.Element(ns + "nextToken")?.Value)); // 6 rows (2 types x 3 points), 5 per page
    }

    [RealClientFact("aws")]
    public void Aws_cli_reads_spot_price_history_with_its_own_paging()
    {
        var start = DateTimeOffset.UtcNow.AddHours(-3).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var all = f.Real.Aws("ec2", "describe-spot-price-history", "--instance-types", "m5.large", "--product-descriptions", "Linux/UNIX", "--start-time", start, "--page-size", "2");
        var rows = all["SpotPriceHistory"]!.AsArray();
        // Per zone: the price set after StartTime and the one in effect at StartTime (EC2's semantics), fetched two per page.
        Assert.Equal(6, rows.Count);
        Assert.Equal(["us-west-2a", "us-west-2a", "us-west-2b", "us-west-2b", "us-west-2c", "us-west-2c"], rows.Select(p => p.Str("AvailabilityZone")).Order());
        var newestFirst = rows.Select(p => DateTimeOffset.Parse(p.Str("Timestamp")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(newestFirst.OrderDescending(), newestFirst);
        Assert.Equal(3, newestFirst.Count(t => t < DateTimeOffset.UtcNow.AddHours(-3)));
        Assert.All(rows, p =>
        {
            Assert.Equal("m5.large", p.Str("InstanceType"));
            Assert.Equal("Linux/UNIX", p.Str("ProductDescription"));
            var price = decimal.Parse(p.Str("SpotPrice")!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(price, 0.096m * 0.30m, 0.096m * 0.46m); // m5.large on-demand in us-west-2 is $0.096
        });
    }

    [RealClientFact("kubectl")]
    public void Kubectl_json_patch_and_a_bad_selector()
    {
        var node = f.Real.Kubectl(0, "get", "nodes", "-l", "karpenter.sh/nodepool=system")["items"]![0]!["metadata"].Str("name")!;
        var (code, _, err) = f.Real.KubectlRaw(0, "patch", "node", node, "--type=json", "-p", "[{\"op\":\"add\",\"path\":\"/metadata/labels/audit\",\"value\":\"json-patch\"}]");
        Assert.True(code == 0, err);
        Assert.Equal("json-patch", f.Real.Kubectl(0, "get", "node", node)["metadata"]!["labels"].Str("audit"));
        var bad = f.Real.KubectlRaw(0, "get", "nodes", "-l", "app=(");
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("unable to parse requirement", bad.Err);
    }
}
