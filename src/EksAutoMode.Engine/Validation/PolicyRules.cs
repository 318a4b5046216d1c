using System.Globalization;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// One rule's texts: an Auto Mode policy rule (Data/Validation/automode-policy-rules.yaml) or a Karpenter NodePool
/// controller rule (Data/Validation/karpenter-controller-rules.yaml).
/// </summary>
public sealed class PolicyRule
{
    /// <summary>Origin of the Auto Mode policy rules (the default).</summary>
    public const string AutoModePolicyOrigin = "AutoModePolicy";

    /// <summary>Origin of rules the Karpenter NodePool controller enforces (ValidationSucceeded=False), not the API server.</summary>
    public const string KarpenterControllerOrigin = "KarpenterController";

    /// <summary>Origin of rules the API server enforces (schema and CEL, including the Auto Mode overlay).</summary>
    public const string ApiServerOrigin = "ApiServer";

    public required string Id { get; init; }
    public FindingSeverity Severity { get; init; }
    public required string Kind { get; init; }
    public required string Message { get; init; }
    public required string Hint { get; init; }
    public string? SourceUrl { get; init; }
    public string? AsOf { get; init; }

    /// <summary>Who enforces the rule: <see cref="AutoModePolicyOrigin"/>, <see cref="KarpenterControllerOrigin"/> or <see cref="ApiServerOrigin"/>.</summary>
    public string Origin { get; init; } = AutoModePolicyOrigin;

    /// <summary>User documentation for the rule (reports' help link); <see cref="SourceUrl"/> when unset.</summary>
    public string? DocUrl { get; init; }

    /// <summary>Rows of a rule's data list (AM-NC-009: the fields newer than the bundled schema), each a key/value map.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; init; } = Array.Empty<IReadOnlyDictionary<string, string>>();

    public IReadOnlyDictionary<string, string> Replacements { get; init; } = new Dictionary<string, string>();
}

/// <summary>The Auto Mode policy rules: checks in code, texts as data.</summary>
public static partial class PolicyRules
{
    internal const string ResourceName = "automode-policy-rules.yaml";

    /// <summary>The Karpenter NodePool controller rules (texts and label lists; checks in <see cref="ControllerRules"/>).</summary>
    internal const string ControllerResourceName = "karpenter-controller-rules.yaml";

    private static readonly Lazy<IReadOnlyDictionary<string, PolicyRule>> RulesLazy = new(Load);

    public static IReadOnlyDictionary<string, PolicyRule> All => RulesLazy.Value;

    private static IReadOnlyDictionary<string, PolicyRule> Load()
    {
        var result = new Dictionary<string, PolicyRule>(StringComparer.Ordinal);
        foreach (string resource in new[] { ResourceName, ControllerResourceName })
        {
            var doc = ManifestReader.ReadText(SchemaSet.ReadResource(resource)).Documents.Single();
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
                    DocUrl = r.GetString("docUrl"),
                    AsOf = r.GetString("asOf"),
                    Origin = r.GetString("origin") ?? PolicyRule.AutoModePolicyOrigin,
                    Replacements = StringMap(r.GetMapping("replacements")),
                    Rows = r.GetSequence("rows")?.Items.OfType<MappingNode>().Select(StringMap).ToList() ?? new List<IReadOnlyDictionary<string, string>>(),
                };
                result.Add(rule.Id, rule);
            }
        }

        return result;
    }

    internal static IReadOnlyDictionary<string, string> StringMap(MappingNode? map) =>
        map?.Entries.ToDictionary(e => e.KeyText, e => (e.Value as ScalarNode)?.Value ?? string.Empty, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The origin of a rule id: the rule data's, ApiServer for K8S-*, Input for INPUT-*, otherwise AutoModePolicy.</summary>
    public static string OriginOf(string ruleId) =>
        All.TryGetValue(ruleId, out var rule) ? rule.Origin
        : ruleId.StartsWith("K8S-", StringComparison.Ordinal) ? PolicyRule.ApiServerOrigin
        : ruleId.StartsWith("INPUT-", StringComparison.Ordinal) ? "Input"
        : PolicyRule.AutoModePolicyOrigin;

    internal static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        PlaceholderPattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    internal static RawFinding Make(string id, string path, ManifestNode? at, Dictionary<string, string> values)
    {
        var rule = All[id];
        return new RawFinding(id, rule.Severity, path, Fill(rule.Message, values), at, rule.SourceUrl, rule.AsOf) { Hint = Fill(rule.Hint, values) };
    }

    /// <summary>
    /// IAM role-name characters: "upper and lowercase alphanumeric characters with no spaces" and <c>_+=,.@-</c>
    /// (IAM API reference, CreateRole RoleName; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html,
    /// as-of 2026-12-04). ASCII only: a regex <c>\w</c> would also let through letters such as ö, which IAM refuses.
    /// </summary>
    private static bool IsRoleNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-';

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
        else if (role is not null && role.Length > 0 && role.EnumerateRunes().Count() <= 64 && !role.All(IsRoleNameChar))
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

        CheckLabelFamilies(spec, doc.Root.GetMapping("spec")?.GetMapping("template")?.GetMapping("metadata")?.GetMapping("labels"), target, findings);
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
    /// Label keys of the other world (from the conversion table, Data/Conversion/label-keys.yaml): AM-NP-004 for OSS
    /// Karpenter keys in an Auto Mode pool's requirements, AM-NP-009 for Auto Mode keys in an OSS pool's, and
    /// AM-NP-010 once when a pool's requirements and template labels mix both families.
    /// </summary>
    private static void CheckLabelFamilies(MappingNode spec, MappingNode? templateLabels, ValidationTarget target, List<RawFinding> findings)
    {
        var table = LabelFamilies.Instance;
        var autoKeys = new List<(string Key, ManifestNode Node)>();
        var ossKeys = new List<(string Key, ManifestNode Node)>();
        void Classify(string key, ManifestNode node)
        {
            if (IsAutoModeKey(key))
            {
                autoKeys.Add((key, node));
            }
            else if (IsOssKey(key))
            {
                ossKeys.Add((key, node));
            }
        }

        var requirements = spec.GetSequence("requirements")?.Items ?? Array.Empty<ManifestNode>();
        for (int i = 0; i < requirements.Count; i++)
        {
            if (requirements[i] is not MappingNode req || req.GetString("key") is not { } key)
            {
                continue;
            }

            Classify(key, req["key"]!);
            string path = $"spec.template.spec.requirements[{i.ToString(CultureInfo.InvariantCulture)}].key";
            if (target == ValidationTarget.AutoMode && IsOssKey(key) && OtherWorld(key, table.OssToAuto, table.OssOnly) is { } toAuto)
            {
                findings.Add(Make("AM-NP-004", path, req["key"], new() { ["key"] = key, ["replacement"] = toAuto }));
            }
            else if (target == ValidationTarget.Karpenter && IsAutoModeKey(key) && OtherWorld(key, table.AutoToOss, table.AutoOnly) is { } toOss)
            {
                findings.Add(Make("AM-NP-009", path, req["key"], new() { ["key"] = key, ["replacement"] = toOss }));
            }
        }

        foreach (var entry in templateLabels?.Entries ?? Enumerable.Empty<MappingEntry>())
        {
            Classify(entry.KeyText, entry.Key);
        }

        if (autoKeys.Count > 0 && ossKeys.Count > 0)
        {
            // Point at the first key of the family that does not belong to this pool's target.
            var misplaced = target == ValidationTarget.AutoMode ? ossKeys[0] : autoKeys[0];
            findings.Add(Make("AM-NP-010", "spec.template", misplaced.Node, new()
            {
                ["autoKeys"] = string.Join(", ", autoKeys.Select(k => k.Key).Distinct().Take(5)),
                ["ossKeys"] = string.Join(", ", ossKeys.Select(k => k.Key).Distinct().Take(5)),
                ["target"] = target == ValidationTarget.AutoMode ? "EKS Auto Mode" : "OSS Karpenter",
            }));
        }
    }

    private static bool IsAutoModeKey(string key) => key.StartsWith("eks.amazonaws.com/", StringComparison.Ordinal);

    private static bool IsOssKey(string key) => key.StartsWith("karpenter.k8s.aws/", StringComparison.Ordinal) || key.StartsWith("topology.k8s.aws/", StringComparison.Ordinal);

    /// <summary>"Use key: …" for a key with a counterpart, the table's note for one without, null for a key the table does not know.</summary>
    private static string? OtherWorld(string key, IReadOnlyDictionary<string, string> pairs, IReadOnlyDictionary<string, string> only) =>
        pairs.TryGetValue(key, out var other) ? "Use key: " + other
        : only.TryGetValue(key, out var note) ? "No counterpart on the other side: " + note.Trim().TrimEnd('.')
        : null;

    /// <summary>
    /// AM-NC-009: an unknown-field finding for a path newer releases may accept (the rule's rows) becomes a distinct
    /// "possibly newer than the bundled schema" Warning with that row's source and date.
    /// </summary>
    internal static void MarkPossiblyNewer(ManifestDocument doc, List<RawFinding> findings)
    {
        var rule = All["AM-NC-009"];
        for (int i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            if (f.RuleId != "K8S-UnknownField")
            {
                continue;
            }

            var row = rule.Rows.FirstOrDefault(r => r.GetValueOrDefault("kind") == doc.Kind && r.GetValueOrDefault("group", doc.Group) == doc.Group && r.GetValueOrDefault("path") == f.Path);
            if (row is null)
            {
                continue;
            }

            string path = row["path"];
            var values = new Dictionary<string, string>
            {
                ["asOf"] = f.AsOf ?? "unknown", ["field"] = path, ["note"] = row.GetValueOrDefault("note", string.Empty),
                ["explain"] = doc.Kind!.ToLowerInvariant() + "." + path,
            };
            findings[i] = new RawFinding(rule.Id, rule.Severity, path, Fill(rule.Message, values), f.At, row.GetValueOrDefault("sourceUrl", rule.SourceUrl ?? string.Empty), row.GetValueOrDefault("asOf", rule.AsOf ?? string.Empty))
            {
                Hint = Fill(rule.Hint, values),
            };
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
