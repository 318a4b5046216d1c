using System.Security.Cryptography.X509Certificates;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using k8s;
using k8s.Models;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>The .NET clients the engine builds on (KubernetesClient, AWSSDK) against the sandbox.</summary>
public class DotNetClientTests(AutomodeFixture f) : IClassFixture<AutomodeFixture>
{
    private TestClient C => f.Client;

    [Fact]
    public async Task KubernetesClient_lists_nodes_in_pages_and_reads_nodepools()
    {
        using var k = new Kubernetes(new KubernetesClientConfiguration { Host = C.Kube(), AccessToken = f.Host.World.StaticToken });
        var names = new List<string>();
        string? cont = null;
        do
        {
            var page = await k.CoreV1.ListNodeAsync(limit: 3, continueParameter: cont);
            names.AddRange(page.Items.Select(n => n.Metadata.Name));
            cont = page.Metadata.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(cont));
        Assert.Equal(8, names.Count);
        Assert.Contains("i-0ea0ba0f8ef9ad609", names);

        var pools = await k.CustomObjects.ListClusterCustomObjectAsync<System.Text.Json.JsonElement>("karpenter.sh", "v1", "nodepools");
        var poolNames = pools.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()).ToList();
        Assert.Equal(new[] { "general-purpose", "spot-pool", "system" }, poolNames);

        var ex = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => k.CoreV1.ReadNodeAsync("i-0000000000000000"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, ex.Response.StatusCode);
    }

    [Fact]
    public async Task KubernetesClient_merge_patches_a_nodeclaim_over_tls_with_the_sandbox_ca()
    {
        await using var host = SandboxHost.Start("automode", tls: true);
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(host.CaPath!));
        var cfg = new KubernetesClientConfiguration
        {
            Host = host.World.Clusters[0].KubernetesUrl,
            AccessToken = TestClient.EksToken(host.World.Identities[0], "automode-eks", DateTimeOffset.UtcNow),
            SslCaCerts = new X509Certificate2Collection(ca),
        };
        using var k = new Kubernetes(cfg);
        var patch = new V1Patch("{\"metadata\":{\"labels\":{\"team\":\"sre\"}}}", V1Patch.PatchType.MergePatch);
        await k.CustomObjects.PatchClusterCustomObjectAsync(patch, "karpenter.sh", "v1", "nodeclaims", "system-4zkbh");
        var claim = await k.CustomObjects.GetClusterCustomObjectAsync<System.Text.Json.JsonElement>("karpenter.sh", "v1", "nodeclaims", "system-4zkbh");
        Assert.Equal("sre", claim.GetProperty("metadata").GetProperty("labels").GetProperty("team").GetString());
    }

    [Fact]
    public async Task AWSSDK_EC2_and_STS_sign_requests_the_sandbox_accepts()
    {
        var id = f.Host.World.Identities[0];
        var creds = new BasicAWSCredentials(id.AccessKeyId, id.SecretAccessKey);
        using var ec2 = new AmazonEC2Client(creds, new AmazonEC2Config { ServiceURL = C.Aws, AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 });
        var resp = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters = [new Filter("tag:eks:kubernetes-node-pool-name", ["system"])],
        });
        var instances = resp.Reservations.SelectMany(r => r.Instances).ToList();
        Assert.Equal(2, instances.Count);
        Assert.All(instances, i => Assert.True(i.Operator?.Managed));

        using var sts = new AmazonSecurityTokenServiceClient(creds, new AmazonSecurityTokenServiceConfig { ServiceURL = C.Aws, AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 });
        var who = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(id.Arn, who.Arn);

        using var bad = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(id.AccessKeyId, "wrong"), new AmazonSecurityTokenServiceConfig { ServiceURL = C.Aws, AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 });
        var err = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => bad.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("SignatureDoesNotMatch", err.ErrorCode);
    }
}
