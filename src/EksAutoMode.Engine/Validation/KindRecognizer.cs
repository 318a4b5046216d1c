using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>What a document is to the validator.</summary>
public enum DocumentRole
{
    /// <summary>A NodeClass, EC2NodeClass or NodePool (or a kind a custom CRD defines): checked.</summary>
    Checked,

    /// <summary>Another Kubernetes kind (Deployment, ConfigMap, NodeClaim, …): skipped.</summary>
    OtherKind,

    /// <summary>Not a Kubernetes object: no apiVersion or no kind (a compose file, a package.json, …).</summary>
    NotKubernetesObject,

    /// <summary>A kind or apiVersion that is almost one we check (case, spelling, the other flavour's group).</summary>
    NearMiss,
}

/// <summary>
/// Tells checked kinds from other Kubernetes kinds, non-Kubernetes documents and near misses, so that a gate never
/// passes a manifest it did not look at: <c>kind: Nodepool</c>, a NodeClass under karpenter.k8s.aws, a NodePool
/// without apiVersion are errors that say which kind was meant; a Deployment is skipped.
/// </summary>
public static class KindRecognizer
{
    private sealed record Known(string Group, string Kind, string Flavour);

    private static readonly Known[] Checked =
    {
        new(ManifestValidator.AutoModeGroup, "NodeClass", "the Auto Mode node class"),
        new(ManifestValidator.KarpenterAwsGroup, "EC2NodeClass", "the OSS Karpenter node class"),
        new(ManifestValidator.KarpenterGroup, "NodePool", "used by both Auto Mode and OSS Karpenter"),
    };

    /// <summary>Real kinds in the same groups that are not checked (skipped, never near misses).</summary>
    private static readonly HashSet<(string Group, string Kind)> OtherRealKinds = new()
    {
        (ManifestValidator.KarpenterGroup, "NodeClaim"),
        (ManifestValidator.KarpenterGroup, "NodeOverlay"),
        (ManifestValidator.AutoModeGroup, "IngressClassParams"),
        (ManifestValidator.AutoModeGroup, "NodeDiagnostic"),
    };

    /// <summary>The role of a document; for errors, also a stable error id, a message and the node to point at.</summary>
    public static (DocumentRole Role, string? ErrorId, string? Message, ManifestNode? At) Classify(ManifestDocument document, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root;
        string? apiVersion = ScalarText(root["apiVersion"]);
        string? kind = ScalarText(root["kind"]);
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            string missing = string.IsNullOrEmpty(apiVersion) && string.IsNullOrEmpty(kind) ? "apiVersion and kind"
                : string.IsNullOrEmpty(apiVersion) ? "apiVersion" : "kind";
            string message = $"Document {document.DocumentIndex + 1} is not a Kubernetes object: it has no {missing} (as a string).";
            var candidates = kind is null ? new List<Known>() : Candidates(GroupOf(apiVersion ?? string.Empty), kind, requireGroup: false);
            if (candidates.Count > 0)
            {
                message += " Did you mean " + Suggest(candidates) + "?";
            }

            return (DocumentRole.NotKubernetesObject, "NotKubernetesObject", message, root["apiVersion"] ?? root["kind"] ?? root);
        }

        if (ManifestValidator.IsCovered(document, options))
        {
            return (DocumentRole.Checked, null, null, null);
        }

        string group = GroupOf(apiVersion);
        if (OtherRealKinds.Contains((group, kind)))
        {
            return (DocumentRole.OtherKind, null, null, null);
        }

        var near = Candidates(group, kind, requireGroup: true);
        if (near.Count == 0)
        {
            return (DocumentRole.OtherKind, null, null, null);
        }

        bool kindExact = near.Any(k => k.Kind == kind);
        string errorId = kindExact ? "ApiVersionNearMiss" : "KindNearMiss";
        string what = kindExact ? $"apiVersion: {apiVersion} is not the group of {kind}" : $"kind: {kind} ({apiVersion}) is not a kind this module checks";
        return (DocumentRole.NearMiss, errorId,
            $"{DisplayText.Escape(what)}. Did you mean {Suggest(near)}? The document was not checked.",
            kindExact ? root["apiVersion"] : root["kind"]);
    }

    private static string Suggest(IEnumerable<Known> candidates) =>
        string.Join(" or ", candidates.Select(k => $"apiVersion: {k.Group}/v1, kind: {k.Kind} ({k.Flavour})"));

    private static List<Known> Candidates(string group, string kind, bool requireGroup)
    {
        string lowerKind = kind.ToLowerInvariant();
        var result = new List<Known>();
        foreach (var k in Checked)
        {
            string target = k.Kind.ToLowerInvariant();
            bool kindNear = lowerKind == target
                || (lowerKind.Length >= 5 && Distance(lowerKind, target, 2) <= 2)
                || (lowerKind.Length >= 5 && target.EndsWith(lowerKind, StringComparison.Ordinal))
                || (NodeClassLike(lowerKind) && NodeClassLike(target) && k.Group == group);   // the node class of the group it is in
            if (!kindNear)
            {
                continue;
            }

            if (requireGroup && !GroupNear(group, k.Group, k.Kind == kind))
            {
                continue;
            }

            result.Add(k);
        }

        // The exact kind first: it is the likelier meaning.
        return result.OrderBy(k => k.Kind == kind ? 0 : string.Equals(k.Kind, kind, StringComparison.OrdinalIgnoreCase) ? 1 : 2).Take(2).ToList();
    }

    private static bool NodeClassLike(string lowerKind) => lowerKind.EndsWith("nodeclass", StringComparison.Ordinal);

    private static bool GroupNear(string group, string target, bool kindExact)
    {
        string g = group.ToLowerInvariant();
        if (g == target || Checked.Any(k => k.Group == g))
        {
            return true;   // same group (the kind is misspelt), or the other flavour's group
        }

        if (Distance(g, target, 3) <= 3 || g.Contains("karpenter", StringComparison.Ordinal) || g.Contains("eks.amazonaws", StringComparison.Ordinal))
        {
            return true;
        }

        // The exact kind under the core group or no group at all ("apiVersion: v1"): a NodePool that lost its group.
        return kindExact && g.Length == 0;
    }

    /// <summary>The group of an apiVersion; an apiVersion without '/' that contains a dot is taken as a group missing its version.</summary>
    private static string GroupOf(string apiVersion)
    {
        int slash = apiVersion.IndexOf('/');
        return slash >= 0 ? apiVersion[..slash] : apiVersion.Contains('.') ? apiVersion : string.Empty;
    }

    private static string? ScalarText(ManifestNode? node) => node is ScalarNode { IsNull: false, ResolvedType: ScalarType.String } s && s.Value is { } v && v.Trim().Length > 0 ? v : null;

    /// <summary>Levenshtein distance, giving up (returning max + 1) once it must exceed <paramref name="max"/>.</summary>
    internal static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max || a.Length > 256 || b.Length > 256)
        {
            return max + 1;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
