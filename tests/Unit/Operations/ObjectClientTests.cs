using System.Text.Json;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Operations;
using EksAutoMode.Tests.Unit.Aws;
using EksAutoMode.Tests.Unit.Inventory;
using Xunit;

namespace EksAutoMode.Tests.Unit.Operations;

/// <summary>Single-object calls go through the same retry loop as lists (one request counter, one policy).</summary>
public class ObjectClientTests : IClassFixture<GeneratedSandbox>
{
    private readonly GeneratedSandbox _sandbox;

    public ObjectClientTests(GeneratedSandbox sandbox) => _sandbox = sandbox;

    [SandboxFact]
    public async Task Gets_and_patches_are_retried_on_429_and_503_and_counted_with_the_lists()
    {
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home, "AKIASANDBOXADMIN");
        using KubernetesConnection connection = await KubernetesConnection.ForEksClusterAsync(session, "automode-eks");
        var client = new KubernetesObjectClient(connection);
        try
        {
            await _sandbox.Process.SetFaultsAsync("k8s:get:nodepools=throttle#1;k8s:patch:nodepools=503#2");
            JsonElement? pool = await client.GetAsync("/apis/karpenter.sh/v1/nodepools/general-purpose", CancellationToken.None);
            Assert.Equal("general-purpose", pool!.Value.GetProperty("metadata").GetProperty("name").GetString());
            Assert.Equal(2, client.Lists.RequestCount);

            // A dry-run patch: retried twice, then the server's answer; nothing is stored.
            JsonElement patched = await client.JsonPatchAsync("/apis/karpenter.sh/v1/nodepools/general-purpose",
                """[{"op":"add","path":"/metadata/labels","value":{"retried":"yes"}}]""", dryRun: true, CancellationToken.None);
            Assert.Equal("yes", patched.GetProperty("metadata").GetProperty("labels").GetProperty("retried").GetString());
            Assert.Equal(5, client.Lists.RequestCount);
            await _sandbox.Process.SetFaultsAsync("");
            Assert.Null(await client.GetAsync("/apis/karpenter.sh/v1/nodepools/no-such-pool", CancellationToken.None));
            Assert.Equal(6, client.Lists.RequestCount);

            // Four attempts, then one clear error with a stable id.
            await _sandbox.Process.SetFaultsAsync("k8s:get:nodepools=503");
            var ex = await Assert.ThrowsAsync<EngineException>(() => client.GetAsync("/apis/karpenter.sh/v1/nodepools/general-purpose", CancellationToken.None));
            Assert.Equal("KubernetesUnavailable", ex.ErrorId);
            Assert.Contains("4 times", ex.Message, StringComparison.Ordinal);
            Assert.Equal(10, client.Lists.RequestCount);
        }
        finally
        {
            await _sandbox.Process.SetFaultsAsync("");
        }
    }
}
