using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

public class FaultTests(AutomodeFixture f) : IClassFixture<AutomodeFixture>
{
    private TestClient C => f.Client;

    private void SetFaults(string spec)
    {
        f.Host.Faults.Set(spec);
        f.Host.Faults.ResetCounters();
    }

    [Fact]
    public async Task Throttling_uses_each_protocols_error_then_recovers()
    {
        SetFaults("eks:ListClusters=throttle#1;ec2:DescribeInstances=throttle#1;k8s:list:nodes=throttle#1;sts:GetCallerIdentity=throttle#1");
        var eks = await C.Eks("/clusters");
        Assert.Equal((HttpStatusCode)429, eks.StatusCode);
        Assert.Equal("ThrottlingException", eks.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal(HttpStatusCode.OK, (await C.Eks("/clusters")).StatusCode);

        var ec2 = await C.Query("ec2", "Action=DescribeInstances&Version=2016-11-15");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ec2.StatusCode);
        Assert.Contains("<Code>RequestLimitExceeded</Code>", await ec2.Content.ReadAsStringAsync());

        var sts = await C.Query("sts", "Action=GetCallerIdentity&Version=2011-06-15");
        Assert.Contains("<Code>Throttling</Code>", await sts.Content.ReadAsStringAsync());

        var k = await C.KubeGet("/api/v1/nodes");
        Assert.Equal((HttpStatusCode)429, k.StatusCode);
        Assert.Equal("1", k.Headers.GetValues("Retry-After").Single());
        Assert.Equal("TooManyRequests", (await TestClient.Json(k)).Str("reason"));
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/api/v1/nodes")).StatusCode);
    }

    [Fact]
    public async Task Server_errors_500_and_503()
    {
        SetFaults("eks:DescribeCluster=500#1;eks:ListNodegroups=503#1;k8s:get:nodepools=500#1;k8s:list:nodepools=503#1");
        var e500 = await C.Eks("/clusters/automode-eks");
        Assert.Equal(HttpStatusCode.InternalServerError, e500.StatusCode);
        Assert.Equal("ServerException", e500.Headers.GetValues("x-amzn-ErrorType").Single());
        var e503 = await C.Eks("/clusters/automode-eks/node-groups");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e503.StatusCode);
        Assert.Equal("ServiceUnavailableException", e503.Headers.GetValues("x-amzn-ErrorType").Single());
        var k500 = await C.KubeGet("/apis/karpenter.sh/v1/nodepools/system");
        Assert.Equal(HttpStatusCode.InternalServerError, k500.StatusCode);
        Assert.Equal("InternalError", (await TestClient.Json(k500)).Str("reason"));
        var k503 = await C.KubeGet("/apis/karpenter.sh/v1/nodepools");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, k503.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await C.Eks("/clusters/automode-eks")).StatusCode);
    }

    [Fact]
    public async Task Latency_delays_the_response_by_at_least_the_injected_time()
    {
        SetFaults("k8s:version=latency:400");
        var sw = Stopwatch.StartNew();
        var r = await C.KubeGet("/version");
        sw.Stop();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.True(sw.ElapsedMilliseconds >= 390, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Connection_reset_fails_the_call_then_the_next_succeeds()
    {
        SetFaults("k8s:list:pods=reset#1;eks:ListAddons=reset#1");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => C.KubeGet("/api/v1/pods"));
        Assert.Equal(HttpStatusCode.OK, (await C.KubeGet("/api/v1/pods")).StatusCode);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => C.Eks("/clusters/automode-eks/addons"));
    }

    [Fact]
    public async Task Truncated_body_breaks_reading_the_response()
    {
        SetFaults("eks:DescribeCluster=truncate#1;k8s:list:nodes=truncate#1");
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await C.Eks("/clusters/automode-eks")).Content.ReadAsStringAsync());
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await C.KubeGet("/api/v1/nodes")).Content.ReadAsStringAsync());
        Assert.Equal("automode-eks", (await TestClient.Json(await C.Eks("/clusters/automode-eks")))["cluster"].Str("name"));
    }

    [Fact]
    public void Probabilistic_faults_repeat_exactly_for_a_seed()
    {
        static string Run(int seed)
        {
            var fs = new Faults(seed, "eks:*=throttle@0.5");
            return string.Concat(Enumerable.Range(0, 64).Select(_ => fs.Decide("eks:DescribeCluster").Kind == FaultKind.Throttle ? '1' : '0'));
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        var ones = Run(7).Count(c => c == '1');
        Assert.InRange(ones, 16, 48);
        var skip = new Faults(1, "k8s:*=500#2+1");
        Assert.Equal(new[] { FaultKind.None, FaultKind.Error500, FaultKind.Error500, FaultKind.None }, Enumerable.Range(0, 4).Select(_ => skip.Decide("k8s:list:nodes").Kind));
        Assert.Throws<FormatException>(() => Faults.Parse("eks:*=explode"));
    }

    [Fact]
    public async Task Admin_endpoint_counts_requests_per_operation()
    {
        SetFaults("");
        var before = await TestClient.Json(await C.Http.GetAsync(C.Admin + "/requests"));
        var n0 = before["operations"].Long("eks:ListAccessEntries") ?? 0;
        for (var i = 0; i < 3; i++) await C.Eks("/clusters/automode-eks/access-entries");
        var after = await TestClient.Json(await C.Http.GetAsync(C.Admin + "/requests"));
        Assert.Equal(n0 + 3, after["operations"].Long("eks:ListAccessEntries"));
        var put = await C.Http.PutAsync(C.Admin + "/faults", new StringContent("bogus"));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
    }
}

public class TlsTests
{
    [Fact]
    public async Task Tls_server_verifies_with_the_ca_from_DescribeCluster_and_not_without_it()
    {
        await using var host = SandboxHost.Start("automode", tls: true);
        var probe = new TestClient(host);
        Assert.StartsWith("https://", probe.Kube());
        Assert.True(File.Exists(host.CaPath));

        // Default trust store: the sandbox CA is unknown, so the handshake must fail.
        using var strict = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => strict.GetAsync(probe.Kube() + "/healthz"));

        var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(host.CaPath!));
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
                {
                    TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca },
                    RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                },
            },
        };
        using var c = new TestClient(host, handler);
        var cl = await TestClient.Json(await c.Eks("/clusters/automode-eks"));
        var pem = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(cl["cluster"]!["certificateAuthority"].Str("data")!));
        Assert.Equal(File.ReadAllText(host.CaPath!), pem);
        Assert.Equal(HttpStatusCode.OK, (await c.KubeGet("/api/v1/nodes")).StatusCode);
    }
}

public class StaticTokenTests
{
    [Fact]
    public async Task Without_a_static_token_only_eks_tokens_authenticate()
    {
        await using var host = SandboxHost.Start("partial");
        var old = host.World.StaticToken;
        host.World.StaticToken = ""; // what --no-static-token does
        using var c = new TestClient(host);
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.KubeGet("/api/v1/nodes", old)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.KubeGet("/api/v1/nodes", "")).StatusCode);
        var token = TestClient.EksToken(host.World.Identities[0], "partial-eks", DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await c.KubeGet("/api/v1/nodes", token)).StatusCode);
        // the same token is refused by a different cluster of the same sandbox (x-k8s-aws-id names partial-eks)
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.KubeGet("/api/v1/nodes", token, cluster: 2)).StatusCode);
    }
}
