using System.Diagnostics;
using System.Text.Json;
using Amazon.EC2.Model;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Tests.Unit.Aws;

public sealed class PlainSandbox : IDisposable
{
    private readonly Lazy<SandboxProcess> _process = new(() => new SandboxProcess(tls: false));
    public SandboxProcess Process => _process.Value;
    public void Dispose() { if (_process.IsValueCreated) _process.Value.Dispose(); }
}

public sealed class TlsSandbox : IDisposable
{
    private readonly Lazy<SandboxProcess> _process = new(() => new SandboxProcess(tls: true));
    public SandboxProcess Process => _process.Value;
    public void Dispose() { if (_process.IsValueCreated) _process.Value.Dispose(); }
}

internal static class SandboxSessions
{
    public static async Task<AwsSession> CreateAsync(SandboxProcess sandbox, AwsHome home, string keyPrefix = "AKIASBXCLUSTERADMIN", AwsRetryPolicy? retry = null)
    {
        var identity = sandbox.Identity(keyPrefix);
        if (sandbox.Info["caPemPath"]?.GetValue<string>() is { } ca)
        {
            home.Environment["AWS_CA_BUNDLE"] = ca; // the AWS endpoint is HTTPS with the sandbox CA too
        }

        AwsSessionOptions o = home.Options();
        o.Region = sandbox.Region;
        o.EndpointUrl = sandbox.AwsEndpoint;
        o.AccessKey = identity["accessKeyId"]!.GetValue<string>();
        o.SecretKey = identity["secretAccessKey"]!.GetValue<string>();
        o.SessionToken = identity["sessionToken"]?.GetValue<string>();
        o.RetryPolicy = retry ?? new AwsRetryPolicy { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200), MaxRetryAfter = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(10) };
        return await AwsSession.CreateAsync(o);
    }
}

/// <summary>Retries, time limits and cancellation against the sandbox's fault injection (real HTTP on loopback).</summary>
public class SandboxFaultTests : IClassFixture<PlainSandbox>
{
    private readonly PlainSandbox _sandbox;

    public SandboxFaultTests(PlainSandbox sandbox) => _sandbox = sandbox;

    private async Task<(AwsSession Session, AwsHome Home)> SessionAsync(AwsRetryPolicy? retry = null)
    {
        var home = new AwsHome();
        return (await SandboxSessions.CreateAsync(_sandbox.Process, home, retry: retry), home);
    }

    private static Task<JsonDocument> Describe(AwsSession s, string name = "auto-prod", CancellationToken ct = default) =>
        s.Client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/" + name, cancellationToken: ct);

    [SandboxFact]
    public async Task Signed_rest_json_call_reaches_the_sandbox()
    {
        await _sandbox.Process.SetFaultsAsync("");
        var (session, home) = await SessionAsync();
        using (home)
        using (JsonDocument doc = await Describe(session))
        {
            Assert.Equal("auto-prod", doc.RootElement.GetProperty("cluster").GetProperty("name").GetString());
            Assert.Equal(1, await _sandbox.Process.RequestCountAsync("DescribeCluster"));
        }
    }

    [SandboxFact]
    public async Task Throttling_is_retried_until_success()
    {
        await _sandbox.Process.SetFaultsAsync("*DescribeCluster=throttle#2");
        var (session, home) = await SessionAsync();
        using (home)
        using (JsonDocument doc = await Describe(session))
        {
            Assert.Equal("auto-prod", doc.RootElement.GetProperty("cluster").GetProperty("name").GetString());
            Assert.Equal(3, await _sandbox.Process.RequestCountAsync("DescribeCluster"));
        }
    }

    [SandboxFact]
    public async Task Persistent_503_gives_up_after_MaxAttempts_with_a_clear_error()
    {
        await _sandbox.Process.SetFaultsAsync("*DescribeCluster=503");
        var (session, home) = await SessionAsync();
        using (home)
        {
            var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Describe(session));
            Assert.Equal(503, ex.StatusCode);
            Assert.Equal(ErrorKind.ResourceUnavailable, ex.Kind);
            Assert.StartsWith("EKS DescribeCluster failed:", ex.Message);
            Assert.Equal(4, await _sandbox.Process.RequestCountAsync("DescribeCluster"));
        }
    }

    [SandboxFact]
    public async Task Connection_resets_and_truncated_bodies_are_retried()
    {
        await _sandbox.Process.SetFaultsAsync("*DescribeCluster=reset#1;*ListClusters=truncate#1");
        var (session, home) = await SessionAsync();
        using (home)
        {
            using JsonDocument doc = await Describe(session);
            using JsonDocument list = await session.Client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters");
            Assert.Contains("auto-prod", list.RootElement.GetProperty("clusters").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(2, await _sandbox.Process.RequestCountAsync("DescribeCluster"));
            Assert.Equal(2, await _sandbox.Process.RequestCountAsync("ListClusters"));
        }
    }

    [SandboxFact]
    public async Task Slow_responses_hit_the_per_attempt_timeout_and_are_retried()
    {
        await _sandbox.Process.SetFaultsAsync("*DescribeCluster=latency:15000#1");
        var (session, home) = await SessionAsync(new AwsRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromSeconds(3) });
        using (home)
        using (JsonDocument doc = await Describe(session).WaitAsync(TimeSpan.FromSeconds(60)))
        {
            Assert.Equal(2, await _sandbox.Process.RequestCountAsync("DescribeCluster"));
        }
    }

    [SandboxFact]
    public async Task Cancellation_stops_a_slow_call_promptly()
    {
        await _sandbox.Process.SetFaultsAsync("*DescribeCluster=latency:20000");
        var (session, home) = await SessionAsync(new AwsRetryPolicy { AttemptTimeout = TimeSpan.FromSeconds(60) });
        using (home)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Describe(session, ct: cts.Token)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "hang guard: cancellation must not wait for the 20 s response");
        }

        await _sandbox.Process.SetFaultsAsync("");
    }

    [SandboxFact]
    public async Task Access_denied_from_the_sandbox_names_the_IAM_action()
    {
        await _sandbox.Process.SetFaultsAsync("");
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home, "AKIASBXNODESCRIBE");
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Describe(session));
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("eks:DescribeCluster", ex.IamAction);
    }

    [SandboxFact]
    public async Task Wrong_secret_is_an_authentication_error_and_is_not_retried()
    {
        await _sandbox.Process.SetFaultsAsync("");
        using var home = new AwsHome();
        AwsSessionOptions o = home.Options();
        o.Region = _sandbox.Process.Region; o.EndpointUrl = _sandbox.Process.AwsEndpoint;
        o.AccessKey = "AKIASBXCLUSTERADMIN1"; o.SecretKey = "not-the-secret";
        AwsSession session = await AwsSession.CreateAsync(o);
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Describe(session));
        Assert.Equal(ErrorKind.AuthenticationError, ex.Kind);
        Assert.DoesNotContain("not-the-secret", ex.Message);
        Assert.Equal(1, await _sandbox.Process.RequestCountAsync("DescribeCluster"));
    }

    [SandboxFact]
    public async Task Session_credentials_sign_with_the_security_token()
    {
        await _sandbox.Process.SetFaultsAsync("");
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home, "ASIASBXSESSION");
        using JsonDocument doc = await Describe(session);
        Assert.Equal("auto-prod", doc.RootElement.GetProperty("cluster").GetProperty("name").GetString());
    }

    [SandboxFact]
    public async Task Ec2_through_AWSSDK_uses_the_same_credentials_endpoint_and_retries()
    {
        await _sandbox.Process.SetFaultsAsync("*DescribeInstances=503#1");
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home);
        using var ec2 = session.CreateEc2Client();
        DescribeInstancesResponse response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest());
        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatusCode);
        Assert.Equal(2, await _sandbox.Process.RequestCountAsync("DescribeInstances"));
    }

    [SandboxFact]
    public async Task Eks_token_is_accepted_by_the_sandbox_token_check_and_bound_to_its_cluster()
    {
        await _sandbox.Process.SetFaultsAsync("");
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home);
        using KubernetesConnection connection = await KubernetesConnection.ForEksClusterAsync(session, "auto-prod");
        Assert.StartsWith("v1.33", await connection.GetServerVersionAsync());

        // A token minted for another cluster must be refused by this cluster's API server.
        EksToken other = await session.GetEksTokenAsync("standard-legacy");
        string server = connection.Server;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.TrimEnd('/') + "/api/v1/namespaces");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", other.Token);
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>The -ClusterName path with TLS: the cluster CA from DescribeCluster verifies the API server.</summary>
public class SandboxTlsTests : IClassFixture<TlsSandbox>
{
    private readonly TlsSandbox _sandbox;

    public SandboxTlsTests(TlsSandbox sandbox) => _sandbox = sandbox;

    [SandboxFact]
    public async Task Cluster_name_connection_verifies_tls_with_the_cluster_ca_and_uses_an_in_process_token()
    {
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home);
        using KubernetesConnection connection = await KubernetesConnection.ForEksClusterAsync(session, "auto-prod");

        Assert.StartsWith("https://", connection.Server);
        Assert.StartsWith("v1.33", await connection.GetServerVersionAsync());
        Assert.Empty(connection.Warnings);
    }

    [SandboxFact]
    public async Task Kubeconfig_with_the_ca_works_and_insecure_skip_tls_verify_warns()
    {
        using var home = new AwsHome();
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home);
        using JsonDocument doc = await session.Client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/auto-prod");
        string server = doc.RootElement.GetProperty("cluster").GetProperty("endpoint").GetString()!;
        string ca = doc.RootElement.GetProperty("cluster").GetProperty("certificateAuthority").GetProperty("data").GetString()!;
        string token = _sandbox.Process.Info["staticToken"]!.GetValue<string>();

        string Kubeconfig(string clusterSettings) => $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: {{server}}
                {{clusterSettings}}
            users:
            - name: u
              user:
                token: {{token}}
            contexts:
            - name: sandbox
              context: {cluster: c, user: u}
            current-context: sandbox
            """;

        string good = Path.Combine(home.Root, "good.kubeconfig");
        File.WriteAllText(good, Kubeconfig("certificate-authority-data: " + ca));
        using (KubernetesConnection connection = KubernetesConnection.FromKubeConfig(good, "sandbox"))
        {
            Assert.Empty(connection.Warnings);
            Assert.StartsWith("v1.33", await connection.GetServerVersionAsync());
        }

        string insecure = Path.Combine(home.Root, "insecure.kubeconfig");
        File.WriteAllText(insecure, Kubeconfig("insecure-skip-tls-verify: true"));
        using (KubernetesConnection connection = KubernetesConnection.FromKubeConfig(insecure, null))
        {
            Assert.Contains(connection.Warnings, w => w.Contains("insecure-skip-tls-verify"));
        }

        string noCa = Path.Combine(home.Root, "noca.kubeconfig");
        File.WriteAllText(noCa, Kubeconfig("proxy-url: \"\""));
        using (KubernetesConnection connection = KubernetesConnection.FromKubeConfig(noCa, null))
        {
            var ex = await Assert.ThrowsAsync<EngineException>(() => connection.GetServerVersionAsync());
            Assert.Equal("KubernetesTlsFailed", ex.ErrorId);
            Assert.Contains("not signed by a trusted certificate authority", ex.Message);
            Assert.Contains("certificate-authority-data", ex.RecommendedAction);
            Assert.Contains("-KubeConfigPath", ex.RecommendedAction);
        }

        // A CA that did not sign the API server's certificate.
        using var otherKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var otherRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Some Other CA", otherKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        otherRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var otherCa = otherRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string wrongCa = Path.Combine(home.Root, "wrongca.kubeconfig");
        File.WriteAllText(wrongCa, Kubeconfig("certificate-authority-data: " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(otherCa.ExportCertificatePem()))));
        using (KubernetesConnection connection = KubernetesConnection.FromKubeConfig(wrongCa, null, TimeSpan.FromSeconds(20)))
        {
            var ex = await Assert.ThrowsAsync<EngineException>(() => connection.GetServerVersionAsync());
            Assert.Equal("KubernetesTlsFailed", ex.ErrorId);
            Assert.Contains("not retried", ex.Message);
            Assert.DoesNotContain(token, ex.ToString(), StringComparison.Ordinal);
        }

        var missing = Assert.Throws<EngineException>(() => KubernetesConnection.FromKubeConfig(good, "no-such-context"));
        Assert.Equal("KubeContextNotFound", missing.ErrorId);
    }
}
