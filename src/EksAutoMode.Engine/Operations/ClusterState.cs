using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Operations;

/// <summary>Reads the cluster state the operations decide on: a pool's NodeClaims, pods on a node, what holds a drain.</summary>
public sealed class ClusterState
{
    public const string PoolLabel = "karpenter.sh/nodepool";
    public const string DoNotDisrupt = "karpenter.sh/do-not-disrupt";
    private readonly KubernetesObjectClient _client;

    public ClusterState(KubernetesObjectClient client) => _client = client;

    public KubernetesObjectClient Client => _client;

    public Task<IReadOnlyList<JsonElement>> NodeClaimsAsync(string pool, CancellationToken ct) =>
        _client.Lists.ListAllAsync(KubernetesResourceType.NodeClaims, new KubernetesListOptions { LabelSelector = $"{PoolLabel}={pool}" }, ct);

    public Task<IReadOnlyList<JsonElement>> PodsOnNodeAsync(string node, CancellationToken ct) =>
        _client.Lists.ListAllAsync(KubernetesResourceType.Pods, new KubernetesListOptions { FieldSelector = "spec.nodeName=" + node }, ct);

    public static string Name(JsonElement o) => Str(o, "metadata", "name") ?? "";

    public static string? Str(JsonElement e, params string[] path)
    {
        JsonElement cur = e;
        foreach (string p in path)
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(p, out cur))
            {
                return null;
            }
        }

        return cur.ValueKind switch { JsonValueKind.String => cur.GetString(), JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => cur.GetRawText(), _ => null };
    }

    public static bool Deleting(JsonElement o) => Str(o, "metadata", "deletionTimestamp") is not null;

    public static bool ConditionTrue(JsonElement o, string type) =>
        o.TryGetProperty("status", out JsonElement s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("conditions", out JsonElement c) && c.ValueKind == JsonValueKind.Array
        && c.EnumerateArray().Any(x => Str(x, "type") == type && Str(x, "status") == "True");

    public static DateTimeOffset? Created(JsonElement o) =>
        DateTimeOffset.TryParse(Str(o, "metadata", "creationTimestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>Pods a drain evicts: not owned by a DaemonSet, not finished, not mirror pods.</summary>
    public static bool Drainable(JsonElement pod) =>
        Str(pod, "status", "phase") is not ("Succeeded" or "Failed")
        && !Owners(pod).Any(o => o.Kind is "DaemonSet" or "Node")
        && Str(pod, "metadata", "annotations", "kubernetes.io/config.mirror") is null;

    public static bool Healthy(JsonElement pod) => !Deleting(pod) && Str(pod, "status", "phase") == "Running" && ConditionTrue(pod, "Ready");

    public static IEnumerable<(string Kind, string Name)> Owners(JsonElement pod)
    {
        if (pod.TryGetProperty("metadata", out JsonElement m) && m.TryGetProperty("ownerReferences", out JsonElement refs) && refs.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement r in refs.EnumerateArray())
            {
                yield return (Str(r, "kind") ?? "", Str(r, "name") ?? "");
            }
        }
    }

    /// <summary>"ns/Kind/name" of the pod's controller, or null for a bare pod.</summary>
    public static string? OwnerKey(JsonElement pod) =>
        Owners(pod).Select(o => $"{Str(pod, "metadata", "namespace")}/{o.Kind}/{o.Name}").FirstOrDefault();

    /// <summary>
    /// Why the nodes of these NodeClaims are not gone yet, one line per cause: pods with karpenter.sh/do-not-disrupt,
    /// PodDisruptionBudgets that allow no disruption for pods still on the node, claims waiting for their instance.
    /// </summary>
    public async Task<IReadOnlyList<string>> HoldersAsync(IEnumerable<JsonElement> claims, CancellationToken ct)
    {
        var holders = new List<string>();
        IReadOnlyList<JsonElement>? pdbs = null;
        foreach (JsonElement claim in claims)
        {
            string? node = Str(claim, "status", "nodeName");
            if (node is null)
            {
                holders.Add($"NodeClaim {Name(claim)} has no node yet");
                continue;
            }

            var pods = (await PodsOnNodeAsync(node, ct).ConfigureAwait(false)).Where(p => Drainable(p) && !Deleting(p)).ToList();
            if (pods.Count == 0)
            {
                holders.Add($"node {node}: drained, waiting for the instance to terminate");
                continue;
            }

            pdbs ??= await _client.Lists.ListAllAsync(KubernetesResourceType.PodDisruptionBudgets, new KubernetesListOptions { NotFoundIsEmpty = true }, ct).ConfigureAwait(false);
            foreach (JsonElement pod in pods)
            {
                string id = $"{Str(pod, "metadata", "namespace")}/{Name(pod)}";
                if (Str(pod, "metadata", "annotations", DoNotDisrupt) == "true")
                {
                    holders.Add($"node {node}: pod {id} has {DoNotDisrupt}=true");
                    continue;
                }

                foreach (JsonElement pdb in pdbs.Where(b => Str(b, "metadata", "namespace") == Str(pod, "metadata", "namespace") && SelectorMatches(b, pod)))
                {
                    if (Str(pdb, "status", "disruptionsAllowed") is "0")
                    {
                        holders.Add($"node {node}: PodDisruptionBudget {Str(pdb, "metadata", "namespace")}/{Name(pdb)} allows 0 disruptions for pod {id}");
                    }
                }
            }

            if (!holders.Any(h => h.StartsWith($"node {node}:", StringComparison.Ordinal)))
            {
                holders.Add($"node {node}: {pods.Count} pod(s) still draining");
            }
        }

        return holders;
    }

    /// <summary>Whether a PDB's spec.selector (matchLabels, matchExpressions) selects the pod. An empty selector selects every pod.</summary>
    public static bool SelectorMatches(JsonElement pdb, JsonElement pod)
    {
        if (!pdb.TryGetProperty("spec", out JsonElement spec) || !spec.TryGetProperty("selector", out JsonElement sel) || sel.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? Label(string key) => Str(pod, "metadata", "labels", key);
        if (sel.TryGetProperty("matchLabels", out JsonElement ml) && ml.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in ml.EnumerateObject())
            {
                if (Label(p.Name) != p.Value.GetString())
                {
                    return false;
                }
            }
        }

        if (sel.TryGetProperty("matchExpressions", out JsonElement me) && me.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in me.EnumerateArray())
            {
                string key = Str(e, "key") ?? "";
                var values = e.TryGetProperty("values", out JsonElement v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString()).ToHashSet() : new HashSet<string?>();
                string? actual = Label(key);
                bool ok = Str(e, "operator") switch
                {
                    "In" => actual is not null && values.Contains(actual),
                    "NotIn" => actual is null || !values.Contains(actual),
                    "Exists" => actual is not null,
                    "DoesNotExist" => actual is null,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Waits until <paramref name="done"/> holds, re-checking whenever a watched list changes (watch streams, not
    /// polling; a slow re-check every few seconds covers streams the server closes). False on timeout.
    /// </summary>
    public async Task<bool> WaitAsync(Func<CancellationToken, Task<bool>> done, IReadOnlyList<(KubernetesResourceType Type, string? Selector)> watches, TimeSpan timeout, CancellationToken ct)
    {
        DateTimeOffset deadline = DateTimeOffset.UtcNow + timeout;
        using var signal = new SemaphoreSlim(0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tasks = watches.Select(w => Task.Run(() => WatchLoop(w.Type, w.Selector, signal, stop.Token), stop.Token)).ToList();
        try
        {
            while (true)
            {
                if (await done(ct).ConfigureAwait(false))
                {
                    return true;
                }

                TimeSpan left = deadline - DateTimeOffset.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                await signal.WaitAsync(left < TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
                while (signal.CurrentCount > 0)
                {
                    await signal.WaitAsync(ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or EngineException)
            {
            }
        }
    }

    private async Task WatchLoop(KubernetesResourceType type, string? selector, SemaphoreSlim signal, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                JsonElement? list = await _client.GetAsync(type.ListPath + "?limit=1", ct).ConfigureAwait(false);
                string rv = list is { } l ? Str(l, "metadata", "resourceVersion") ?? "0" : "0";
                await foreach (KubernetesWatchEvent e in _client.WatchAsync(type.ListPath, selector, rv, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false))
                {
                    if (e.Type != "BOOKMARK")
                    {
                        signal.Release();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (EngineException)
            {
                // A failed or expired watch: the caller still re-checks every few seconds; try again shortly.
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }
}
