using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Operations;

/// <summary>One event of a Kubernetes watch stream.</summary>
public sealed record KubernetesWatchEvent(string Type, JsonElement Object);

/// <summary>
/// Single-object Kubernetes calls the operations need (get, JSON patch, delete, watch), over the connection's own
/// HTTP client and credentials. Every request goes through the list reader's retry loop
/// (<see cref="KubernetesRequestSender"/>: 429 with Retry-After, 5xx, connection failures, timeouts; 4 attempts);
/// other failures become <see cref="EngineException"/>s with stable ids. Lists go through <see cref="Lists"/>.
/// </summary>
public sealed class KubernetesObjectClient
{
    private readonly KubernetesConnection _connection;

    public KubernetesObjectClient(KubernetesConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Lists = new KubernetesListReader(connection) { MaxAttempts = 4 };
    }

    public KubernetesListReader Lists { get; }

    /// <summary>The object at <paramref name="path"/>, or null when it does not exist (404).</summary>
    public async Task<JsonElement?> GetAsync(string path, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path, null, null, $"get {path}", cancellationToken, allow404: true).ConfigureAwait(false);
        return status == 404 ? null : Parse(body);
    }

    /// <summary>An RFC 6902 JSON patch; a failed <c>test</c> (the object changed) or a 409 gives <c>KubernetesConflict</c>.</summary>
    public async Task<JsonElement> JsonPatchAsync(string path, string patch, bool dryRun, CancellationToken cancellationToken)
    {
        string url = path + (dryRun ? "?dryRun=All" : "");
        var (_, body) = await SendAsync(HttpMethod.Patch, url, patch, "application/json-patch+json", $"patch {path}", cancellationToken, allow404: false).ConfigureAwait(false);
        return Parse(body);
    }

    /// <summary>Deletes (an object with finalizers stays until they run). False when it was already gone.</summary>
    public async Task<bool> DeleteAsync(string path, bool dryRun, CancellationToken cancellationToken)
    {
        string? body = dryRun ? "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}" : null;
        var (status, _) = await SendAsync(HttpMethod.Delete, path + (dryRun ? "?dryRun=All" : ""), body, body is null ? null : "application/json", $"delete {path}", cancellationToken, allow404: true).ConfigureAwait(false);
        return status != 404;
    }

    /// <summary>
    /// Watches a list path from <paramref name="resourceVersion"/> and yields events until the server ends the stream
    /// (after <paramref name="timeout"/>) or the token is cancelled. A 410 (history too old) ends with <c>KubernetesWatchExpired</c>.
    /// </summary>
    public async IAsyncEnumerable<KubernetesWatchEvent> WatchAsync(string listPath, string? labelSelector, string resourceVersion, TimeSpan timeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = (k8s.Kubernetes)_connection.Client;
        var query = new StringBuilder("?watch=true&allowWatchBookmarks=true&resourceVersion=").Append(Uri.EscapeDataString(resourceVersion))
            .Append("&timeoutSeconds=").Append(Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(labelSelector))
        {
            query.Append("&labelSelector=").Append(Uri.EscapeDataString(labelSelector));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, _connection.Server.TrimEnd('/') + listPath + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            if (client.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw KubernetesConnection.MapError(ex, $"watch {listPath}", _connection.ClusterName ?? _connection.Server);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw Failure((int)response.StatusCode, KubernetesRequestSender.StatusMessage(text) ?? "", $"watch {listPath}", listPath);
            }

            await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    yield break; // the server closed the stream: callers re-list and watch again
                }

                if (line is null)
                {
                    yield break;
                }

                if (line.Length == 0)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                string type = doc.RootElement.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? "" : "";
                JsonElement obj = doc.RootElement.TryGetProperty("object", out JsonElement o) ? o.Clone() : default;
                if (type == "ERROR")
                {
                    int code = obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty("code", out JsonElement c) && c.TryGetInt32(out int n) ? n : 500;
                    throw code == 410
                        ? new EngineException("KubernetesWatchExpired", ErrorKind.ResourceUnavailable, $"The watch on {listPath} expired (410): the cluster changed faster than it was watched.", listPath)
                        : Failure(code, obj.ValueKind == JsonValueKind.Object ? KubernetesRequestSender.StatusMessage(obj.GetRawText()) ?? "" : "", $"watch {listPath}", listPath);
                }

                yield return new KubernetesWatchEvent(type, obj);
            }
        }
    }

    private static JsonElement Parse(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>One request through the list reader's retry loop (the same code serves lists and single objects).</summary>
    private Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, string? body, string? contentType, string operation,
        CancellationToken cancellationToken, bool allow404) =>
        Lists.Sender.SendAsync(method, path, body, contentType, operation,
            async (response, attemptToken) =>
            {
                using (response)
                {
                    return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(attemptToken).ConfigureAwait(false));
                }
            },
            status => status == 404 && allow404,
            (status, detail) => Failure(status, detail, operation, path), cancellationToken);

    private EngineException Failure(int status, string detail, string operation, string target)
    {
        return status switch
        {
            401 => new EngineException("KubernetesUnauthorized", ErrorKind.AuthenticationError,
                $"The Kubernetes API rejected the credentials for {operation} (401). For EKS, check that your IAM identity has an access entry on the cluster.", _connection.ClusterName ?? _connection.Server),
            403 => new EngineException("KubernetesForbidden", ErrorKind.PermissionDenied, $"Kubernetes RBAC forbids {operation} (403): {detail}", target),
            404 => new EngineException("KubernetesNotFound", ErrorKind.ObjectNotFound, $"Not found: {operation} (404).", target),
            409 => new EngineException("KubernetesConflict", ErrorKind.InvalidOperation, $"{operation} conflicted with another change (409): {detail} Run the command again.", target),
            422 when detail.Contains("test operation failed", StringComparison.Ordinal) => new EngineException("KubernetesConflict", ErrorKind.InvalidOperation,
                $"{operation}: the object changed while it was being updated. Run the command again.", target),
            _ => new EngineException("KubernetesApiError", ErrorKind.InvalidOperation, $"The Kubernetes API failed {operation}: HTTP {status}: {detail}", target),
        };
    }
}
