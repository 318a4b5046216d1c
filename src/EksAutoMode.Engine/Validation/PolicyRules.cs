using System.Globalization;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>One Auto Mode policy rule's texts (from Data/Validation/automode-policy-rules.yaml).</summary>
public sealed class PolicyRule
{
    public required string Id { get; init; }
    public FindingSeverity Severity { get; init; }
    public required string Kind { get; init; }
    public required string Message { get; init; }
    public required string Hint { get; init; }
    public string? SourceUrl { get; init; }
    public string? AsOf { get; init; }
    public IReadOnlyDictionary<string, string> Replacements { get; init; } = new Dictionary<string, string>();
}

/// <summary>The Auto Mode policy rules: checks in code, texts as data.</summary>
public static partial class PolicyRules
{
    internal const string ResourceName = "automode-policy-rules.yaml";

    private static readonly Lazy<IReadOnlyDictionary<string, PolicyRule>> RulesLazy = new(Load);

    public static IReadOnlyDictionary<string, PolicyRule> All => RulesLazy.Value;

    private static IReadOnlyDictionary<string, PolicyRule> Load()
    {
        var doc = ManifestReader.ReadText(SchemaSet.ReadResource(ResourceName)).Documents.Single();
        var result = new Dictionary<string, PolicyRule>(StringComparer.Ordinal);
        foreach (var r in doc.Root.GetSequence("rules")!.Items.OfType<MappingNode>())
        {
            var rule = new PolicyRule
            {
                Id = r.GetString("id")!,
                Severity = Enum.Parse<FindingSeverity>(r.GetString("severity")!),
                Kind = r.GetString("kind")!,
                Message = r.GetString("message")!,
                Hint = r.GetString("hint")!,
                SourceUrl = r.GetString("sourceUrl"),
                AsOf = r.GetString("asOf"),
                Replacements = r.GetMapping("replacements")?.Entries.ToDictionary(e => e.KeyText, e => ((ScalarNode)e.Value).Value ?? string.Empty) ?? new Dictionary<string, string>(),
            };
            result[rule.Id] = rule;
        }

        return result;
    }

    internal static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    internal static RawFinding Make(string id, string path, ManifestNode? at, Dictionary<string, string> values)
    {
        var rule = All[id];
        return new RawFinding(id, rule.Severity, path, Fill(rule.Message, values), at, rule.SourceUrl, rule.AsOf) { Hint = Fill(rule.Hint, values) };
    }

    private static readonly Regex RoleNamePattern = new(@"^[\w+=,.@-]{1,64}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Auto Mode NodeClass rules.</summary>
    internal static void CheckNodeClass(ManifestDocument doc, List<RawFinding> findings, HashSet<string> claimedPaths)
    {
        var spec = doc.Root.GetMapping("spec");
        bool builtIn = IsManagedByEks(doc);
        if (doc.Name == "default" && !builtIn)
        {
            findings.Add(Make("AM-NC-007", "metadata.name", (ManifestNode?)doc.Root.GetMapping("metadata")?["name"] ?? doc.Root, new()));
        }

        if (spec is null)
        {
            return;
        }

        var roleNode = spec["role"] as ScalarNode;
        string? role = roleNode is { IsNull: false } ? roleNode.Value : null;
        string? profile = spec.GetString("instanceProfile");
        if (role is not null && role.StartsWith("arn:", StringComparison.Ordinal))
        {
            string name = role.Substring(role.LastIndexOf('/') + 1);
            findings.Add(Make("AM-NC-001", "spec.role", roleNode, new() { ["value"] = role, ["name"] = name }));
        }
        else if (role is not null && role.Length > 0 && role.EnumerateRunes().Count() <= 64 && !RoleNamePattern.IsMatch(role))
        {
            findings.Add(Make("AM-NC-002", "spec.role", roleNode, new() { ["value"] = SchemaValidator.GoString(role) }));
        }

        bool hasRole = spec["role"] is { } r && r is not ScalarNode { IsNull: true };
        bool hasProfile = spec["instanceProfile"] is { } p && p is not ScalarNode { IsNull: true };
        if (hasRole == hasProfile)
        {
            findings.Add(Make("AM-NC-003", "spec", spec, new() { ["found"] = hasRole ? "both are set" : "neither is set" }));
        }

        if (profile is not null && !profile.StartsWith("eks", StringComparison.Ordinal))
        {
            findings.Add(Make("AM-NC-004", "spec.instanceProfile", spec["instanceProfile"], new() { ["value"] = profile }));
        }

        var ossFields = All["AM-NC-005"].Replacements;
        foreach (var entry in spec.Entries)
        {
            if (ossFields.TryGetValue(entry.KeyText, out var replacement))
            {
                string path = "spec." + entry.KeyText;
                claimedPaths.Add(path);
                findings.Add(Make("AM-NC-005", path, entry.Key, new() { ["field"] = entry.KeyText, ["replacement"] = replacement }));
            }
        }

        if (spec.GetMapping("tags") is { Count: > 0 } tags)
        {
            findings.Add(Make("AM-NC-006", "spec.tags", spec.GetEntry("tags")!.Key, new()));
        }

        if (spec["podSubnetSelectorTerms"] is SequenceNode && spec["podSecurityGroupSelectorTerms"] is not SequenceNode)
        {
            findings.Add(Make("AM-NC-008", "spec.podSubnetSelectorTerms", spec.GetEntry("podSubnetSelectorTerms")!.Key, new()));
        }
    }

    /// <summary>NodePool rules for the given target (the 21-day rules themselves are CEL rules of the Auto Mode overlay).</summary>
    internal static void CheckNodePool(ManifestDocument doc, ValidationTarget target, List<RawFinding> findings)
    {
        var spec = doc.Root.GetMapping("spec")?.GetMapping("template")?.GetMapping("spec");
        bool builtIn = IsManagedByEks(doc);
        if (target == ValidationTarget.AutoMode && doc.Name is "system" or "general-purpose" && !builtIn)
        {
            findings.Add(Make("AM-NP-007", "metadata.name", doc.Root.GetMapping("metadata")?["name"] ?? doc.Root, new() { ["name"] = doc.Name! }));
        }

        if (spec is null)
        {
            return;
        }

        if (spec.GetMapping("nodeClassRef") is { } reference)
        {
            string? group = reference.GetString("group");
            string? kind = reference.GetString("kind");
            (string eg, string ek) = target == ValidationTarget.AutoMode ? ("eks.amazonaws.com", "NodeClass") : ("karpenter.k8s.aws", "EC2NodeClass");
            if ((group is not null && group != eg) || (kind is not null && kind != ek))
            {
                findings.Add(Make("AM-NP-006", "spec.template.spec.nodeClassRef", reference, new()
                {
                    ["group"] = group ?? "?", ["kind"] = kind ?? "?", ["target"] = target == ValidationTarget.AutoMode ? "EKS Auto Mode" : "OSS Karpenter",
                    ["expectedGroup"] = eg, ["expectedKind"] = ek,
                }));
            }
        }

        if (target != ValidationTarget.AutoMode)
        {
            return;
        }

        string grace = spec.GetString("terminationGracePeriod") ?? "24h";
        string maxExpire = MaxExpireAfter(grace);
        if (spec["expireAfter"] is null or ScalarNode { IsNull: true })
        {
            findings.Add(Make("AM-NP-003", "spec.template.spec.expireAfter", spec, new() { ["maxExpire"] = maxExpire }));
        }

        if (spec.GetSequence("requirements") is { } requirements)
        {
            for (int i = 0; i < requirements.Count; i++)
            {
                if (requirements[i] is not MappingNode req)
                {
                    continue;
                }

                string path = $"spec.template.spec.requirements[{i.ToString(CultureInfo.InvariantCulture)}]";
                string? key = req.GetString("key");
                string op = req.GetString("operator") ?? "?";
                var values = req.GetSequence("values")?.Items.OfType<ScalarNode>().Select(v => v.Value ?? string.Empty).ToList() ?? new List<string>();
                if (key is not null && key.StartsWith("karpenter.k8s.aws/instance-", StringComparison.Ordinal))
                {
                    string replacement = "eks.amazonaws.com/" + key.Substring("karpenter.k8s.aws/".Length);
                    findings.Add(Make("AM-NP-004", path + ".key", req["key"], new() { ["key"] = key, ["replacement"] = replacement }));
                }

                bool windows = key == "node.kubernetes.io/windows-build" && op is "In" or "Exists"
                    || (key is "kubernetes.io/os" or "beta.kubernetes.io/os" && op == "In" && values.Any(v => v.Equals("windows", StringComparison.OrdinalIgnoreCase)));
                if (windows)
                {
                    findings.Add(Make("AM-NP-005", path, req, new() { ["key"] = key!, ["operator"] = op, ["values"] = "[" + string.Join(", ", values) + "]" }));
                }
            }
        }
    }

    /// <summary>
    /// Completes the Auto Mode overlay's 21-day findings: the message (after the API server's own words, which
    /// are kept as ApiServerMessage) states the largest allowed expireAfter for this pool's grace period, and the
    /// hint says how it is computed.
    /// </summary>
    internal static void AddOverlayHints(ManifestDocument doc, List<RawFinding> findings)
    {
        for (int i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            if (f.RuleId is "AM-NP-001" or "AM-NP-002" && All.TryGetValue(f.RuleId, out var rule))
            {
                string grace = doc.Root.GetMapping("spec")?.GetMapping("template")?.GetMapping("spec")?.GetString("terminationGracePeriod") ?? "24h";
                string max = MaxExpireAfter(grace);
                findings[i] = f with
                {
                    Message = $"{f.Message} (largest allowed expireAfter: {max} with terminationGracePeriod {grace})",
                    ApiServerMessage = f.ApiServerMessage ?? f.Message,
                    Hint = Fill(rule.Hint, new Dictionary<string, string> { ["maxExpire"] = max, ["grace"] = grace }),
                };
            }
        }
    }

    /// <summary>504h minus the grace period, in whole hours and minutes (e.g. 480h for 24h).</summary>
    internal static string MaxExpireAfter(string grace)
    {
        var g = ParseGoDuration(grace) ?? TimeSpan.FromHours(24);
        var max = TimeSpan.FromHours(504) - g;
        if (max <= TimeSpan.Zero)
        {
            return "0s (terminationGracePeriod alone exceeds 21 days)";
        }

        long totalSeconds = (long)max.TotalSeconds;
        long h = totalSeconds / 3600, m = totalSeconds % 3600 / 60, s = totalSeconds % 60;
        return (h > 0 ? h + "h" : string.Empty) + (m > 0 ? m + "m" : string.Empty) + (s > 0 ? s + "s" : string.Empty);
    }

    /// <summary>Parses Go durations of the form the NodePool patterns allow (sequences of N{h,m,s}).</summary>
    internal static TimeSpan? ParseGoDuration(string text) => GoDuration.Parse(text);

    internal static bool IsManagedByEks(ManifestDocument doc) =>
        doc.Root.GetMapping("metadata")?.GetMapping("labels")?.GetString("app.kubernetes.io/managed-by") == "eks";

    [GeneratedRegex(@"\{([A-Za-z]+)\}", RegexOptions.NonBacktracking)]
    private static partial Regex PlaceholderPattern();

}
