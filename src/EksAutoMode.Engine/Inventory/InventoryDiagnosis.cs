using System.Globalization;
using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Inventory;

/// <summary>Which object lists to read.</summary>
[Flags]
public enum AutoModeObjectKinds
{
    None = 0,
    NodePools = 1,
    NodeClasses = 2,
    NodeClaims = 4,
    PendingPods = 8,
    All = NodePools | NodeClasses | NodeClaims | PendingPods,
}

/// <summary>A cluster's NodePools, NodeClasses (Auto Mode and EC2NodeClass) and NodeClaims, each with its diagnosis.</summary>
public sealed record AutoModeObjects(
    IReadOnlyList<NodePoolInfo> NodePools, IReadOnlyList<NodeClassInfo> NodeClasses, IReadOnlyList<NodeClaimInfo> NodeClaims, int PendingPods);

/// <summary>
/// Reads NodePools, NodeClasses, EC2NodeClasses and NodeClaims (paged; a CRD that is not installed reads as empty),
/// computes the facts the diagnosis catalogue refers to, and attaches each object's findings.
/// </summary>
public sealed class InventoryDiagnosis
{
    /// <summary>Karpenter abandons a NodeClaim whose node has not registered 15 minutes after launch.</summary>
    public static readonly TimeSpan RegistrationTtl = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ExpiryHorizon = TimeSpan.FromHours(48);

    private readonly KubernetesListReader _kube;

    public InventoryDiagnosis(KubernetesListReader kube) => _kube = kube;

    public async Task<AutoModeObjects> ReadAsync(string cluster, AutoModeObjectKinds kinds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var listOptions = new KubernetesListOptions { NotFoundIsEmpty = true };
        var classes = new List<NodeClassInfo>();
        bool classesRead = false;
        if ((kinds & (AutoModeObjectKinds.NodeClasses | AutoModeObjectKinds.NodeClaims | AutoModeObjectKinds.NodePools)) != 0)
        {
            foreach (JsonElement c in await _kube.ListAllAsync(KubernetesResourceType.NodeClasses, listOptions, cancellationToken).ConfigureAwait(false))
            {
                classes.Add(InventoryObjects.ParseNodeClass(cluster, c, "NodeClass"));
            }

            foreach (JsonElement c in await _kube.ListAllAsync(KubernetesResourceType.Ec2NodeClasses, listOptions, cancellationToken).ConfigureAwait(false))
            {
                classes.Add(InventoryObjects.ParseNodeClass(cluster, c, "EC2NodeClass"));
            }

            classesRead = true;
        }

        var claims = new List<NodeClaimInfo>();
        if ((kinds & (AutoModeObjectKinds.NodeClaims | AutoModeObjectKinds.NodePools)) != 0)
        {
            await foreach (KubernetesListPage page in _kube.ListAsync(KubernetesResourceType.NodeClaims, listOptions, cancellationToken).ConfigureAwait(false))
            {
                claims.AddRange(page.Items.Select(i => InventoryObjects.ParseNodeClaim(cluster, i)));
            }
        }

        // Karpenter reports some failures only as Warning events on the NodeClaim (insufficient capacity: the claim is
        // deleted and an InsufficientCapacityError event remains). The latest one per claim joins its conditions as "Event".
        var events = new Dictionary<string, KubernetesCondition>(StringComparer.Ordinal);
        if ((kinds & AutoModeObjectKinds.NodeClaims) != 0)
        {
            await foreach (KubernetesListPage page in _kube.ListAsync(KubernetesResourceType.Events,
                listOptions with { FieldSelector = "involvedObject.kind=NodeClaim,type=Warning" }, cancellationToken).ConfigureAwait(false))
            {
                foreach (JsonElement e in page.Items)
                {
                    string? claim = e.Str("involvedObject", "name");
                    DateTimeOffset? at = e.Time("lastTimestamp") ?? e.Time("eventTime") ?? e.Time("metadata", "creationTimestamp");
                    if (claim is null || e.Str("type") is { } type && type != "Warning")
                    {
                        continue;
                    }

                    if (!events.TryGetValue(claim, out KubernetesCondition? known) || (known.LastTransitionTime ?? DateTimeOffset.MinValue) <= (at ?? DateTimeOffset.MinValue))
                    {
                        events[claim] = new KubernetesCondition("Event", "True", e.Str("reason"), e.Str("message"), at);
                    }
                }
            }
        }

        int pending = 0;
        if ((kinds & AutoModeObjectKinds.PendingPods) != 0)
        {
            await foreach (KubernetesListPage page in _kube.ListAsync(KubernetesResourceType.Pods, listOptions with { FieldSelector = "status.phase=Pending", PageSize = 5000 }, cancellationToken).ConfigureAwait(false))
            {
                pending += page.Items.Count(p => p.Str("spec", "nodeName") is null);
            }
        }

        var pools = new List<NodePoolInfo>();
        if ((kinds & AutoModeObjectKinds.NodePools) != 0)
        {
            foreach (JsonElement p in await _kube.ListAllAsync(KubernetesResourceType.NodePools, listOptions, cancellationToken).ConfigureAwait(false))
            {
                string name = p.Name();
                NodePoolInfo pool = InventoryObjects.ParseNodePool(cluster, p, claims.Count(c => c.NodePool == name && !c.Deleting));
                NodeClassInfo? nodeClass = FindClass(classes, pool.NodeClass, pool.NodeClassKind);
                var facts = new HashSet<string>(StringComparer.Ordinal);
                if (pool.AtLimit) facts.Add("atLimit");
                if (pending > 0) facts.Add("podsPending");
                if (pool.IsAutoMode) facts.Add("isAutoMode");
                AddClassFacts(facts, nodeClass, pool.NodeClass, classesRead);
                var values = new Dictionary<string, string?> { ["nodeClass"] = pool.NodeClass, ["nodePool"] = name };
                pools.Add(pool with { Diagnosis = DiagnosisCatalogue.Diagnose(new DiagnosisSubject("NodePool", name, pool.Conditions, facts, values)) });
            }
        }

        var diagnosedClaims = claims.Select(claim =>
        {
            NodeClassInfo? nodeClass = FindClass(classes, claim.NodeClass, claim.NodeClassKind);
            var facts = new HashSet<string>(StringComparer.Ordinal);
            AddClassFacts(facts, nodeClass, claim.NodeClass, classesRead);
            if (claim.NodeClassKind == "NodeClass") facts.Add("isAutoMode");
            if (claim.Deleting) facts.Add("deleting");
            KubernetesCondition? launched = claim.Conditions.Find("Launched");
            if (launched?.IsTrue == true && claim.Registered != true && now - (launched.LastTransitionTime ?? claim.CreatedAt ?? now) > RegistrationTtl)
            {
                facts.Add("registrationOverdue");
            }

            DateTimeOffset? expiresAt = claim.ExpireAfter is { } e && claim.CreatedAt is { } c ? c + e : null;
            if (expiresAt is { } x && x - now < ExpiryHorizon && !claim.Deleting && claim.Launched == true)
            {
                facts.Add("expiresWithin48h");
            }

            KubernetesCondition? registered = claim.Conditions.Find("Registered");
            var values = new Dictionary<string, string?>
            {
                ["nodeClass"] = claim.NodeClass,
                ["nodePool"] = claim.NodePool,
                ["expiresAt"] = expiresAt?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                ["reason"] = registered?.Reason,
                ["conditionMessage"] = registered?.Message,
            };
            IReadOnlyList<KubernetesCondition> evidence = events.TryGetValue(claim.Name, out KubernetesCondition? ev) ? claim.Conditions.Append(ev).ToArray() : claim.Conditions;
            return claim with { Diagnosis = DiagnosisCatalogue.Diagnose(new DiagnosisSubject("NodeClaim", claim.Name, evidence, facts, values)) };
        }).ToList();

        var diagnosedClasses = classes.Select(nc => nc with
        {
            Diagnosis = DiagnosisCatalogue.Diagnose(new DiagnosisSubject("NodeClass", nc.Name, nc.Conditions,
                nc.IsAutoMode ? new HashSet<string> { "isAutoMode" } : new HashSet<string>(), new Dictionary<string, string?> { ["nodeClass"] = nc.Name })),
        }).ToList();

        return new AutoModeObjects(pools, diagnosedClasses, diagnosedClaims, pending);
    }

    private static NodeClassInfo? FindClass(List<NodeClassInfo> classes, string? name, string? kind) =>
        name is null ? null : classes.FirstOrDefault(c => c.Name == name && (kind is null || string.Equals(c.Kind, kind, StringComparison.OrdinalIgnoreCase)));

    private static void AddClassFacts(HashSet<string> facts, NodeClassInfo? nodeClass, string? name, bool classesRead)
    {
        if (nodeClass is null)
        {
            if (classesRead && name is not null) facts.Add("nodeClassMissing");
            return;
        }

        if (nodeClass.Tags.Count > 0) facts.Add("nodeClassHasTags");
        if (nodeClass.Conditions.Find("Ready") is { } ready && !ready.IsTrue) facts.Add("nodeClassNotReady");
    }
}
