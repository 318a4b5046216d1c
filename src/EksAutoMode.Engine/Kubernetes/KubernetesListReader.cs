using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace EksAutoMode.Engine.Kubernetes;

/// <summary>A listable Kubernetes resource: core (<c>/api/v1/nodes</c>) or grouped (<c>/apis/karpenter.sh/v1/nodeclaims</c>).</summary>
public sealed record KubernetesResourceType(string Group, string Version, string Plural, string Kind)
{
    public static readonly KubernetesResourceType Nodes = new("", "v1", "nodes", "Node");
    public static readonly KubernetesResourceType Pods = new("", "v1", "pods", "Pod");
    public static readonly KubernetesResourceType Events = new("", "v1", "events", "Event");
    public static readonly KubernetesResourceType NodePools = new("karpenter.sh", "v1", "nodepools", "NodePool");
    public static readonly KubernetesResourceType NodeClaims = new("karpenter.sh", "v1", "nodeclaims", "NodeClaim");
    public static readonly KubernetesResourceType NodeClasses = new("eks.amazonaws.com", "v1", "nodeclasses", "NodeClass");
    public static readonly KubernetesResourceType Ec2NodeClasses = new("karpenter.k8s.aws", "v1", "ec2nodeclasses", "EC2NodeClass");
    public static readonly KubernetesResourceType CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition");

    /// <summary>The cluster-wide list path.</summary>
    public string ListPath => Group.Length == 0 ? $"/api/{Version}/{Plural}" : $"/apis/{Group}/{Version}/{Plural}";

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>What to list and how.</summary>
public sealed record KubernetesListOptions
{
    /// <summary>Items per page (<c>limit</c>); the API server may return fewer.</summary>
    public int PageSize { get; init; } = 500;

    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }

    /// <summary>A 404 (the CRD is not installed) gives an empty list instead of an error.</summary>
    public bool NotFoundIsEmpty { get; init; }
}

/// <summary>One page of a list. Its items are valid until the enumeration moves on (the page is then disposed).</summary>
public sealed class KubernetesListPage : IDisposable
{
    private readonly JsonDocument _document;

    internal KubernetesListPage(JsonDocument document, IReadOnlyList<JsonElement> items, int number, long? remaining, int itemsSoFar)
    {
        _document = document;
        Items = items;
        Number = number;
        RemainingItemCount = remaining;
        ItemsSoFar = itemsSoFar;
    }

    public IReadOnlyList<JsonElement> Items { get; }

    /// <summary>1-based page number.</summary>
    public int Number { get; }

    /// <summary>The API server's <c>metadata.remainingItemCount</c> estimate, when given.</summary>
    public long? RemainingItemCount { get; }

    /// <summary>Items delivered including this page.</summary>
    public int ItemsSoFar { get; }

    public void Dispose() => _document.Dispose();
}

/// <summary>
/// Reads Kubernetes lists page by page (<c>limit</c>/<c>continue</c>), so a 5,000-node cluster streams in pages
/// instead of one response held in memory. Each request is retried with exponential backoff on 429 (honouring
/// Retry-After), 5xx, connection failures, per-attempt timeouts and truncated bodies; a continue token that expired
/// (410) restarts the list and skips the items already delivered, so callers see every object once. Other
/// failures become <see cref="EngineException"/>s with stable ids. Thread-safe; one reader per connection.
/// </summary>
public sealed class KubernetesListReader
{
    private readonly KubernetesConnection _connection;
    private long _requests;

    public KubernetesListReader(KubernetesConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    /// <summary>Attempts per request (first try included).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>How long one attempt may take before it is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Base backoff (doubled per retry, with jitter, capped at 8 s).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retry and restart notices ("… retrying in 400 ms"); never contains tokens.</summary>
    public Action<string>? Trace { get; init; }

    /// <summary>HTTP requests sent so far (retries included).</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Lists <paramref name="resource"/> cluster-wide, page by page.</summary>
    public async IAsyncEnumerable<KubernetesListPage> ListAsync(KubernetesResourceType resource, KubernetesListOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new KubernetesListOptions();
        string? token = null;
        int number = 0, delivered = 0, restarts = 0;
        HashSet<string>? seen = null;
        var delivering = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (JsonDocument? document, bool expired) = await FetchAsync(resource, BuildUrl(resource, options, token), $"list {resource}", options.NotFoundIsEmpty, token, cancellationToken).ConfigureAwait(false);
            if (expired)
            {
                if (++restarts > 3)
                {
                    throw new EngineException("KubernetesListExpired", ErrorKind.ResourceUnavailable,
                        $"Listing {resource} kept failing with 410 Gone (the continue token expired {restarts} times); the cluster changes faster than it can be listed.", resource.ToString());
                }

                Trace?.Invoke($"Kubernetes list {resource}: continue token expired (410) after {delivered} item(s); restarting the list and skipping what was already read.");
                seen = delivering;
                token = null;
                tokens.Clear();
                continue;
            }

            if (document is null)
            {
                yield break; // 404 and NotFoundIsEmpty
            }

            JsonElement root = document.RootElement;
            var items = new List<JsonElement>();
            if (root.TryGetProperty("items", out JsonElement array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in array.EnumerateArray())
                {
                    string key = ItemKey(item);
                    if (seen is not null && seen.Contains(key))
                    {
                        continue;
                    }

                    delivering.Add(key);
                    items.Add(item);
                }
            }

            string? next = null;
            long? remaining = null;
            if (root.TryGetProperty("metadata", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object)
            {
                if (meta.TryGetProperty("continue", out JsonElement c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 } s)
                {
                    next = s;
                }

                if (meta.TryGetProperty("remainingItemCount", out JsonElement r) && r.TryGetInt64(out long rem))
                {
                    remaining = rem;
                }
            }

            delivered += items.Count;
            using (var page = new KubernetesListPage(document, items, ++number, remaining, delivered))
            {
                yield return page;
            }

            if (next is null)
            {
                yield break;
            }

            if (!tokens.Add(next))
            {
                throw new EngineException("KubernetesPaginationLoop", ErrorKind.InvalidResult,
                    $"Listing {resource}: the API server returned the same continue token twice; stopping to avoid an endless loop.", resource.ToString());
            }

            token = next;
        }
    }

    /// <summary>
    /// One object by name (GET <c>&lt;list path&gt;/&lt;name&gt;</c>), with the same retries and error mapping as a list
    /// page; null when the API server answers 404 (no such object, or the type is not served).
    /// </summary>
    public async Task<JsonElement?> GetAsync(KubernetesResourceType resource, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string url = _connection.Server.TrimEnd('/') + resource.ListPath + "/" + Uri.EscapeDataString(name);
        (JsonDocument? document, _) = await FetchAsync(resource, url, $"get {resource} {name}", notFoundIsEmpty: true, token: null, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        using (document)
        {
            return document.RootElement.Clone();
        }
    }

    /// <summary>All items of a (small) list, each cloned so they outlive the pages.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListAllAsync(KubernetesResourceType resource, KubernetesListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var all = new List<JsonElement>();
        await foreach (KubernetesListPage page in ListAsync(resource, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (JsonElement item in page.Items)
            {
                all.Add(item.Clone());
            }
        }

        return all;
    }

    private static string ItemKey(JsonElement item)
    {
        if (item.TryGetProperty("metadata", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object)
        {
            if (meta.TryGetProperty("uid", out JsonElement uid) && uid.GetString() is { Length: > 0 } u)
            {
                return u;
            }

            string ns = meta.TryGetProperty("namespace", out JsonElement n) ? n.GetString() ?? "" : "";
            string name = meta.TryGetProperty("name", out JsonElement nm) ? nm.GetString() ?? "" : "";
            return ns + "/" + name;
        }

        return item.GetRawText();
    }

    private string BuildUrl(KubernetesResourceType resource, KubernetesListOptions options, string? token)
    {
        var query = new StringBuilder("?limit=").Append(options.PageSize.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(options.LabelSelector))
        {
            query.Append("&labelSelector=").Append(Uri.EscapeDataString(options.LabelSelector));
        }

        if (!string.IsNullOrEmpty(options.FieldSelector))
        {
            query.Append("&fieldSelector=").Append(Uri.EscapeDataString(options.FieldSelector));
        }

        if (token is not null)
        {
            query.Append("&continue=").Append(Uri.EscapeDataString(token));
        }

        return _connection.Server.TrimEnd('/') + resource.ListPath + query;
    }

    /// <summary>One page (or object) with retries. Returns (null, true) when the continue token expired; (null, false) for an allowed 404.</summary>
    private async Task<(JsonDocument? Document, bool Expired)> FetchAsync(KubernetesResourceType resource, string url, string operation, bool notFoundIsEmpty, string? token, CancellationToken cancellationToken)
    {
        var client = (k8s.Kubernetes)_connection.Client;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan? retryAfter = null;
            string failure;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCts.CancelAfter(AttemptTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (client.Credentials is { } credentials)
                {
                    await credentials.ProcessHttpRequestAsync(request, attemptCts.Token).ConfigureAwait(false);
                }

                Interlocked.Increment(ref _requests);
                using HttpResponseMessage response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    await using Stream stream = await response.Content.ReadAsStreamAsync(attemptCts.Token).ConfigureAwait(false);
                    return (await JsonDocument.ParseAsync(stream, default, attemptCts.Token).ConfigureAwait(false), false);
                }

                string body = await ReadSmallAsync(response, attemptCts.Token).ConfigureAwait(false);
                string detail = StatusMessage(body) ?? response.ReasonPhrase ?? "";
                if (status == 410 && token is not null)
                {
                    return (null, true);
                }

                if (status == 404 && notFoundIsEmpty)
                {
                    return (null, false);
                }

                if (status is 429 or 500 or 502 or 503 or 504)
                {
                    retryAfter = response.Headers.RetryAfter?.Delta;
                    failure = $"HTTP {status} {detail}".Trim();
                }
                else
                {
                    throw status switch
                    {
                        400 => new EngineException("KubernetesBadRequest", ErrorKind.InvalidArgument, $"The Kubernetes API refused {operation} (400): {detail}", resource.ToString()),
                        401 => new EngineException("KubernetesUnauthorized", ErrorKind.AuthenticationError,
                            $"The Kubernetes API rejected the credentials for {operation} (401). For EKS, check that your IAM identity has an access entry on the cluster.", _connection.ClusterName ?? _connection.Server),
                        403 => new EngineException("KubernetesForbidden", ErrorKind.PermissionDenied, $"Kubernetes RBAC forbids {operation} (403): {detail}", resource.ToString()),
                        404 => new EngineException("KubernetesResourceNotServed", ErrorKind.ObjectNotFound,
                            $"The cluster does not serve {resource.Kind} ({resource.Group}/{resource.Version}): is the CRD installed?", resource.ToString()),
                        _ => new EngineException("KubernetesApiError", ErrorKind.InvalidOperation, $"The Kubernetes API failed {operation}: HTTP {status}: {detail}", resource.ToString()),
                    };
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                failure = $"no answer within {AttemptTimeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException ex) when (ex.InnerException is System.Security.Authentication.AuthenticationException)
            {
                throw new EngineException("KubernetesTlsFailed", ErrorKind.SecurityError,
                    $"The Kubernetes API server's certificate did not verify ({operation}).", _connection.Server, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
            {
                failure = ex is JsonException ? "incomplete or invalid response body" : $"connection failed: {ex.Message}";
            }
            catch (Exception ex) when (ex is not EngineException && ex.GetType().Namespace?.StartsWith("k8s", StringComparison.Ordinal) == true)
            {
                throw KubernetesConnection.MapError(ex, operation, _connection.ClusterName ?? _connection.Server);
            }

            if (attempt >= MaxAttempts)
            {
                throw new EngineException("KubernetesUnavailable", ErrorKind.ResourceUnavailable,
                    $"The Kubernetes API failed {operation} {attempt} times; last: {failure}.", _connection.ClusterName ?? _connection.Server);
            }

            double backoff = Math.Min(8000, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1)) * (0.5 + Random.Shared.NextDouble() / 2);
            TimeSpan delay = retryAfter is { } ra && ra > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Min(ra.TotalMilliseconds, 10_000)) : TimeSpan.FromMilliseconds(backoff);
            Trace?.Invoke($"Kubernetes {operation}: {failure}, retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt + 1} of {MaxAttempts})");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> ReadSmallAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length > 2000 ? text[..2000] : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return "";
        }
    }

    /// <summary>The <c>message</c> of a Kubernetes Status body.</summary>
    private static string? StatusMessage(string body)
    {
        if (!body.TrimStart().StartsWith('{'))
        {
            return body.Length is > 0 and < 300 ? body.Trim() : null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
