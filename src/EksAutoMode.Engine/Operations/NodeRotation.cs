using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Operations;

/// <summary>A node that qualifies for rotation.</summary>
public sealed record NodeRotationCandidate(string NodePool, string NodeClaim, string? Node, DateTimeOffset Created, DateTimeOffset? Expires);

/// <summary>What happened to one node.</summary>
public sealed record NodeRotationRecord
{
    public required string NodePool { get; init; }
    public required string OldNodeClaim { get; init; }
    public string? OldNode { get; init; }
    public string? NewNodeClaim { get; init; }
    public string? NewNode { get; init; }
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset Finished { get; init; }

    /// <summary>Replaced, Blocked (the old node never drained: PDB, do-not-disrupt), TimedOut (replacement or pods not back).</summary>
    public required string Outcome { get; init; }

    public required string Message { get; init; }
}

/// <summary>
/// Replaces a pool's nodes in a window the operator chose, before Auto Mode's own expiry (at most 21 days) does it at
/// a time nobody chose: delete one NodeClaim (Auto Mode drains it honouring PDBs and launches a replacement), wait —
/// watching NodeClaims and pods — until the old claim is gone, a new claim of the pool is Ready and every workload
/// that had pods on the node has as many Running+Ready pods as before, then the next. At most
/// <c>maxUnavailable</c> nodes are out at once. Re-running is safe: only nodes that still qualify are rotated, and a
/// rotation already under way (a NodeClaim of the pool being deleted) is waited for first.
/// </summary>
public sealed class NodeRotation
{
    private readonly ClusterState _state;
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly object _sync = new();

    public NodeRotation(KubernetesObjectClient client) => _state = new ClusterState(client);

    public static void Validate(TimeSpan? olderThan, TimeSpan? expiringWithin, int maxUnavailable, TimeSpan timeout)
    {
        if (olderThan is null == expiringWithin is null)
        {
            throw new EngineException("RotationWindowRequired", ErrorKind.InvalidArgument, "Pass exactly one of -OlderThan or -ExpiringWithin.", null);
        }

        if (olderThan < TimeSpan.Zero || expiringWithin < TimeSpan.Zero || timeout <= TimeSpan.Zero || maxUnavailable < 1)
        {
            throw new EngineException("InvalidRotationParameter", ErrorKind.InvalidArgument, "-OlderThan/-ExpiringWithin must not be negative, -Timeout must be positive and -MaxUnavailable at least 1.", null);
        }
    }

    /// <summary>The pool's Ready, not-deleting NodeClaims that qualify, oldest first.</summary>
    public async Task<IReadOnlyList<NodeRotationCandidate>> FindAsync(string pool, TimeSpan? olderThan, TimeSpan? expiringWithin, DateTimeOffset now, CancellationToken ct)
    {
        var result = new List<NodeRotationCandidate>();
        foreach (JsonElement claim in await _state.NodeClaimsAsync(pool, ct).ConfigureAwait(false))
        {
            if (ClusterState.Deleting(claim) || !ClusterState.ConditionTrue(claim, "Ready") || ClusterState.Created(claim) is not { } created)
            {
                continue;
            }

            TimeSpan? expireAfter = GoDuration.Parse(ClusterState.Str(claim, "spec", "expireAfter"));
            DateTimeOffset? expires = expireAfter is { } e ? created + e : null;
            bool qualifies = olderThan is { } o ? now - created >= o : expires is { } x && x - now <= expiringWithin!.Value;
            if (qualifies)
            {
                result.Add(new NodeRotationCandidate(pool, ClusterState.Name(claim), ClusterState.Str(claim, "status", "nodeName"), created, expires));
            }
        }

        return result.OrderBy(c => c.Created).ThenBy(c => c.NodeClaim, StringComparer.Ordinal).ToList();
    }

    /// <summary>NodeClaims of the pool already being deleted (an earlier run, or Auto Mode's own disruption).</summary>
    public async Task<IReadOnlyList<string>> InFlightAsync(string pool, CancellationToken ct) =>
        (await _state.NodeClaimsAsync(pool, ct).ConfigureAwait(false)).Where(ClusterState.Deleting).Select(ClusterState.Name).ToList();

    /// <summary>Waits for claims already being deleted to go (so MaxUnavailable counts them). False on timeout.</summary>
    public Task<bool> WaitInFlightAsync(string pool, TimeSpan timeout, CancellationToken ct) =>
        _state.WaitAsync(async c => (await InFlightAsync(pool, c).ConfigureAwait(false)).Count == 0,
            [(KubernetesResourceType.NodeClaims, $"{ClusterState.PoolLabel}={pool}")], timeout, ct);

    /// <summary>Rotates one node and reports the outcome (never throws for a blocked drain: that is an outcome).</summary>
    public async Task<NodeRotationRecord> RotateAsync(NodeRotationCandidate candidate, TimeSpan timeout, Action<string>? trace, CancellationToken ct)
    {
        DateTimeOffset started = DateTimeOffset.UtcNow;
        string pool = candidate.NodePool;
        var before = (await _state.NodeClaimsAsync(pool, ct).ConfigureAwait(false)).Select(ClusterState.Name).ToHashSet(StringComparer.Ordinal);
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        if (candidate.Node is { } node)
        {
            foreach (JsonElement pod in await _state.PodsOnNodeAsync(node, ct).ConfigureAwait(false))
            {
                if (ClusterState.Drainable(pod) && !ClusterState.Deleting(pod) && ClusterState.OwnerKey(pod) is { } key)
                {
                    owners[key] = 0;
                }
            }
        }

        if (owners.Count > 0)
        {
            var all = await _state.Client.Lists.ListAllAsync(KubernetesResourceType.Pods, null, ct).ConfigureAwait(false);
            foreach (JsonElement pod in all.Where(ClusterState.Healthy))
            {
                if (ClusterState.OwnerKey(pod) is { } k && owners.ContainsKey(k))
                {
                    owners[k]++;
                }
            }
        }

        trace?.Invoke($"Deleting NodeClaim {candidate.NodeClaim} (node {candidate.Node}); waiting for its replacement and {owners.Count} workload(s) to recover.");
        await _state.Client.DeleteAsync(KubernetesResourceType.NodeClaims.ListPath + "/" + Uri.EscapeDataString(candidate.NodeClaim), false, ct).ConfigureAwait(false);

        string? newClaim = null, newNode = null;
        bool oldGone = false, podsBack = owners.Count == 0;
        async Task<bool> Done(CancellationToken c)
        {
            var claims = await _state.NodeClaimsAsync(pool, c).ConfigureAwait(false);
            oldGone = claims.All(x => ClusterState.Name(x) != candidate.NodeClaim);
            if (newClaim is null)
            {
                foreach (JsonElement x in claims.Where(x => !before.Contains(ClusterState.Name(x)) && !ClusterState.Deleting(x) && ClusterState.ConditionTrue(x, "Ready")))
                {
                    lock (_sync)
                    {
                        if (_taken.Add(ClusterState.Name(x)))
                        {
                            newClaim = ClusterState.Name(x);
                            newNode = ClusterState.Str(x, "status", "nodeName");
                            break;
                        }
                    }
                }
            }

            if (!podsBack && oldGone)
            {
                var all = await _state.Client.Lists.ListAllAsync(KubernetesResourceType.Pods, null, c).ConfigureAwait(false);
                var now = owners.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
                foreach (JsonElement pod in all.Where(ClusterState.Healthy))
                {
                    if (ClusterState.OwnerKey(pod) is { } k && now.ContainsKey(k))
                    {
                        now[k]++;
                    }
                }

                podsBack = owners.All(o => now[o.Key] >= o.Value);
            }

            return oldGone && newClaim is not null && podsBack;
        }

        bool done = await _state.WaitAsync(Done, [(KubernetesResourceType.NodeClaims, $"{ClusterState.PoolLabel}={pool}"), (KubernetesResourceType.Pods, null)], timeout, ct).ConfigureAwait(false);
        var record = new NodeRotationRecord
        {
            NodePool = pool,
            OldNodeClaim = candidate.NodeClaim,
            OldNode = candidate.Node,
            NewNodeClaim = newClaim,
            NewNode = newNode,
            Started = started,
            Finished = DateTimeOffset.UtcNow,
            Outcome = "Replaced",
            Message = $"Replaced by {newClaim} (node {newNode}); {owners.Count} workload(s) back to their Ready pod count.",
        };
        if (done)
        {
            return record;
        }

        if (!oldGone)
        {
            var claim = (await _state.NodeClaimsAsync(pool, ct).ConfigureAwait(false)).Where(x => ClusterState.Name(x) == candidate.NodeClaim);
            var holders = await _state.HoldersAsync(claim, ct).ConfigureAwait(false);
            return record with
            {
                Outcome = "Blocked",
                Message = $"Node {candidate.Node} did not drain within {timeout}: {string.Join("; ", holders)}. The NodeClaim stays marked for deletion; Auto Mode finishes it when the blocker goes (or when terminationGracePeriod ends).",
            };
        }

        return record with
        {
            Outcome = "TimedOut",
            Message = newClaim is null
                ? $"Node {candidate.Node} is gone but no replacement NodeClaim of pool '{pool}' became Ready within {timeout} (pool limits? capacity?)."
                : $"Replacement {newClaim} is Ready but not every evicted workload has its pods Running again within {timeout}.",
        };
    }
}
