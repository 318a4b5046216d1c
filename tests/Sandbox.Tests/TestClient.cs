using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>Minimal signed-request client for the tests (independent of the sandbox's request handling).</summary>
internal sealed class TestClient : IDisposable
{
    public readonly SandboxHost Host;
    public readonly HttpClient Http;

    public TestClient(SandboxHost host, HttpMessageHandler? handler = null)
    {
        Host = host;
        Http = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Aws => Host.Info.Str("awsEndpointUrl")!;
    public string Kube(int i = 0) => Host.Info["clusters"]![i].Str("kubernetesUrl")!;
    public string Admin => Host.Info.Str("adminUrl")!;
    public Identity Id(int i = 0) => Host.World.Identities[i];

    public static Identity With(Identity id, string? secret = null) => new()
    {
        AccessKeyId = id.AccessKeyId, SecretAccessKey = secret ?? id.SecretAccessKey, SessionToken = id.SessionToken, Arn = id.Arn,
    };

    public HttpRequestMessage Signed(HttpMethod method, string url, string service, string region, Identity id, byte[]? body = null, string? contentType = null,
        DateTimeOffset? when = null, IDictionary<string, string>? headers = null)
    {
        body ??= [];
        var msg = new HttpRequestMessage(method, url);
        var h = new Dictionary<string, string>(headers ?? new Dictionary<string, string>());
        if (contentType != null) h["content-type"] = contentType;
        foreach (var kv in SigV4.SignHeaders(method.Method, url, h, body, id, region, service, when ?? DateTimeOffset.UtcNow))
            msg.Headers.TryAddWithoutValidation(kv.Key, kv.Value);
        foreach (var kv in headers ?? new Dictionary<string, string>()) msg.Headers.TryAddWithoutValidation(kv.Key, kv.Value);
        if (method != HttpMethod.Get)
        {
            msg.Content = new ByteArrayContent(body);
            if (contentType != null) msg.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return msg;
    }

    public Task<HttpResponseMessage> Eks(string path, Identity? id = null, string region = "us-west-2", DateTimeOffset? when = null) =>
        Http.SendAsync(Signed(HttpMethod.Get, Aws + path, "eks", region, id ?? Id(), when: when));

    public Task<HttpResponseMessage> Query(string service, string form, Identity? id = null, string region = "us-west-2") =>
        Http.SendAsync(Signed(HttpMethod.Post, Aws + "/", service, region, id ?? Id(), Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded; charset=utf-8"));

    public Task<HttpResponseMessage> Pricing(JsonObject body, Identity? id = null) =>
        Http.SendAsync(Signed(HttpMethod.Post, Aws + "/", "pricing", "us-east-1", id ?? Id(), Encoding.UTF8.GetBytes(body.ToJsonString()), "application/x-amz-json-1.1",
            headers: new Dictionary<string, string> { ["x-amz-target"] = "AWSPriceListService.GetProducts" }));

    /// <summary>An EKS token as aws-iam-authenticator / "aws eks get-token" build it.</summary>
    public static string EksToken(Identity id, string cluster, DateTimeOffset when, string host = "sts.us-west-2.amazonaws.com", string region = "us-west-2")
    {
        var url = SigV4.Presign("GET", $"https://{host}/?Action=GetCallerIdentity&Version=2011-06-15", new Dictionary<string, string> { ["x-k8s-aws-id"] = cluster }, id, region, "sts", when, 60);
        return "k8s-aws-v1." + Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public Task<HttpResponseMessage> KubeGet(string pathAndQuery, string? token = null, int cluster = 0, string? accept = null)
    {
        var msg = new HttpRequestMessage(HttpMethod.Get, Kube(cluster) + pathAndQuery);
        msg.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (token ?? Host.World.StaticToken));
        if (accept != null) msg.Headers.TryAddWithoutValidation("Accept", accept);
        return Http.SendAsync(msg);
    }

    /// <summary>PATCH / DELETE (or any method) with the static token, optional body.</summary>
    public Task<HttpResponseMessage> KubeSend(HttpMethod m, string path, string? body = null, string? contentType = null, int cluster = 0)
    {
        var msg = new HttpRequestMessage(m, Kube(cluster) + path);
        msg.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Host.World.StaticToken);
        if (body != null) msg.Content = new StringContent(body, Encoding.UTF8, contentType!);
        return Http.SendAsync(msg);
    }

    /// <summary>GET that must succeed, parsed.</summary>
    public async Task<JsonNode> KubeJson(string pathAndQuery, int cluster = 0)
    {
        var r = await KubeGet(pathAndQuery, cluster: cluster);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)r.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> Json(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    public void Dispose() => Http.Dispose();
}
