using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

public class KubeApiTests(AutomodeFixture f) : IClassFixture<AutomodeFixture>
{
    private TestClient C => f.Client;

    private static async Task AssertUnauthorized(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        var s = await TestClient.Json(r);
        Assert.Equal("Status", s.Str("kind"));
        Assert.Equal("Unauthorized", s.Str("reason"));
        Assert.Equal(401, s.Long("code"));
    }

    [Fact]
    public async Task Valid_eks_token_is_accepted_and_static_token_too()
    {
        var token = TestClient.EksToken(C.Id(), "automode-eks", DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/api/v1/nodes", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/api/v1/nodes")).StatusCode);
        var session = C.Host.World.Identities.Single(i => i.SessionToken != null && !i.Expired);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/version", TestClient.EksToken(session, "automode-eks", DateTimeOffset.UtcNow))).StatusCode);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", TestClient.EksToken(C.Id(), "automode-eks", DateTimeOffset.UtcNow.AddMinutes(-16))));
        // 14 minutes old is still inside the 15-minute window even though X-Amz-Expires says 60 s (as aws-iam-authenticator treats it).
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/api/v1/nodes", TestClient.EksToken(C.Id(), "automode-eks", DateTimeOffset.UtcNow.AddMinutes(-14)))).StatusCode);
    }

    [Fact]
    public async Task Token_for_another_cluster_or_bad_signature_or_expired_credentials_is_401()
    {
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", TestClient.EksToken(C.Id(), "other-cluster", DateTimeOffset.UtcNow)));
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", TestClient.EksToken(TestClient.With(C.Id(), "bad-secret"), "automode-eks", DateTimeOffset.UtcNow)));
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", TestClient.EksToken(C.Id(), "automode-eks", DateTimeOffset.UtcNow, host: "evil.example.com")));
        var expired = C.Host.World.Identities.Single(i => i.Expired);
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", TestClient.EksToken(expired, "automode-eks", DateTimeOffset.UtcNow)));
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", "k8s-aws-v1.bm90LWEtdXJs"));
        await AssertUnauthorized(await C.KubeGet("/api/v1/nodes", "wrong-static-token"));
        var none = new HttpRequestMessage(HttpMethod.Get, C.Kube() + "/api/v1/nodes");
        await AssertUnauthorized(await C.Http.SendAsync(none));
    }

    [Fact]
    public async Task Forbidden_identity_gets_403_with_rbac_message()
    {
        var ro = C.Host.World.Identities.Single(i => i.Arn.EndsWith("sandbox-readonly"));
        var r = await C.KubeGet("/api/v1/namespaces/kube-system/secrets", TestClient.EksToken(ro, "automode-eks", DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains("cannot list resource \"secrets\" in API group \"\" in the namespace \"kube-system\"", (await TestClient.Json(r)).Str("message"));
    }

    [Fact]
    public async Task Discovery_lists_auto_mode_groups_only_where_installed()
    {
        var groups = (await TestClient.Json(await C.KubeGet("/apis")))["groups"]!.AsArray().Select(g => g.Str("name")).ToList();
        Assert.Contains("karpenter.sh", groups);
        Assert.Contains("eks.amazonaws.com", groups);
        Assert.DoesNotContain("karpenter.k8s.aws", groups);
        var res = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1"));
        Assert.Contains(res["resources"]!.AsArray(), x => x.Str("name") == "nodepools" && x.Bool("namespaced") == false);
        var nf = await C.KubeGet("/apis/karpenter.k8s.aws/v1/ec2nodeclasses");
        Assert.Equal(HttpStatusCode.NotFound, nf.StatusCode);
    }

    [Fact]
    public async Task Built_in_pools_match_the_seed_article_dump()
    {
        var sys = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodepools/system"));
        Assert.Equal("4982684901400657622", sys["metadata"]!["annotations"].Str("karpenter.sh/nodepool-hash"));
        Assert.Equal("CriticalAddonsOnly", sys["spec"]!["template"]!["spec"]!["taints"]![0].Str("key"));
        var arch = sys["spec"]!["template"]!["spec"]!["requirements"]!.AsArray().Single(r => r.Str("key") == "kubernetes.io/arch");
        Assert.Equal(new[] { "amd64", "arm64" }, arch.Strings("values"));
        var nc = await TestClient.Json(await C.KubeGet("/apis/eks.amazonaws.com/v1/nodeclasses/default"));
        Assert.Equal("automode-eks-AmazonEKSAutoNodeRole", nc["spec"].Str("role"));
        Assert.Equal("80Gi", nc["spec"]!["ephemeralStorage"].Str("size"));
    }

    [Fact]
    public async Task Failing_nodeclaim_carries_the_unauthorized_condition()
    {
        var nc = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims/spot-pool-x7kqf"));
        var launched = nc["status"]!["conditions"]!.AsArray().Single(c => c.Str("type") == "Launched");
        Assert.Equal("Unknown", launched.Str("status"));
        Assert.Equal("Unauthorized", launched.Str("reason"));
        Assert.Equal("Error getting launch template configs: User is not authorized to perform this operation because no identity-based policy allows it", launched.Str("message"));
    }

    [Fact]
    public async Task Label_and_field_selectors_filter()
    {
        var spot = await TestClient.Json(await C.KubeGet("/api/v1/nodes?labelSelector=" + Uri.EscapeDataString("karpenter.sh/capacity-type=spot")));
        Assert.Equal(2, spot["items"]!.AsArray().Count);
        var set = await TestClient.Json(await C.KubeGet("/api/v1/nodes?labelSelector=" + Uri.EscapeDataString("karpenter.sh/nodepool in (system,spot-pool),karpenter.sh/capacity-type!=spot")));
        Assert.Equal(3, set["items"]!.AsArray().Count);
        var pods = await TestClient.Json(await C.KubeGet("/api/v1/pods?fieldSelector=spec.nodeName%3Di-0ea0ba0f8ef9ad609"));
        Assert.All(pods["items"]!.AsArray(), p => Assert.Equal("i-0ea0ba0f8ef9ad609", p!["spec"].Str("nodeName")));
        Assert.NotEmpty(pods["items"]!.AsArray());
        var bad = await C.KubeGet("/api/v1/nodes?labelSelector=" + Uri.EscapeDataString("a in b"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badField = await C.KubeGet("/api/v1/nodes?fieldSelector=spec.nodeName%3Dx");
        Assert.Equal(HttpStatusCode.BadRequest, badField.StatusCode);
    }

    [Fact]
    public async Task Missing_object_is_404_status()
    {
        var r = await C.KubeGet("/apis/karpenter.sh/v1/nodepools/nope");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var s = await TestClient.Json(r);
        Assert.Equal("nodepools.karpenter.sh \"nope\" not found", s.Str("message"));
        Assert.Equal("NotFound", s.Str("reason"));
    }

    private Task<HttpResponseMessage> Send(HttpMethod m, string path, string? body = null, string? contentType = null) => C.KubeSend(m, path, body, contentType);

    [Fact]
    public async Task Merge_patch_updates_nodepool_and_bumps_generation_and_resourceVersion()
    {
        var before = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodepools/spot-pool"));
        var r = await Send(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool", "{\"spec\":{\"limits\":{\"cpu\":\"128\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var after = await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodepools/spot-pool"));
        Assert.Equal("128", after["spec"]!["limits"].Str("cpu"));
        Assert.Equal("256Gi", after["spec"]!["limits"].Str("memory"));
        Assert.Equal(before["metadata"].Long("generation") + 1, after["metadata"].Long("generation"));
        Assert.NotEqual(before["metadata"].Str("resourceVersion"), after["metadata"].Str("resourceVersion"));

        var dry = await Send(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool?dryRun=All", "{\"spec\":{\"limits\":{\"cpu\":\"1\"}}}", "application/merge-patch+json");
        Assert.Equal("1", (await TestClient.Json(dry))["spec"]!["limits"].Str("cpu"));
        Assert.Equal("128", (await TestClient.Json(await C.KubeGet("/apis/karpenter.sh/v1/nodepools/spot-pool")))["spec"]!["limits"].Str("cpu"));

        var smp = await Send(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool", "{}", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, smp.StatusCode);
        var conflict = await Send(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool", "{\"metadata\":{\"resourceVersion\":\"1\"}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_a_nodeclaim()
    {
        var r = await Send(HttpMethod.Delete, "/apis/karpenter.sh/v1/nodeclaims/spot-pool-zz9kc");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("Success", (await TestClient.Json(r)).Str("status"));
        Assert.Equal(HttpStatusCode.NotFound, (await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims/spot-pool-zz9kc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Delete, "/apis/karpenter.sh/v1/nodeclaims/spot-pool-zz9kc")).StatusCode);
    }

    [Fact]
    public async Task Helm_release_secret_decodes_like_helm_stores_it()
    {
        var list = await TestClient.Json(await C.KubeGet("/api/v1/namespaces/kube-system/secrets?labelSelector=owner%3Dhelm"));
        var s = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal("helm.sh/release.v1", s.Str("type"));
        var helm = Encoding.ASCII.GetString(Convert.FromBase64String(s["data"].Str("release")!));
        using var gz = new System.IO.Compression.GZipStream(new MemoryStream(Convert.FromBase64String(helm)), System.IO.Compression.CompressionMode.Decompress);
        var rel = JsonNode.Parse(new StreamReader(gz).ReadToEnd())!;
        Assert.Equal("external-dns", rel["chart"]!["metadata"].Str("name"));
        Assert.Equal("1.15.0", rel["chart"]!["metadata"].Str("version"));
    }

    [Fact]
    public async Task Table_output_is_served_for_kubectl()
    {
        var t = await TestClient.Json(await C.KubeGet("/api/v1/nodes?limit=2", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
        Assert.Equal("Table", t.Str("kind"));
        Assert.Equal(2, t["rows"]!.AsArray().Count);
        Assert.NotNull(t["metadata"].Str("continue"));
        Assert.Equal("Status", t["columnDefinitions"]![1].Str("name"));
    }
}
