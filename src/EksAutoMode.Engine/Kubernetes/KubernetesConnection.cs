using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using EksAutoMode.Engine.Aws;
using k8s;
using k8s.Authentication;
using k8s.Autorest;
using k8s.Exceptions;

namespace EksAutoMode.Engine.Kubernetes;

/// <summary>
/// A connection to a cluster's Kubernetes API, made either from a kubeconfig (-KubeConfigPath/-Context;
/// exec plugins such as <c>aws eks get-token</c> work) or from an EKS cluster name (DescribeCluster →
/// endpoint + certificate authority + an in-process EKS token, no kubeconfig and no AWS CLI needed).
/// For EKS connections TLS is always verified against the cluster's own CA. Engine code uses
/// <see cref="Client"/>; PowerShell sees only the descriptive properties.
/// </summary>
public sealed class KubernetesConnection : IDisposable
{
    private readonly List<string> _warnings = new();

    private KubernetesConnection(k8s.Kubernetes client, string server, string source, string? context, string? clusterName)
    {
        Client = client;
        Server = server;
        Source = source;
        Context = context;
        ClusterName = clusterName;
    }

    /// <summary>The API server URL.</summary>
    public string Server { get; }

    /// <summary>How the connection was made, for "Kubernetes connection from …" (never contains tokens).</summary>
    public string Source { get; }

    public string? Context { get; }
    public string? ClusterName { get; }

    /// <summary>Things the user should know (for example insecure-skip-tls-verify in the kubeconfig).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    internal IKubernetes Client { get; }

    /// <summary>Opens a kubeconfig. <paramref name="path"/> null = KUBECONFIG or ~/.kube/config; <paramref name="context"/> null = its current context.</summary>
    public static KubernetesConnection FromKubeConfig(string? path, string? context) => FromKubeConfig(path, context, null);

    /// <summary>Opens a kubeconfig; <paramref name="timeout"/> (-TimeoutSec) limits each API call (default 100 s).</summary>
    public static KubernetesConnection FromKubeConfig(string? path, string? context, TimeSpan? timeout)
    {
        string file = path ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(file))
        {
            throw new EngineException("KubeConfigNotFound", ErrorKind.ObjectNotFound, $"The kubeconfig file '{file}' does not exist.", file)
            {
                RecommendedAction = "Pass -KubeConfigPath, or -ClusterName to connect to an EKS cluster without a kubeconfig.",
            };
        }

        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(file, currentContext: context);
        }
        catch (KubeConfigException ex)
        {
            bool contextMissing = context is not null && ex.Message.Contains(context, StringComparison.Ordinal);
            throw new EngineException(contextMissing ? "KubeContextNotFound" : "KubeConfigInvalid",
                contextMissing ? ErrorKind.ObjectNotFound : ErrorKind.InvalidData,
                contextMissing ? $"The kubeconfig '{file}' has no context '{context}'." : $"The kubeconfig '{file}' cannot be used: {ex.Message}",
                contextMissing ? context : file, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException or ArgumentException or FormatException)
        {
            throw new EngineException("KubeConfigInvalid", ErrorKind.InvalidData, $"The kubeconfig '{file}' cannot be read: {ex.Message}", file, ex);
        }

        // Static tokens, passwords and client keys from the kubeconfig are masked wherever they might appear.
        Redaction.Register(config.AccessToken);
        Redaction.Register(config.Password);
        Redaction.Register(config.ClientCertificateKeyData);
        ApplyTimeout(config, timeout);
        var connection = new KubernetesConnection(new k8s.Kubernetes(config, new ResponseLimitHandler(MaxResponseBytes)), config.Host, $"kubeconfig '{file}', context '{config.CurrentContext}'",
            config.CurrentContext, null);
        if (config.SkipTlsVerify)
        {
            connection._warnings.Add($"The kubeconfig context '{config.CurrentContext}' sets insecure-skip-tls-verify: the API server's certificate is NOT verified. Add its certificate-authority-data instead.");
        }

        return connection;
    }

    /// <summary>Connects to an EKS cluster by name: DescribeCluster, then the endpoint with the cluster CA and an EKS token (refreshed before it expires).</summary>
    public static Task<KubernetesConnection> ForEksClusterAsync(AwsSession session, string clusterName, CancellationToken cancellationToken = default) =>
        ForEksClusterAsync(session, clusterName, null, cancellationToken);

    /// <summary>
    /// Connects to an EKS cluster by name; <paramref name="timeout"/> limits each Kubernetes API call (default: the
    /// session's -TimeoutSec, <see cref="AwsRetryPolicy.Timeout"/>, else KubernetesClient's 100 s).
    /// </summary>
    public static async Task<KubernetesConnection> ForEksClusterAsync(AwsSession session, string clusterName, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        using JsonDocument doc = await session.Client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get,
            "/clusters/" + clusterName, options: new AwsCallOptions { Target = clusterName }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("cluster", out JsonElement cluster) || cluster.ValueKind != JsonValueKind.Object)
        {
            throw AwsServiceException.InvalidResponse("EKS", "DescribeCluster", $"no cluster object for '{clusterName}'", clusterName);
        }

        string? endpoint = cluster.TryGetProperty("endpoint", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        string? caData = cluster.TryGetProperty("certificateAuthority", out JsonElement ca) && ca.ValueKind == JsonValueKind.Object
            && ca.TryGetProperty("data", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (string.IsNullOrEmpty(endpoint))
        {
            string status = cluster.TryGetProperty("status", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() ?? "unknown" : "unknown";
            throw new EngineException("ClusterEndpointUnavailable", ErrorKind.ResourceUnavailable,
                $"EKS cluster '{clusterName}' has no API endpoint yet (status {status}).", clusterName);
        }

        var config = new KubernetesClientConfiguration
        {
            Host = endpoint,
            TokenProvider = new EksTokenProvider(session.CreateEksTokenSource(clusterName)),
        };

        if (endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(caData))
            {
                throw new EngineException("ClusterCertificateMissing", ErrorKind.SecurityError,
                    $"EKS cluster '{clusterName}' returned no certificate authority; refusing to connect without verifying TLS.", clusterName);
            }

            try
            {
                var certificates = new X509Certificate2Collection();
                certificates.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(caData)));
                if (certificates.Count == 0)
                {
                    throw new FormatException("no certificate in the PEM data");
                }

                config.SslCaCerts = certificates;
            }
            catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new EngineException("ClusterCertificateInvalid", ErrorKind.SecurityError,
                    $"The certificate authority of EKS cluster '{clusterName}' cannot be read: {ex.Message}", clusterName, ex);
            }
        }

        ApplyTimeout(config, timeout ?? session.RetryPolicy.Timeout);
        return new KubernetesConnection(new k8s.Kubernetes(config, new ResponseLimitHandler(MaxResponseBytes)), endpoint, $"EKS cluster '{clusterName}' in {session.Region} (DescribeCluster, in-process token)", null, clusterName);
    }

    /// <summary>The API server's version (<c>/version</c> gitVersion): a cheap end-to-end check of the connection.</summary>
    public async Task<string> GetServerVersionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await Client.Version.GetCodeAsync(cancellationToken).ConfigureAwait(false);
            return version.GitVersion;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw MapError(ex, "get /version", Server);
        }
    }

    /// <summary>Turns a KubernetesClient failure into an EngineException with a stable id (401, 403, 404, TLS, connection).</summary>
    internal static EngineException MapError(Exception ex, string operation, object? target)
    {
        if (ex is EngineException engine)
        {
            return engine;
        }

        if (ex is HttpOperationException http)
        {
            HttpStatusCode status = http.Response.StatusCode;
            string detail = http.Response.Content is { Length: > 0 } c && c.Length < 500 ? c : http.Message;
            return status switch
            {
                HttpStatusCode.Unauthorized => new EngineException("KubernetesUnauthorized", ErrorKind.AuthenticationError,
                    $"The Kubernetes API rejected the credentials for {operation} (401). For EKS, check that your IAM identity has an access entry on the cluster.", target, ex),
                HttpStatusCode.Forbidden => new EngineException("KubernetesForbidden", ErrorKind.PermissionDenied,
                    $"Kubernetes RBAC forbids {operation} (403): {detail}", target, ex),
                HttpStatusCode.NotFound => new EngineException("KubernetesNotFound", ErrorKind.ObjectNotFound, $"Not found: {operation} (404).", target, ex),
                _ => new EngineException("KubernetesApiError", ErrorKind.InvalidOperation, $"The Kubernetes API failed {operation}: HTTP {(int)status}: {detail}", target, ex),
            };
        }

        if (ExceptionChain.Find<ResponseTooLargeException>(ex) is { } tooLarge)
        {
            return new EngineException("KubernetesResponseTooLarge", ErrorKind.LimitsExceeded,
                $"The Kubernetes API answered {operation} with more than {tooLarge.Limit / (1024 * 1024)} MB; it is not read.", target, ex)
            {
                RecommendedAction = "Narrow the request (a label selector or namespace) so that each page is smaller.",
            };
        }

        if (AwsClient.IsTlsFailure(ex))
        {
            return new EngineException("KubernetesTlsFailed", ErrorKind.SecurityError,
                $"The TLS connection to the Kubernetes API server was refused for {operation}: {AwsClient.TlsProblem(ex)}. TLS failures are not retried.", target, ex)
            {
                RecommendedAction = "With -KubeConfigPath, set the cluster's certificate-authority-data (or certificate-authority) in the kubeconfig to the CA that "
                    + "signed the API server's certificate and use the server name that certificate covers; with -ClusterName the CA comes from EKS "
                    + "DescribeCluster, so check that nothing (a TLS-inspecting proxy) sits in between.",
            };
        }

        if (ExceptionChain.Find<JsonException>(ex) is not null || ExceptionChain.Find<System.Runtime.Serialization.SerializationException>(ex) is not null)
        {
            return new EngineException("KubernetesResponseInvalid", ErrorKind.InvalidResult,
                $"The Kubernetes API answered {operation} with a body that is cut off or not in the shape Kubernetes returns.", target, ex)
            {
                RecommendedAction = "Run again (the response may have been cut off); if -KubeConfigPath points at a proxy, check that it forwards to the API server.",
            };
        }

        if (ex is HttpRequestException or IOException)
        {
            return new EngineException("KubernetesUnreachable", ErrorKind.ConnectionError, $"Cannot reach the Kubernetes API for {operation}: {ex.Message}", target, ex);
        }

        if (ex is OperationCanceledException or TaskCanceledException)
        {
            return new EngineException("KubernetesTimeout", ErrorKind.OperationTimeout, $"The Kubernetes API did not answer {operation} in time.", target, ex);
        }

        return new EngineException("KubernetesApiError", ErrorKind.InvalidOperation, $"The Kubernetes API failed {operation}: {ex.Message}", target, ex);
    }

    public void Dispose() => Client.Dispose();

    /// <summary>Responses larger than this are refused (KubernetesResponseTooLarge) instead of read into memory.</summary>
    public const long MaxResponseBytes = 128L * 1024 * 1024;

    private static void ApplyTimeout(KubernetesClientConfiguration config, TimeSpan? timeout)
    {
        if (timeout is { } t)
        {
            config.HttpClientTimeout = t;
        }
    }

    private sealed class EksTokenProvider : ITokenProvider
    {
        private readonly EksTokenSource _source;

        internal EksTokenProvider(EksTokenSource source) => _source = source;

        public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
        {
            EksToken token = await _source.GetAsync(cancellationToken).ConfigureAwait(false);
            return new AuthenticationHeaderValue("Bearer", token.Token);
        }
    }
}
