using System.Net;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

public sealed class DiagnosisFixture : IAsyncLifetime
{
    internal SandboxHost Host = null!;
    internal TestClient Client = null!;

    public Task InitializeAsync()
    {
        Host = SandboxHost.Start("diagnosis");
        Client = new TestClient(Host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The diagnosis scenario says each case the way Karpenter / Auto Mode write it (the names the inventory tests use).</summary>
public class DiagnosisScenarioTests(DiagnosisFixture f) : IClassFixture<DiagnosisFixture>
{
    private TestClient C => f.Client;

    private async Task<JsonNode> Claim(string name) => await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims/" + name);
    private static JsonNode Cond(JsonNode o, string type) => o["status"]!["conditions"]!.AsArray().Single(c => c.Str("type") == type)!;

    [Theory]
    [InlineData("tagged-pool-x7kqf", "Unauthorized", "Error getting launch template configs: User is not authorized to perform this operation because no identity-based policy allows it")]
    [InlineData("badprofile-pool-k4r8d", "InstanceProfileNameInvalid", "Instance profile name used from EC2NodeClass status does not exist")]
    [InlineData("norole-pool-p9w2c", "Unauthorized", "Error creating fleet request: User is not authorized to perform this operation because no identity-based policy allows it")]
    public async Task Launch_failures_keep_Launched_Unknown_with_the_providers_reason(string name, string reason, string message)
    {
        var c = await Claim(name);
        var launched = Cond(c, "Launched");
        Assert.Equal(("Unknown", reason, message), (launched.Str("status"), launched.Str("reason"), launched.Str("message")));
        Assert.Equal(("Unknown", "NodeNotFound"), (Cond(c, "Registered").Str("status"), Cond(c, "Registered").Str("reason")));
        Assert.Equal("Initialized=Unknown, Launched=Unknown, Registered=Unknown", Cond(c, "Ready").Str("message"));
        Assert.Null(c["status"].Str("providerID"));
        Assert.Equal(["Initialized", "Launched", "Registered", "Ready"], c["status"]!["conditions"]!.AsArray().Select(x => x.Str("type")));
    }

    [Fact]
    public async Task Instance_profile_and_role_of_the_broken_NodeClasses_are_missing_from_IAM()
    {
        var bad = await C.KubeJson("/apis/eks.amazonaws.com/v1/nodeclasses/badprofile-class");
        Assert.Equal("deleted-profile", bad["status"].Str("instanceProfile"));
        var r = await C.Query("iam", "Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=deleted-profile", region: "us-east-1");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var role = await C.Query("iam", "Action=GetRole&Version=2010-05-08&RoleName=missing-node-role", region: "us-east-1");
        Assert.Equal(HttpStatusCode.NotFound, role.StatusCode);
        var tagged = await C.KubeJson("/apis/eks.amazonaws.com/v1/nodeclasses/tagged-class");
        Assert.Equal("platform", tagged["spec"]!["tags"].Str("team"));
        var pool = await C.KubeJson("/apis/karpenter.sh/v1/nodepools/tagged-pool");
        Assert.Equal(("False", "Unauthorized"), (Cond(pool, "NodeRegistrationHealthy").Str("status"), Cond(pool, "NodeRegistrationHealthy").Str("reason")));
    }

    [Fact]
    public async Task Insufficient_capacity_claim_is_being_deleted_with_the_event()
    {
        var c = await Claim("spot-arm-pool-m7kq2");
        Assert.NotNull(c["metadata"].Str("deletionTimestamp"));
        Assert.Equal("karpenter.sh/termination", c["metadata"]!["finalizers"]![0]!.ToString());
        Assert.Equal("spot", c["metadata"]!["labels"].Str("karpenter.sh/capacity-type"));
        Assert.Equal("arm64", c["metadata"]!["labels"].Str("kubernetes.io/arch"));
        Assert.Equal("Unknown", Cond(c, "Launched").Str("status"));
        var events = (await C.KubeJson("/api/v1/events?fieldSelector=involvedObject.name%3Dspot-arm-pool-m7kq2"))["items"]!.AsArray();
        var e = Assert.Single(events)!;
        Assert.Equal("InsufficientCapacityError", e.Str("reason"));
        Assert.Contains("insufficient capacity", e.Str("message"));
        Assert.Equal("NodeClaim", e["involvedObject"].Str("kind"));
    }

    [Fact]
    public async Task Registration_that_never_completes_has_an_instance_but_no_node()
    {
        var c = await Claim("stuck-pool-r2d9v");
        Assert.Equal("True", Cond(c, "Launched").Str("status"));
        Assert.Equal(("Unknown", "NodeNotFound"), (Cond(c, "Registered").Str("status"), Cond(c, "Registered").Str("reason")));
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(Cond(c, "Registered").Str("lastTransitionTime")!) > TimeSpan.FromMinutes(15));
        Assert.Equal("aws:///us-west-2c/i-0d3000000000c0001", c["status"].Str("providerID"));
        Assert.Equal(HttpStatusCode.NotFound, (await C.KubeGet("/api/v1/nodes/i-0d3000000000c0001")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0d3000000000c0001")).StatusCode);
        var pool = await C.KubeJson("/apis/karpenter.sh/v1/nodepools/stuck-pool");
        Assert.Equal("RegistrationFailed", Cond(pool, "NodeRegistrationHealthy").Str("reason"));
        Assert.Equal("1", pool["status"]!["resources"].Str("nodes")); // the claim in flight counts as a node
    }

    [Fact]
    public async Task NodeClass_not_Ready_and_its_pool()
    {
        var nc = await C.KubeJson("/apis/eks.amazonaws.com/v1/nodeclasses/nosubnet-class");
        Assert.Equal(("False", "SubnetsNotFound"), (Cond(nc, "SubnetsReady").Str("status"), Cond(nc, "SubnetsReady").Str("reason")));
        Assert.Equal("False", Cond(nc, "Ready").Str("status"));
        Assert.Empty(nc["status"]!["subnets"]!.AsArray());
        var pool = await C.KubeJson("/apis/karpenter.sh/v1/nodepools/nosubnet-pool");
        Assert.Equal("False", Cond(pool, "NodeClassReady").Str("status"));
        Assert.Equal("False", Cond(pool, "Ready").Str("status"));
    }

    [Fact]
    public async Task Pool_at_its_limits_with_pending_pods()
    {
        var pool = await C.KubeJson("/apis/karpenter.sh/v1/nodepools/capped-pool");
        Assert.Equal(pool["spec"]!["limits"].Str("cpu"), pool["status"]!["resources"].Str("cpu"));
        Assert.Equal("2", pool["status"]!["resources"].Str("nodes"));
        var pending = (await C.KubeJson("/api/v1/namespaces/batch/pods?fieldSelector=status.phase%3DPending"))["items"]!.AsArray();
        Assert.Equal(3, pending.Count);
        Assert.All(pending, p => Assert.Null(p!["spec"].Str("nodeName")));
        var events = (await C.KubeJson("/api/v1/namespaces/batch/events"))["items"]!.AsArray().Where(e => e!["reason"]!.ToString() == "FailedScheduling").ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Contains("exceed limits for nodepool", e!.Str("message")));
    }

    [Fact]
    public async Task Drift_and_expiry()
    {
        Assert.Equal(("True", "NodeClassDrift"), (Cond(await Claim("general-purpose-drft1"), "Drifted").Str("status"), Cond(await Claim("general-purpose-drft1"), "Drifted").Str("reason")));
        var replacing = await Claim("general-purpose-drft2");
        Assert.NotNull(replacing["metadata"].Str("deletionTimestamp"));
        Assert.Equal("Drifted", Cond(replacing, "DisruptionReason").Str("reason"));
        var node = await C.KubeJson("/api/v1/nodes/" + replacing["status"].Str("nodeName"));
        Assert.Equal(true, node["spec"].Bool("unschedulable"));
        Assert.Contains(node["spec"]!["taints"]!.AsArray(), t => t.Str("key") == "karpenter.sh/disrupted");
        var expired = await Claim("general-purpose-exp01");
        Assert.Equal("336h", expired["spec"].Str("expireAfter"));
        var age = DateTimeOffset.UtcNow - DateTimeOffset.Parse(expired["metadata"].Str("creationTimestamp")!);
        Assert.True(age > TimeSpan.FromHours(336));
        Assert.NotNull(expired["metadata"].Str("deletionTimestamp"));
        var gp = await C.KubeJson("/apis/karpenter.sh/v1/nodepools/general-purpose");
        Assert.Equal("2", gp["status"]!["resources"].Str("nodes")); // ok001 and drft1: claims being deleted count nothing
    }
}

/// <summary>The pool counter over a generated fleet: writes to generated nodes/claims are accounted for exactly.</summary>
public class GeneratedCounterTests : IAsyncLifetime
{
    private SandboxHost _host = null!;
    private TestClient C = null!;

    public Task InitializeAsync()
    {
        _host = SandboxHost.Start("automode", generateNodes: 300, podsPerNode: 3);
        C = new TestClient(_host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        C.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Deleting_a_generated_pair_and_patching_a_generated_node_move_the_counters()
    {
        var before = (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/general-purpose"))["status"]!["resources"]!;
        Assert.Equal("303", before.Str("nodes")); // 3 scenario nodes + 300 generated
        var node = await C.KubeJson("/api/v1/nodes/" + Generator.InstanceId(42));
        var claim = node["metadata"]!["ownerReferences"]![0].Str("name");
        var cpu = Quantity.Parse(node["status"]!["capacity"].Str("cpu")!).Value;
        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, "/apis/karpenter.sh/v1/nodeclaims/" + claim)).StatusCode);
        var mid = (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/general-purpose"))["status"]!["resources"]!;
        Assert.Equal("303", mid.Str("nodes")); // the node alone still counts (initialized label), as in Karpenter's state
        Assert.Equal(HttpStatusCode.OK, (await C.KubeSend(HttpMethod.Delete, "/api/v1/nodes/" + Generator.InstanceId(42))).StatusCode);
        var after = (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/general-purpose"))["status"]!["resources"]!;
        Assert.Equal("302", after.Str("nodes"));
        Assert.Equal(Quantity.Parse(before.Str("cpu")!).Value - cpu, Quantity.Parse(after.Str("cpu")!).Value);
        var r = await C.KubeSend(HttpMethod.Patch, "/api/v1/nodes/" + Generator.InstanceId(7), "{\"status\":{\"capacity\":{\"pods\":\"1\"}}}", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var pods = (await C.KubeJson("/api/v1/nodes/" + Generator.InstanceId(8)))["status"]!["capacity"].Str("pods");
        var patched = (await C.KubeJson("/apis/karpenter.sh/v1/nodepools/general-purpose"))["status"]!["resources"]!;
        var oldPods = (await C.KubeJson("/apis/karpenter.sh/v1/nodeclaims/" + (await C.KubeJson("/api/v1/nodes/" + Generator.InstanceId(7)))["metadata"]!["ownerReferences"]![0].Str("name")))["status"]!["capacity"].Str("pods");
        Assert.Equal(Quantity.Parse(after.Str("pods")!).Value - Quantity.Parse(oldPods!).Value + 1, Quantity.Parse(patched.Str("pods")!).Value);
        Assert.NotNull(pods);
        // three pods per generated node, as asked
        Assert.Equal(3, (await C.KubeJson("/api/v1/pods?fieldSelector=spec.nodeName%3D" + Generator.InstanceId(8)))["items"]!.AsArray().Count);
    }
}
