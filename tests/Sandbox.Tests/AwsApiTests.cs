using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

public class AwsApiTests(AutomodeFixture f) : IClassFixture<AutomodeFixture>
{
    private TestClient C => f.Client;

    [Fact]
    public async Task DescribeCluster_returns_auto_mode_blocks_and_the_kubernetes_endpoint()
    {
        var r = await C.Eks("/clusters/automode-eks");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var cl = (await TestClient.Json(r))["cluster"]!;
        Assert.True(cl["computeConfig"].Bool("enabled"));
        Assert.Equal(new[] { "general-purpose", "system" }, cl["computeConfig"].Strings("nodePools"));
        Assert.True(cl["storageConfig"]!["blockStorage"].Bool("enabled"));
        Assert.True(cl["kubernetesNetworkConfig"]!["elasticLoadBalancing"].Bool("enabled"));
        Assert.Equal(C.Kube(), cl.Str("endpoint"));
        var pem = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(cl["certificateAuthority"].Str("data")!));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", pem);
    }

    [Fact]
    public async Task Unknown_cluster_is_ResourceNotFoundException_in_the_header()
    {
        var r = await C.Eks("/clusters/nope");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("ResourceNotFoundException", r.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("No cluster found for name: nope.", (await TestClient.Json(r)).Str("message"));
    }

    [Fact]
    public async Task Wrong_secret_gets_protocol_specific_errors()
    {
        var bad = TestClient.With(C.Id(), "wrong-secret");
        var eks = await C.Eks("/clusters", bad);
        Assert.Equal(HttpStatusCode.Forbidden, eks.StatusCode);
        Assert.Equal("InvalidSignatureException", eks.Headers.GetValues("x-amzn-ErrorType").Single());

        var sts = await C.Query("sts", "Action=GetCallerIdentity&Version=2011-06-15", bad);
        Assert.Equal(HttpStatusCode.Forbidden, sts.StatusCode);
        var x = XDocument.Parse(await sts.Content.ReadAsStringAsync());
        Assert.Equal("SignatureDoesNotMatch", x.Descendants().First(e => e.Name.LocalName == "Code").Value);

        var ec2 = await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15", bad);
        Assert.Equal(HttpStatusCode.Unauthorized, ec2.StatusCode);
        Assert.Equal("AuthFailure", XDocument.Parse(await ec2.Content.ReadAsStringAsync()).Descendants("Code").Single().Value);
    }

    [Fact]
    public async Task Unknown_key_expired_session_and_stale_date_are_rejected()
    {
        var unknown = new Identity { AccessKeyId = "AKIANOTINSCENARIO000", SecretAccessKey = "x" };
        var r1 = await C.Query("sts", "Action=GetCallerIdentity&Version=2011-06-15", unknown);
        Assert.Contains("<Code>InvalidClientTokenId</Code>", await r1.Content.ReadAsStringAsync());

        var expired = C.Host.World.Identities.Single(i => i.Expired);
        var r2 = await C.Query("sts", "Action=GetCallerIdentity&Version=2011-06-15", expired);
        Assert.Contains("<Code>ExpiredToken</Code>", await r2.Content.ReadAsStringAsync());

        var r3 = await C.Eks("/clusters", when: DateTimeOffset.UtcNow.AddMinutes(-20));
        Assert.Equal(HttpStatusCode.Forbidden, r3.StatusCode);
        Assert.Contains("Signature expired", (await TestClient.Json(r3)).Str("message"));

        var unsigned = await C.Http.GetAsync(C.Aws + "/clusters");
        Assert.Equal("MissingAuthenticationTokenException", unsigned.Headers.GetValues("x-amzn-ErrorType").Single());
    }

    [Fact]
    public async Task Denied_action_is_AccessDenied_naming_the_action()
    {
        var ro = C.Host.World.Identities.Single(i => i.Arn.EndsWith("sandbox-readonly"));
        var r = await C.Query("iam", "Action=GetRole&Version=2010-05-08&RoleName=automode-eks-AmazonEKSAutoNodeRole", ro, "us-east-1");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var body = await r.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body);
        Assert.Contains("iam:GetRole", body);
    }

    [Fact]
    public async Task GetCallerIdentity_names_the_signer()
    {
        var session = C.Host.World.Identities.Single(i => i.SessionToken != null && !i.Expired);
        var r = await C.Query("sts", "Action=GetCallerIdentity&Version=2011-06-15", session);
        var x = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(session.Arn, x.Descendants().Single(e => e.Name.LocalName == "Arn").Value);
        Assert.Equal("111122223333", x.Descendants().Single(e => e.Name.LocalName == "Account").Value);
    }

    [Fact]
    public async Task DescribeInstances_filters_and_pages_auto_mode_instances()
    {
        var r = await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=operator.managed&Filter.1.Value.1=true&Filter.2.Name=instance-lifecycle&Filter.2.Value.1=spot");
        var x = XDocument.Parse(await r.Content.ReadAsStringAsync());
        XNamespace ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
        var ids = x.Descendants(ns + "instanceId").Select(e => e.Value).ToList();
        Assert.Equal(new[] { "i-0e4f5a6b7c8d9a14b", "i-0f5a6b7c8d9e0b25c" }, ids);
        var inst = x.Descendants(ns + "instancesSet").First().Element(ns + "item")!;
        Assert.Equal("eks.amazonaws.com", inst.Element(ns + "operator")!.Element(ns + "principal")!.Value);
        var tags = inst.Element(ns + "tagSet")!.Elements(ns + "item").ToDictionary(t => t.Element(ns + "key")!.Value, t => t.Element(ns + "value")!.Value);
        Assert.Equal("automode-eks", tags["eks:eks-cluster-name"]);
        Assert.Equal("spot-pool", tags["eks:kubernetes-node-pool-name"]);
        Assert.Equal("custom-class", tags["eks:kubernetes-node-class-name"]);

        var p1 = XDocument.Parse(await (await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15&MaxResults=5")).Content.ReadAsStringAsync());
        var token = p1.Descendants(ns + "nextToken").Single().Value;
        var p2 = XDocument.Parse(await (await C.Query("ec2", $"Action=DescribeInstances&Version=2016-11-15&MaxResults=5&NextToken={Uri.EscapeDataString(token)}")).Content.ReadAsStringAsync());
        Assert.Equal(5, p1.Descendants(ns + "instanceId").Count());
        Assert.Equal(3, p2.Descendants(ns + "instanceId").Count());
        Assert.Empty(p2.Descendants(ns + "nextToken"));

        var missing = await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0");
        Assert.Contains("<Code>InvalidInstanceID.NotFound</Code>", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_auto_mode_node_matches_its_instance_and_nodeclaim()
    {
        var nodes = await TestClient.Json(await C.KubeGet("/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fcompute-type%3Dauto"));
        var claims = (await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims")))["items"]!.AsArray();
        var x = XDocument.Parse(await (await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15")).Content.ReadAsStringAsync());
        XNamespace ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
        var instances = x.Descendants(ns + "instancesSet").Elements(ns + "item").ToDictionary(i => i.Element(ns + "instanceId")!.Value);
        Assert.Equal(8, nodes["items"]!.AsArray().Count);
        foreach (var n in nodes["items"]!.AsArray())
        {
            var name = n!["metadata"].Str("name")!;
            var pool = n["metadata"]!["labels"].Str("karpenter.sh/nodepool");
            var inst = instances[name];
            Assert.Equal(pool, inst.Element(ns + "tagSet")!.Elements(ns + "item").Single(t => t.Element(ns + "key")!.Value == "eks:kubernetes-node-pool-name").Element(ns + "value")!.Value);
            Assert.Equal(n["metadata"]!["labels"].Str("karpenter.sh/capacity-type") == "spot", inst.Element(ns + "instanceLifecycle")?.Value == "spot");
            Assert.Equal(n["metadata"]!["labels"].Str("node.kubernetes.io/instance-type"), inst.Element(ns + "instanceType")!.Value);
            Assert.Single(claims, c => c!["status"].Str("nodeName") == name && c["status"].Str("providerID")!.EndsWith("/" + name));
        }
    }

    [Fact]
    public async Task Pricing_GetProducts_returns_the_seed_article_fee_and_pages()
    {
        var body = new JsonObject
        {
            ["ServiceCode"] = "AmazonEKS",
            ["FormatVersion"] = "aws_v1",
            ["Filters"] = new JsonArray(
                new JsonObject { ["Type"] = "TERM_MATCH", ["Field"] = "operation", ["Value"] = "EKSAutoUsage" },
                new JsonObject { ["Type"] = "TERM_MATCH", ["Field"] = "regionCode", ["Value"] = "ap-northeast-1" },
                new JsonObject { ["Type"] = "TERM_MATCH", ["Field"] = "instanceType", ["Value"] = "c6g.large" }),
        };
        var r = await C.Pricing(body);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var list = (await TestClient.Json(r))["PriceList"]!.AsArray();
        var product = JsonNode.Parse(Assert.Single(list)!.GetValue<string>())!;
        var dim = product["terms"]!["OnDemand"]!.AsObject().Single().Value!["priceDimensions"]!.AsObject().Single().Value!;
        Assert.Equal("0.0102700000", dim["pricePerUnit"].Str("USD"));
        Assert.Null(product["_synthetic"]);

        var all = new JsonObject { ["ServiceCode"] = "AmazonEC2", ["MaxResults"] = 7 };
        var p1 = await TestClient.Json(await C.Pricing(all));
        Assert.Equal(7, p1["PriceList"]!.AsArray().Count);
        all["NextToken"] = p1.Str("NextToken");
        var p2 = await TestClient.Json(await C.Pricing(all));
        Assert.NotEqual(p1["PriceList"]![0]!.GetValue<string>(), p2["PriceList"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Iam_returns_url_encoded_policy_documents()
    {
        var r = await C.Query("iam", "Action=GetRole&Version=2010-05-08&RoleName=automode-eks-AmazonEKSAutoClusterRole", region: "us-east-1");
        var x = XDocument.Parse(await r.Content.ReadAsStringAsync());
        var doc = JsonNode.Parse(Uri.UnescapeDataString(x.Descendants().Single(e => e.Name.LocalName == "AssumeRolePolicyDocument").Value))!;
        Assert.Contains("sts:TagSession", doc["Statement"]![0]!["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        var none = await C.Query("iam", "Action=GetRole&Version=2010-05-08&RoleName=missing", region: "us-east-1");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("<Code>NoSuchEntity</Code>", await none.Content.ReadAsStringAsync());
    }
}
