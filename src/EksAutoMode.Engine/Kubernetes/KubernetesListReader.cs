using System.Globalization;
using System.Net;
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
    public static readonly KubernetesResourceType Services = new("", "v1", "services", "Service");
    public static readonly KubernetesResourceType ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount");
    public static readonly KubernetesResourceType Secrets = new("", "v1", "secrets", "Secret");
    public static readonly KubernetesResourceType Deployments = new("apps", "v1", "deployments", "Deployment");
    public static readonly KubernetesResourceType DaemonSets = new("apps", "v1", "daemonsets", "DaemonSet");
    public static readonly KubernetesResourceType StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet");
    public static readonly KubernetesResourceType ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet");
    public static readonly KubernetesResourceType PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget");
    public static readonly KubernetesResourceType Ingresses = new("networking.k8s.io", "v1", "ingresses", "Ingress");
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

/// <summary>One page of a list. Its items are copies that outlive the enumeration.</summary>
public sealed class KubernetesListPage
{
    internal KubernetesListPage(IReadOnlyList<JsonElement> items, int number, long? remaining, int itemsSoFar)
    {
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
}

/// <summary>Where a streamed list stands after one of its pages (for progress).</summary>
public sealed record KubernetesListProgress(int Page, int ItemsSoFar, long? RemainingItemCount);

/// <summary>
/// Reads Kubernetes lists page by page (<c>limit</c>/<c>continue</c>), and each page item by item as its body arrives
/// (<see cref="ListItemsAsync"/>), so a 50,000-pod cluster is never held in memory: only the item being read is. Each
/// request goes through the one retry loop (<see cref="KubernetesRequestSender"/>: 429 with Retry-After, 5xx,
/// connection failures, per-attempt timeouts); a body that breaks off mid-page is fetched again and the items
/// already delivered are skipped; a continue token that expired (410) restarts the list and skips the items already
/// delivered, so callers see every object once. Other failures become <see cref="EngineException"/>s with stable
/// ids. Thread-safe; one reader per connection.
/// </summary>
public sealed class KubernetesListReader
{
    private readonly KubernetesRequestSender _sender;

    public KubernetesListReader(KubernetesConnection connection) => _sender = new KubernetesRequestSender(connection);

    /// <summary>The retry loop every request of this reader (and of a <c>KubernetesObjectClient</c> over it) goes through.</summary>
    internal KubernetesRequestSender Sender => _sender;

    /// <summary>Attempts per request (first try included).</summary>
    public int MaxAttempts { get => _sender.MaxAttempts; init => _sender.MaxAttempts = value; }

    /// <summary>How long one attempt may wait for an answer (and, while a page streams, for each further chunk of it).</summary>
    public TimeSpan AttemptTimeout { get => _sender.AttemptTimeout; init => _sender.AttemptTimeout = value; }

    /// <summary>Base backoff (doubled per retry, with jitter, capped at 8 s).</summary>
    public TimeSpan BaseDelay { get => _sender.BaseDelay; init => _sender.BaseDelay = value; }

    /// <summary>Retry and restart notices ("… retrying in 400 ms"); never contains tokens.</summary>
    public Action<string>? Trace { get => _sender.Trace; init => _sender.Trace = value; }

    /// <summary>HTTP requests sent so far (retries included).</summary>
    public long RequestCount => _sender.RequestCount;

    /// <summary>
    /// Lists <paramref name="resource"/> cluster-wide item by item, each parsed as it arrives. An item is valid until
    /// the enumeration moves on (clone what must be kept). <paramref name="pageDone"/> is called after each page.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ListItemsAsync(KubernetesResourceType resource, KubernetesListOptions? options = null,
        Action<KubernetesListProgress>? pageDone = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (ListEvent e in StreamAsync(resource, options, cancellationToken).ConfigureAwait(false))
        {
            if (e.Progress is { } progress)
            {
                pageDone?.Invoke(progress);
            }
            else
            {
                yield return e.Item;
            }
        }
    }

    /// <summary>Lists <paramref name="resource"/> cluster-wide, page by page (items copied; for lists of hundreds, not tens of thousands).</summary>
    public async IAsyncEnumerable<KubernetesListPage> ListAsync(KubernetesResourceType resource, KubernetesListOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = new List<JsonElement>();
        await foreach (ListEvent e in StreamAsync(resource, options, cancellationToken).ConfigureAwait(false))
        {
            if (e.Progress is { } progress)
            {
                yield return new KubernetesListPage(items, progress.Page, progress.RemainingItemCount, progress.ItemsSoFar);
                items = new List<JsonElement>();
            }
            else
            {
                items.Add(e.Item.Clone());
            }
        }
    }

    /// <summary>
    /// One object by name (GET <c>&lt;list path&gt;/&lt;name&gt;</c>), with the same retries and error mapping as a list
    /// page; null when the API server answers 404 (no such object, or the type is not served).
    /// </summary>
    public async Task<JsonElement?> GetAsync(KubernetesResourceType resource, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string operation = $"get {resource} {name}";
        return await _sender.SendAsync<JsonElement?>(HttpMethod.Get, resource.ListPath + "/" + Uri.EscapeDataString(name), null, null, operation,
            async (response, token) =>
            {
                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return null;
                    }

                    await using Stream stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                    using JsonDocument document = await JsonDocument.ParseAsync(stream, default, token).ConfigureAwait(false);
                    return document.RootElement.Clone();
                }
            },
            status => status == 404,
            (status, detail) => Failure(resource, operation, status, detail), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All items of a (small) list, each cloned so they outlive the pages.</summary>
    public async Task<IReadOnlyList<JsonElement>> ListAllAsync(KubernetesResourceType resource, KubernetesListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var all = new List<JsonElement>();
        await foreach (JsonElement item in ListItemsAsync(resource, options, null, cancellationToken).ConfigureAwait(false))
        {
            all.Add(item.Clone());
        }

        return all;
    }

    /// <summary>An item (valid until the next event) or the end of a page.</summary>
    private readonly record struct ListEvent(JsonElement Item, KubernetesListProgress? Progress);

    private async IAsyncEnumerable<ListEvent> StreamAsync(KubernetesResourceType resource, KubernetesListOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        options ??= new KubernetesListOptions();
        string operation = $"list {resource}";
        string? token = null;
        int number = 0, restarts = 0, attempt = 1;
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            HttpResponseMessage? response = await _sender.SendAsync(HttpMethod.Get, BuildPath(resource, options, token), null, null, operation,
                (r, _) => Task.FromResult<HttpResponseMessage?>(r),
                status => status == 410 && token is not null || status == 404 && options.NotFoundIsEmpty,
                (status, detail) => Failure(resource, operation, status, detail), cancellationToken, attempt).ConfigureAwait(false);
            using (response)
            {
                if (response!.StatusCode == HttpStatusCode.NotFound)
                {
                    yield break; // the CRD is not installed and NotFoundIsEmpty
                }

                if (response.StatusCode == HttpStatusCode.Gone)
                {
                    if (++restarts > 3)
                    {
                        throw new EngineException("KubernetesListExpired", ErrorKind.ResourceUnavailable,
                            $"Listing {resource} kept failing with 410 Gone (the continue token expired {restarts} times); the cluster changes faster than it can be listed.", resource.ToString());
                    }

                    _sender.Trace?.Invoke($"Kubernetes list {resource}: continue token expired (410) after {delivered.Count} item(s); restarting the list and skipping what was already read.");
                    token = null;
                    tokens.Clear();
                    continue;
                }

                Stream stream;
                try
                {
                    stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !KubernetesRequestSender.IsNotRetried(ex))
                {
                    await _sender.BackoffAsync(operation, $"connection failed: {ex.Message}", attempt++, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                using var body = new KubernetesListBody(stream, _sender.AttemptTimeout);
                string? problem = null;
                while (true)
                {
                    JsonDocument? item;
                    try
                    {
                        item = await body.NextAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException or TimeoutException && !KubernetesRequestSender.IsNotRetried(ex))
                    {
                        problem = ex switch
                        {
                            JsonException => "incomplete or invalid response body",
                            TimeoutException => $"no data within {_sender.AttemptTimeout.TotalSeconds:0} s",
                            _ => $"connection failed: {ex.Message}",
                        };
                        break;
                    }
                    catch (Exception ex) when (KubernetesRequestSender.IsNotRetried(ex))
                    {
                        throw KubernetesConnection.MapError(ex, operation, _sender.ConnectionTarget);
                    }

                    if (item is null)
                    {
                        break;
                    }

                    if (delivered.Add(ItemKey(item.RootElement)))
                    {
                        yield return new ListEvent(item.RootElement, null);
                    }
                }

                if (problem is not null)
                {
                    // The body broke off mid-page: fetch the same page again; the items already delivered are skipped.
                    await _sender.BackoffAsync(operation, problem, attempt++, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                attempt = 1;
                yield return new ListEvent(default, new KubernetesListProgress(++number, delivered.Count, body.RemainingItemCount));
                string? next = body.Continue is { Length: > 0 } c ? c : null;
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
    }

    private EngineException Failure(KubernetesResourceType resource, string operation, int status, string detail) => status switch
    {
        400 => new EngineException("KubernetesBadRequest", ErrorKind.InvalidArgument, $"The Kubernetes API refused {operation} (400): {detail}", resource.ToString()),
        401 => new EngineException("KubernetesUnauthorized", ErrorKind.AuthenticationError,
            $"The Kubernetes API rejected the credentials for {operation} (401). For EKS, check that your IAM identity has an access entry on the cluster.", _sender.ConnectionTarget),
        403 => new EngineException("KubernetesForbidden", ErrorKind.PermissionDenied, $"Kubernetes RBAC forbids {operation} (403): {detail}", resource.ToString()),
        404 => new EngineException("KubernetesResourceNotServed", ErrorKind.ObjectNotFound,
            $"The cluster does not serve {resource.Kind} ({resource.Group}/{resource.Version}): is the CRD installed?", resource.ToString()),
        _ => new EngineException("KubernetesApiError", ErrorKind.InvalidOperation, $"The Kubernetes API failed {operation}: HTTP {status}: {detail}", resource.ToString()),
    };

    private static string ItemKey(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("metadata", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object)
        {
            if (meta.TryGetProperty("uid", out JsonElement uid) && uid.ValueKind == JsonValueKind.String && uid.GetString() is { Length: > 0 } u)
            {
                return u;
            }

            string ns = meta.TryGetProperty("namespace", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "";
            string name = meta.TryGetProperty("name", out JsonElement nm) && nm.ValueKind == JsonValueKind.String ? nm.GetString() ?? "" : "";
            return ns + "/" + name;
        }

        return item.GetRawText();
    }

    private static string BuildPath(KubernetesResourceType resource, KubernetesListOptions options, string? token)
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

        return resource.ListPath + query;
    }
}
