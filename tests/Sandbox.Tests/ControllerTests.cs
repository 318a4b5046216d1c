using System.Net;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>The controller layer: NodePool status.resources follows the pool's nodes (Karpenter's nodepool.counter).</summary>
public class ControllerTests : IAsyncLifetime
{
    private SandboxHost _host = null!;
    private TestClient C = null!;

    public Task InitializeAsync()
    {
        _host = SandboxHost.Start("automode");
        C = new TestClient(_host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        C.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<JsonNode> Pool(string name) => await C.KubeJson("/apis/karpenter.sh/v1/nodepools/" + name);

    private static decimal Q(JsonNode? n) => Quantity.Parse(n!.ToString()).Value;

    [Fact]
    public async Task Pool_resources_are_the_sum_of_its_nodes_capacity()
    {
        var nodes = (await C.KubeJson("/api/v1/nodes"))["items"]!.AsArray();
        var claims = (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims"))["items"]!.AsArray();
        foreach (var poolName in new[] { "general-purpose", "spot-pool", "system" })
        {
            var mine = nodes.Where(n => n!["metadata"]!["labels"].Str("karpenter.sh/nodepool") == poolName).ToList();
            Assert.NotEmpty(mine);
            var providerIds = mine.Select(n => n!["spec"].Str("providerID")).ToHashSet();
            // NodeClaims of the pool that have no Node yet (never launched) still count as one node each, with no capacity.
            var pending = claims.Count(c => c!["metadata"]!["labels"].Str("karpenter.sh/nodepool") == poolName && !providerIds.Contains(c["status"].Str("providerID")));
            var res = (await Pool(poolName))["status"]!["resources"]!;
            Assert.Equal((mine.Count + pending).ToString(), res.Str("nodes"));
            Assert.Equal(mine.Sum(n => Q(n!["status"]!["capacity"]!["cpu"])), Q(res["cpu"]));
            Assert.Equal(mine.Sum(n => Q(n!["status"]!["capacity"]!["memory"])), Q(res["memory"]));
            Assert.Equal(mine.Sum(n => Q(n!["status"]!["capacity"]!["pods"])), Q(res["pods"]));
            Assert.Equal(mine.Sum(n => Q(n!["status"]!["capacity"]!["ephemeral-storage"])), Q(res["ephemeral-storage"]));
            // Memory is summed in the binary format the nodes report (Karpenter's Quantity.Add keeps the first operand's format).
            Assert.Matches("^[0-9]+(Ki|Mi|Gi)$", res.Str("memory")!);
        }
    }

    [Fact]
    public async Task A_quiet_cluster_changes_no_resourceVersion()
    {
        var first = await C.KubeJson("/apis/karpenter.sh/v1/nodepools");
        _host.World.Clusters[0].Controllers!.ReconcileAll();
        // A write the counter does not care about (a label on a ConfigMap-free object: the NodeClass) leaves pools alone.
        var r = await C.KubeSend(HttpMethod.Patch, "/apis/eks.amazonaws.com/v1/nodeclasses/default", "{\"metadata\":{\"labels\":{\"team\":\"sre\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // A node write that does not change any capacity (a label) triggers the counter, which writes nothing.
        var node = (await C.KubeJson("/api/v1/nodes?labelSelector=karpenter.sh%2Fnodepool%3Dspot-pool&limit=1"))["items"]![0]!["metadata"].Str("name");
        r = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + node, "{\"metadata\":{\"labels\":{\"team\":\"sre\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var second = await C.KubeJson("/apis/karpenter.sh/v1/nodepools");
        Assert.Equal(
            first["items"]!.AsArray().Select(p => p!["metadata"].Str("resourceVersion")),
            second["items"]!.AsArray().Select(p => p!["metadata"].Str("resourceVersion")));
    }

    [Fact]
    public async Task Deleting_a_node_and_its_claim_lowers_the_counters_and_a_capacity_change_is_summed()
    {
        var before = (await Pool("spot-pool"))["status"]!["resources"]!;
        var node = (await C.KubeJson("/api/v1/nodes?labelSelector=karpenter.sh%2Fnodepool%3Dspot-pool"))["items"]![0]!;
        var name = node["metadata"].Str("name");
        var claim = node["metadata"]!["ownerReferences"]![0].Str("name");

        // Capacity change on the node (e.g. a kubelet restart with another max-pods): the pool's pods follow.
        var pods = Q(node["status"]!["capacity"]!["pods"]);
        var r = await C.KubeSend(HttpMethod.Patch, $"/api/v1/nodes/{name}", "{\"status\":{\"capacity\":{\"pods\":\"" + (pods + 5) + "\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var afterPatch = (await Pool("spot-pool"))["status"]!["resources"]!;
        Assert.Equal(Q(before["pods"]) + 5, Q(afterPatch["pods"]));

        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, $"/apis/karpenter.sh/v1/nodeclaims/{claim}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, $"/api/v1/nodes/{name}")).StatusCode);
        var after = (await Pool("spot-pool"))["status"]!["resources"]!;
        Assert.Equal(Q(before["nodes"]) - 1, Q(after["nodes"]));
        Assert.Equal(Q(before["cpu"]) - Q(node["status"]!["capacity"]!["cpu"]), Q(after["cpu"]));
        Assert.Equal(Q(before["memory"]) - Q(node["status"]!["capacity"]!["memory"]), Q(after["memory"]));
    }

    [Fact]
    public async Task A_hand_edited_counter_is_put_back_and_a_claim_being_deleted_counts_nothing()
    {
        var before = (await Pool("general-purpose"))["status"]!["resources"]!.ToJsonString();
        var r = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodepools/general-purpose", "{\"status\":{\"resources\":{\"nodes\":\"999\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(before, (await Pool("general-purpose"))["status"]!["resources"]!.ToJsonString());

        var claim = (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims?labelSelector=karpenter.sh%2Fnodepool%3Dgeneral-purpose&limit=1"))["items"]![0]!;
        var cpu = Q((await C.KubeJson("/api/v1/nodes/" + claim["status"].Str("nodeName")))["status"]!["capacity"]!["cpu"]);
        r = await C.KubeSend(HttpMethod.Patch, "/apis/karpenter.sh/v1/nodeclaims/" + claim["metadata"].Str("name"), "{\"metadata\":{\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var after = (await Pool("general-purpose"))["status"]!["resources"]!;
        var b = JsonNode.Parse(before)!;
        Assert.Equal(Q(b["nodes"]) - 1, Q(after["nodes"]));
        Assert.Equal(Q(b["cpu"]) - cpu, Q(after["cpu"]));
    }

    [Theory]
    [InlineData("3920m", "80m", "4")]
    [InlineData("16073756Ki", "16073756Ki", "32147512Ki")]
    [InlineData("4Gi", "4Gi", "8Gi")]
    [InlineData("1500k", "0", "1500k")]
    [InlineData("0", "512Mi", "512Mi")]
    [InlineData("110", "29", "139")]
    [InlineData("1e3", "1e3", "2e3")]
    public void Quantities_add_and_print_like_apimachinery(string a, string b, string sum) =>
        Assert.Equal(sum, Quantity.Parse(a).Add(Quantity.Parse(b)).ToString());
}
