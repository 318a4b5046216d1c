using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Operations;

/// <summary>What Suspend/Resume did to one pool.</summary>
public sealed record NodePoolOperationResult
{
    public required string NodePool { get; init; }

    /// <summary>Suspended, AlreadySuspended, Resumed.</summary>
    public required string Action { get; init; }

    /// <summary>spec.limits exactly as recorded (JSON text), null when the pool had none.</summary>
    public string? OriginalLimits { get; init; }

    /// <summary>spec.replicas of a static pool as recorded, null for a dynamic pool.</summary>
    public string? OriginalReplicas { get; init; }

    public DateTimeOffset? SuspendedAt { get; init; }
    public int NodeClaimsDeleted { get; init; }

    /// <summary>NodeClaims of the pool still present when the command finished.</summary>
    public int RemainingNodeClaims { get; init; }

    /// <summary>What still holds the pool's nodes (after -Wait timed out, or right after suspending).</summary>
    public IReadOnlyList<string> HeldBy { get; init; } = [];

    public bool TimedOut { get; init; }
    public required string Message { get; init; }
}

/// <summary>The record a suspended pool carries in its annotation.</summary>
public sealed record SuspensionRecord(string? Limits, string? Replicas, DateTimeOffset SuspendedAt);

/// <summary>
/// Nightly/weekend stop for Auto Mode pools. Auto Mode does not let anyone stop or terminate its instances (it
/// replaces them), so suspending a pool means: record its <c>spec.limits</c> (and <c>spec.replicas</c> of a static
/// pool) verbatim in the <see cref="Annotation"/> annotation, make sure no node can launch — a dynamic pool's limits
/// become cpu 0, memory 0; a static pool's <c>spec.replicas</c> becomes 0 and its limits stay as they are (the
/// NodePool CRD allows only <c>limits.nodes</c> on static pools, and replicas 0 already launches nothing) — and
/// delete the pool's NodeClaims so Auto Mode drains them honouring PDBs and terminationGracePeriod. Every write is a JSON patch guarded by a <c>test</c> of the resourceVersion that was
/// read, so a concurrent change is never overwritten. Re-running changes nothing and never overwrites the record.
/// </summary>
public sealed class NodePoolSuspension
{
    public const string Annotation = "eksautomode.io/suspended";
    public const string SuspendedLimits = "{\"cpu\":\"0\",\"memory\":\"0\"}";
    public static readonly IReadOnlySet<string> BuiltInPools = new HashSet<string>(StringComparer.Ordinal) { "system", "general-purpose" };

    private readonly ClusterState _state;

    public NodePoolSuspension(KubernetesObjectClient client) => _state = new ClusterState(client);

    public ClusterState State => _state;

    public static string PoolPath(string name) => KubernetesResourceType.NodePools.ListPath + "/" + Uri.EscapeDataString(name);

    public async Task<JsonElement> GetPoolAsync(string name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 253 || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
        {
            throw new EngineException("InvalidNodePoolName", ErrorKind.InvalidArgument, $"'{name}' is not a valid NodePool name (lowercase letters, digits, '-' and '.').", name);
        }

        return await _state.Client.GetAsync(PoolPath(name), ct).ConfigureAwait(false)
            ?? throw new EngineException("NodePoolNotFound", ErrorKind.ObjectNotFound, $"The cluster has no NodePool '{name}'.", name);
    }

    /// <summary>The recorded original, or null when the pool is not suspended. A damaged record is an error, never guessed at.</summary>
    public static SuspensionRecord? ReadRecord(JsonElement pool)
    {
        string? text = ClusterState.Str(pool, "metadata", "annotations", Annotation);
        if (text is null)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            JsonElement r = doc.RootElement;
            string? limits = r.TryGetProperty("limits", out JsonElement l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            string? replicas = r.TryGetProperty("replicas", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            DateTimeOffset at = r.TryGetProperty("suspendedAt", out JsonElement a) && a.TryGetDateTimeOffset(out DateTimeOffset t) ? t : default;
            if (limits is not null)
            {
                using var check = JsonDocument.Parse(limits);
            }

            return new SuspensionRecord(limits, replicas, at);
        }
        catch (JsonException ex)
        {
            throw new EngineException("SuspensionRecordInvalid", ErrorKind.InvalidData,
                $"NodePool '{ClusterState.Name(pool)}' has an unreadable {Annotation} annotation; restore spec.limits by hand and remove the annotation.", ClusterState.Name(pool), ex);
        }
    }

    /// <summary>Whether the pool is static (<c>spec.replicas</c> set): Auto Mode keeps that many nodes whatever the pods need.</summary>
    public static bool IsStatic(JsonElement pool) =>
        pool.TryGetProperty("spec", out JsonElement s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("replicas", out JsonElement r) && r.ValueKind != JsonValueKind.Null;

    /// <summary>What Suspend would do (for -WhatIf and the confirmation text).</summary>
    public async Task<string> DescribeSuspendAsync(string name, CancellationToken ct)
    {
        JsonElement pool = await GetPoolAsync(name, ct).ConfigureAwait(false);
        int claims = (await _state.NodeClaimsAsync(name, ct).ConfigureAwait(false)).Count(c => !ClusterState.Deleting(c));
        string limits = pool.TryGetProperty("spec", out JsonElement s) && s.TryGetProperty("limits", out JsonElement l) ? l.GetRawText() : "none";
        return ReadRecord(pool) is not null
            ? $"already suspended; delete {claims} remaining NodeClaim(s)"
            : IsStatic(pool)
                ? $"record spec.replicas {s.GetProperty("replicas").GetRawText()} and spec.limits {limits} in annotation {Annotation}, set spec.replicas to 0, delete {claims} NodeClaim(s) (their nodes drain honouring PDBs)"
                : $"record spec.limits {limits} in annotation {Annotation}, set spec.limits to {SuspendedLimits}, delete {claims} NodeClaim(s) (their nodes drain honouring PDBs)";
    }

    public async Task<NodePoolOperationResult> SuspendAsync(string name, bool force, CancellationToken ct)
    {
        if (BuiltInPools.Contains(name) && !force)
        {
            throw new EngineException("BuiltInNodePoolRefused", ErrorKind.InvalidOperation,
                $"'{name}' is a built-in Auto Mode NodePool: it runs cluster add-ons (system) and default workloads (general-purpose), and suspending it stops them. Pass -Force to suspend it anyway.", name)
            {
                RecommendedAction = "Suspend your own NodePools, or pass -Force for a built-in pool.",
            };
        }

        JsonElement pool = await GetPoolAsync(name, ct).ConfigureAwait(false);
        SuspensionRecord? record = ReadRecord(pool);
        string action = record is null ? "Suspended" : "AlreadySuspended";
        JsonElement spec = pool.TryGetProperty("spec", out JsonElement sp) ? sp : default;
        string? limits = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("limits", out JsonElement l) ? l.GetRawText() : null;
        string? replicas = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("replicas", out JsonElement r) ? r.GetRawText() : null;
        var ops = new JsonArray { Op("test", "/metadata/resourceVersion", ClusterState.Str(pool, "metadata", "resourceVersion")) };
        if (record is null)
        {
            var value = new JsonObject { ["limits"] = limits, ["suspendedAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) };
            if (replicas is not null)
            {
                value["replicas"] = replicas;
            }

            if (!pool.GetProperty("metadata").TryGetProperty("annotations", out JsonElement ann) || ann.ValueKind != JsonValueKind.Object)
            {
                ops.Add(Op("add", "/metadata/annotations", new JsonObject()));
            }

            ops.Add(Op("add", "/metadata/annotations/" + Annotation.Replace("~", "~0").Replace("/", "~1"), value.ToJsonString()));
            record = new SuspensionRecord(limits, replicas, DateTimeOffset.UtcNow);
        }

        bool isStatic = IsStatic(pool);
        if (!isStatic && !JsonNode.DeepEquals(limits is null ? null : JsonNode.Parse(limits), JsonNode.Parse(SuspendedLimits)))
        {
            ops.Add(Op("add", "/spec/limits", JsonNode.Parse(SuspendedLimits)));
        }

        if (isStatic && replicas != "0")
        {
            ops.Add(Op("replace", "/spec/replicas", 0));
        }

        if (ops.Count > 1)
        {
            await _state.Client.JsonPatchAsync(PoolPath(name), ops.ToJsonString(), dryRun: false, ct).ConfigureAwait(false);
        }

        int deleted = 0;
        foreach (JsonElement claim in (await _state.NodeClaimsAsync(name, ct).ConfigureAwait(false)).Where(c => !ClusterState.Deleting(c)))
        {
            if (await _state.Client.DeleteAsync(KubernetesResourceType.NodeClaims.ListPath + "/" + Uri.EscapeDataString(ClusterState.Name(claim)), false, ct).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        int remaining = (await _state.NodeClaimsAsync(name, ct).ConfigureAwait(false)).Count;
        return new NodePoolOperationResult
        {
            NodePool = name,
            Action = action,
            OriginalLimits = record.Limits,
            OriginalReplicas = record.Replicas,
            SuspendedAt = record.SuspendedAt,
            NodeClaimsDeleted = deleted,
            RemainingNodeClaims = remaining,
            Message = action == "Suspended"
                ? $"{Blocked(isStatic)}; {deleted} NodeClaim(s) deleted; {remaining} still draining."
                : deleted == 0 ? "Already suspended; nothing changed." : $"Already suspended; {deleted} NodeClaim(s) that had appeared were deleted.",
        };
    }

    /// <summary>Waits (watching NodeClaims) until the pool has none; on timeout reports what holds it.</summary>
    public async Task<NodePoolOperationResult> WaitEmptyAsync(NodePoolOperationResult result, TimeSpan timeout, CancellationToken ct)
    {
        string pool = result.NodePool;
        bool empty = await _state.WaitAsync(async c => (await _state.NodeClaimsAsync(pool, c).ConfigureAwait(false)).Count == 0,
            [(KubernetesResourceType.NodeClaims, $"{ClusterState.PoolLabel}={pool}")], timeout, ct).ConfigureAwait(false);
        if (empty)
        {
            return result with
            {
                RemainingNodeClaims = 0,
                Message = $"{(result.Action == "Suspended" ? Blocked(result.OriginalReplicas is not null) : "Already suspended")}; {result.NodeClaimsDeleted} NodeClaim(s) deleted; the pool is empty.",
            };
        }

        var claims = await _state.NodeClaimsAsync(pool, ct).ConfigureAwait(false);
        var holders = await _state.HoldersAsync(claims, ct).ConfigureAwait(false);
        return result with
        {
            RemainingNodeClaims = claims.Count,
            HeldBy = holders,
            TimedOut = true,
            Message = $"{claims.Count} NodeClaim(s) still present after {timeout}: {string.Join("; ", holders)}",
        };
    }

    public async Task<string> DescribeResumeAsync(string name, CancellationToken ct)
    {
        JsonElement pool = await GetPoolAsync(name, ct).ConfigureAwait(false);
        SuspensionRecord record = ReadRecord(pool) ?? throw NotSuspended(name);
        return $"restore spec.limits to {record.Limits ?? "none"}{(record.Replicas is null ? "" : $" and spec.replicas to {record.Replicas}")}, remove annotation {Annotation}";
    }

    public async Task<NodePoolOperationResult> ResumeAsync(string name, CancellationToken ct)
    {
        JsonElement pool = await GetPoolAsync(name, ct).ConfigureAwait(false);
        SuspensionRecord record = ReadRecord(pool) ?? throw NotSuspended(name);
        JsonElement spec = pool.TryGetProperty("spec", out JsonElement sp) ? sp : default;
        var ops = new JsonArray { Op("test", "/metadata/resourceVersion", ClusterState.Str(pool, "metadata", "resourceVersion")) };
        bool hasLimits = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("limits", out _);
        if (record.Limits is not null)
        {
            ops.Add(Op("add", "/spec/limits", JsonNode.Parse(record.Limits)));
        }
        else if (hasLimits)
        {
            ops.Add(new JsonObject { ["op"] = "remove", ["path"] = "/spec/limits" });
        }

        if (record.Replicas is not null)
        {
            ops.Add(Op("add", "/spec/replicas", JsonNode.Parse(record.Replicas)));
        }

        ops.Add(new JsonObject { ["op"] = "remove", ["path"] = "/metadata/annotations/" + Annotation.Replace("~", "~0").Replace("/", "~1") });
        await _state.Client.JsonPatchAsync(PoolPath(name), ops.ToJsonString(), dryRun: false, ct).ConfigureAwait(false);
        return new NodePoolOperationResult
        {
            NodePool = name,
            Action = "Resumed",
            OriginalLimits = record.Limits,
            OriginalReplicas = record.Replicas,
            SuspendedAt = record.SuspendedAt,
            Message = $"spec.limits restored to {record.Limits ?? "none"}{(record.Replicas is null ? "" : $", spec.replicas to {record.Replicas}")}; Auto Mode launches nodes again as pods need them.",
        };
    }

    private static string Blocked(bool isStatic) => isStatic ? "spec.replicas set to 0" : $"Limits set to {SuspendedLimits}";

    private static EngineException NotSuspended(string name) =>
        new("NodePoolNotSuspended", ErrorKind.InvalidOperation, $"NodePool '{name}' is not suspended (it has no {Annotation} annotation), so there is nothing to restore.", name);

    private static JsonObject Op(string op, string path, JsonNode? value) => new() { ["op"] = op, ["path"] = path, ["value"] = value };
}
