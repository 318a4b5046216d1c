using System.Net;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>POST, pods/eviction with PDBs, watch streams, dryRun in DeleteOptions, NodeClaim termination and replacement.</summary>
public class OperationsApiTests : IAsyncLifetime
{
    private SandboxHost _host = null!;
    private TestClient C = null!;

    public Task InitializeAsync()
    {
        _host = SandboxHost.Start("automode");
        _host.World.Steps = EksAutoMode.Sandbox.Controllers.StepTimes.Parse("drain=200ms,terminate=200ms,launch=200ms,ready=200ms,podStart=100ms");
        C = new TestClient(_host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        C.Dispose();
        await _host.DisposeAsync();
    }

    private const string Web = "/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dweb";

    [Fact]
    public async Task Eviction_honours_the_pdb_with_the_api_servers_429()
    {
        var pods = (await C.KubeJson(Web))["items"]!.AsArray().Select(p => p!["metadata"].Str("name")!).ToList();
        Assert.Equal(4, pods.Count);
        // minAvailable 2 of 4: two evictions pass, the third is refused while the replacements are not Ready yet.
        _host.World.Steps = _host.World.Steps with { PodStart = TimeSpan.FromMinutes(5) };
        for (var i = 0; i < 2; i++)
        {
            var ok = await C.KubeSend(HttpMethod.Post, $"/api/v1/namespaces/shop/pods/{pods[i]}/eviction", $"{{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{{\"name\":\"{pods[i]}\",\"namespace\":\"shop\"}}}}", "application/json");
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }
        var refused = await C.KubeSend(HttpMethod.Post, $"/api/v1/namespaces/shop/pods/{pods[2]}/eviction", "{}", "application/json");
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        var status = await TestClient.Json(refused);
        Assert.Equal("Cannot evict pod as it would violate the pod's disruption budget.", status.Str("message"));
        Assert.Equal("The disruption budget web needs 2 healthy pods and has 2 currently", status["details"]!["causes"]![0].Str("message"));
        // The ReplicaSet made two new (Pending) pods.
        var now = (await C.KubeJson(Web))["items"]!.AsArray();
        Assert.Equal(4, now.Count);
        Assert.Equal(2, now.Count(p => p!["status"].Str("phase") == "Running"));
        var pdb = await C.KubeJson("/apis/policy/v1/namespaces/shop/poddisruptionbudgets/web");
        Assert.Equal(0, pdb["status"]!["disruptionsAllowed"]!.GetValue<int>());
    }

    [Fact]
    public async Task Create_dryRun_delete_and_watch_events()
    {
        var list = await C.KubeJson("/api/v1/namespaces/shop/configmaps");
        var rv = list["metadata"].Str("resourceVersion");
        var created = await C.KubeSend(HttpMethod.Post, "/api/v1/namespaces/shop/configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"made\"},\"data\":{\"a\":\"b\"}}", "application/json");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var again = await C.KubeSend(HttpMethod.Post, "/api/v1/namespaces/shop/configmaps", "{\"metadata\":{\"name\":\"made\"}}", "application/json");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("AlreadyExists", (await TestClient.Json(again)).Str("reason"));
        // kubectl delete --dry-run=server sends dryRun in the DeleteOptions body.
        var dry = await C.KubeSend(HttpMethod.Delete, "/api/v1/namespaces/shop/configmaps/made", "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}", "application/json");
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/api/v1/namespaces/shop/configmaps/made")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, "/api/v1/namespaces/shop/configmaps/made")).StatusCode);

        var watch = await C.KubeGet($"/api/v1/namespaces/shop/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=1");
        var lines = (await watch.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["ADDED", "DELETED"], lines.Select(l => l.Str("type")!).ToArray());
        Assert.All(lines, l => Assert.Equal("made", l["object"]!["metadata"].Str("name")));
        Assert.Equal("ConfigMap", lines[0]["object"].Str("kind"));

        var old = await C.KubeGet("/api/v1/namespaces/shop/configmaps?watch=true&resourceVersion=5&timeoutSeconds=1");
        var err = JsonNode.Parse((await old.Content.ReadAsStringAsync()).Split('\n')[0])!;
        Assert.Equal("ERROR", err.Str("type"));
        Assert.Equal(410, err["object"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Deleting_a_nodeclaim_drains_terminates_and_replaces_within_limits()
    {
        var r = await C.KubeSend(HttpMethod.Delete, "/apis/karpenter.sh/v1/nodeclaims/general-purpose-7mt8c");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var claim = await TestClient.Json(r);
        Assert.NotNull(claim["metadata"].Str("deletionTimestamp"));
        var node = await C.KubeJson("/api/v1/nodes/i-0b1c2d3e4f5a60718");
        Assert.NotNull(node["metadata"].Str("deletionTimestamp"));
        Assert.Contains(node["spec"]!["taints"]!.AsArray(), t => t.Str("key") == "karpenter.sh/disrupted" && t.Str("effect") == "NoSchedule");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (await C.KubeGet("/api/v1/nodes/i-0b1c2d3e4f5a60718")).StatusCode != HttpStatusCode.NotFound) await Task.Delay(100);
        Assert.Equal(HttpStatusCode.NotFound, (await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims/general-purpose-7mt8c")).StatusCode);
        JsonObject inst;
        lock (_host.World.Instances) inst = _host.World.Instances.First(i => i.Str("instanceId") == "i-0b1c2d3e4f5a60718");
        Assert.Equal("terminated", inst["instanceState"].Str("name"));
        // One replacement of the same pool and type, Ready; all web pods Running again.
        while (DateTime.UtcNow < deadline && (await C.KubeJson(Web))["items"]!.AsArray().Count(p => p!["status"].Str("phase") == "Running") < 4) await Task.Delay(100);
        var claims = (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims?labelSelector=karpenter.sh%2Fnodepool%3Dgeneral-purpose"))["items"]!.AsArray();
        Assert.Equal(3, claims.Count);
        var fresh = claims.Single(c => c!["metadata"].Str("name") is not ("general-purpose-bw5rd" or "general-purpose-k2lpv"))!;
        Assert.Equal("m5.large", fresh["metadata"]!["labels"].Str("node.kubernetes.io/instance-type"));
        Assert.Equal(4, (await C.KubeJson(Web))["items"]!.AsArray().Count(p => p!["status"].Str("phase") == "Running"));
    }

    [Fact]
    public async Task A_pool_at_its_limits_launches_nothing()
    {
        var p = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool", "{\"spec\":{\"limits\":{\"cpu\":\"0\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, p.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, "/apis/karpenter.sh/v1/nodeclaims/spot-pool-h8d4n")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (await C.KubeGet("/apis/karpenter.sh/v1/nodeclaims/spot-pool-h8d4n")).StatusCode != HttpStatusCode.NotFound) await Task.Delay(100);
        await Task.Delay(600);
        var claims = (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims?labelSelector=karpenter.sh%2Fnodepool%3Dspot-pool"))["items"]!.AsArray();
        Assert.Equal(["spot-pool-r6tq2", "spot-pool-x7kqf", "spot-pool-zz9kc"], claims.Select(c => c!["metadata"].Str("name")!).Order(StringComparer.Ordinal).ToArray());
    }

    private const string StaticPool = """
        {"apiVersion":"karpenter.sh/v1","kind":"NodePool","metadata":{"name":"fixed"},"spec":{"replicas":2,"limits":{"nodes":"3"},
         "template":{"spec":{"nodeClassRef":{"group":"eks.amazonaws.com","kind":"NodeClass","name":"default"},"expireAfter":"336h",
         "requirements":[{"key":"eks.amazonaws.com/instance-category","operator":"In","values":["m"]}]}}}}
        """;

    private async Task<List<JsonNode>> FixedClaims() =>
        (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims?labelSelector=karpenter.sh%2Fnodepool%3Dfixed"))["items"]!.AsArray().Select(c => c!).ToList();

    private async Task<bool> Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !await condition()) await Task.Delay(100);
        return await condition();
    }

    [Fact]
    public async Task A_static_pool_keeps_its_replicas_scales_to_zero_and_its_nodes_take_pods_once_Ready()
    {
        Assert.Equal(HttpStatusCode.Created, (await C.KubeSend(HttpMethod.Post, "/apis/karpenter.sh/v1/nodepools", StaticPool, "application/json")).StatusCode);
        static bool Ready(JsonNode c) => c["status"]?["conditions"]?.AsArray().Any(x => x.Str("type") == "Ready" && x.Str("status") == "True") == true;
        Assert.True(await Until(async () => (await FixedClaims()).Count(Ready) == 2));
        // The node lifecycle lifts node.kubernetes.io/not-ready once the node is Ready, so pods can land there.
        var nodeName = (await FixedClaims())[0]["status"].Str("nodeName")!;
        var node = await C.KubeJson($"/api/v1/nodes/{nodeName}");
        Assert.DoesNotContain(node["spec"]?["taints"]?.AsArray() ?? new JsonArray(), t => t.Str("key") == "node.kubernetes.io/not-ready");

        // A deleted claim is replaced at once (no pending pods needed); the count holds at 2 not being deleted.
        var first = (await FixedClaims())[0]["metadata"].Str("name")!;
        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, $"/apis/karpenter.sh/v1/nodeclaims/{first}")).StatusCode);
        Assert.Equal(2, (await FixedClaims()).Count(c => c["metadata"].Str("deletionTimestamp") == null));
        Assert.True(await Until(async () => (await FixedClaims()).Count == 2 && (await FixedClaims()).All(Ready)));
        Assert.DoesNotContain(await FixedClaims(), c => c["metadata"].Str("name") == first);

        // replicas 0: every claim is deleted and nothing is launched in its place.
        var p = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/fixed", "{\"spec\":{\"replicas\":0}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, p.StatusCode);
        Assert.True(await Until(async () => (await FixedClaims()).Count == 0));
        await Task.Delay(500);
        Assert.Empty(await FixedClaims());
    }

    [Theory]
    [InlineData("{\"spec\":{\"limits\":{\"cpu\":\"0\",\"memory\":\"0\"}}}", "only 'limits.nodes' is supported on static NodePools")]
    [InlineData("{\"spec\":{\"weight\":10}}", "'weight' is not supported on static NodePools")]
    [InlineData("{\"spec\":{\"replicas\":null}}", "Cannot transition NodePool between static (replicas set) and dynamic (replicas unset) provisioning modes")]
    [InlineData("{\"spec\":{\"replicas\":-1}}", "should be greater than or equal to 0")]
    public async Task NodePool_writes_are_admitted_as_the_CRD_rules_say(string patch, string message)
    {
        Assert.Equal(HttpStatusCode.Created, (await C.KubeSend(HttpMethod.Post, "/apis/karpenter.sh/v1/nodepools", StaticPool, "application/json")).StatusCode);
        var before = (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/fixed"))["spec"]!.ToJsonString();
        var r = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/fixed", patch, "application/merge-patch+json");
        Assert.Equal((HttpStatusCode)422, r.StatusCode);
        var status = await TestClient.Json(r);
        Assert.Equal("Invalid", status.Str("reason"));
        Assert.Contains(message, status.Str("message"), StringComparison.Ordinal);
        Assert.Equal(before, (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/fixed"))["spec"]!.ToJsonString()); // nothing written
        // A dynamic pool cannot become static either.
        var dynamic = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/spot-pool", "{\"spec\":{\"replicas\":1}}", "application/merge-patch+json");
        Assert.Equal((HttpStatusCode)422, dynamic.StatusCode);
    }
}
