using System.Globalization;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// The Karpenter NodePool controller's runtime validation (NodePool.RuntimeValidate): what the API server accepts
/// but the controller rejects by setting ValidationSucceeded=False, after which no node is launched from the pool.
/// Texts and the label/value lists are data (Data/Validation/karpenter-controller-rules.yaml); only checks the API
/// server does not already make are reported, so one mistake gives one finding.
/// </summary>
internal static class ControllerRules
{
    private sealed record WellKnownValues(string Key, IReadOnlySet<string> Values, IReadOnlySet<ValidationTarget> Targets);

    private sealed class Data
    {
        public required IReadOnlyDictionary<ValidationTarget, IReadOnlyList<string>> RestrictedDomains { get; init; }
        public required IReadOnlyDictionary<ValidationTarget, IReadOnlySet<string>> WellKnownLabels { get; init; }
        public required IReadOnlyList<WellKnownValues> Values { get; init; }
        public required IReadOnlyDictionary<string, string> Normalized { get; init; }
    }

    private static readonly Lazy<Data> DataLazy = new(Load);

    /// <summary>Loads the rule data now (<see cref="ManifestValidator.BeginWarmUp"/>).</summary>
    internal static void WarmUp() => _ = DataLazy.Value;

    private static Data Load()
    {
        var root = ManifestReader.ReadText(SchemaSet.ReadResource(PolicyRules.ControllerResourceName)).Documents.Single().Root;
        static List<string> Strings(SequenceNode? seq) => seq?.Items.OfType<ScalarNode>().Select(s => s.Value ?? string.Empty).ToList() ?? new List<string>();

        var core = Strings(root.GetSequence("wellKnownLabels"));
        var karpenter = new HashSet<string>(core.Concat(Strings(root.GetSequence("wellKnownLabelsKarpenter"))), StringComparer.Ordinal);

        // Auto Mode's well-known eks.amazonaws.com keys are its documented supported labels (the conversion table).
        var labels = LabelFamilies.Instance;
        var autoMode = new HashSet<string>(core.Concat(labels.AutoToOss.Keys).Concat(labels.AutoOnly.Keys), StringComparer.Ordinal);

        var domains = root.GetMapping("restrictedDomains")!;
        return new Data
        {
            RestrictedDomains = new Dictionary<ValidationTarget, IReadOnlyList<string>>
            {
                [ValidationTarget.Karpenter] = Strings(domains.GetSequence("Karpenter")),
                [ValidationTarget.AutoMode] = Strings(domains.GetSequence("AutoMode")),
            },
            WellKnownLabels = new Dictionary<ValidationTarget, IReadOnlySet<string>>
            {
                [ValidationTarget.Karpenter] = karpenter,
                [ValidationTarget.AutoMode] = autoMode,
            },
            Values = root.GetSequence("wellKnownValues")!.Items.OfType<MappingNode>().Select(m => new WellKnownValues(
                m.GetString("key")!,
                new HashSet<string>(Strings(m.GetSequence("values")), StringComparer.Ordinal),
                Strings(m.GetSequence("targets")).Select(Enum.Parse<ValidationTarget>).ToHashSet())).ToList(),
            Normalized = PolicyRules.StringMap(root.GetMapping("normalizedLabels")),
        };
    }

    /// <summary>The controller rules for one NodePool checked for <paramref name="target"/>; <paramref name="findings"/> holds the API server's findings so far.</summary>
    internal static void CheckNodePool(ManifestDocument doc, ValidationTarget target, List<RawFinding> findings)
    {
        var template = doc.Root.GetMapping("spec")?.GetMapping("template");
        var spec = template?.GetMapping("spec");
        var data = DataLazy.Value;
        var added = new List<RawFinding>();

        if (spec is not null)
        {
            CheckTaints(spec, findings, added);
            CheckRequirements(spec, target, data, findings, added);
        }

        if (template?.GetMapping("metadata")?.GetMapping("labels") is { } labels)
        {
            foreach (var entry in labels.Entries)
            {
                string path = $"spec.template.metadata.labels[{entry.KeyText}]";
                if (Restricted(entry.KeyText, target, data) is { } domain
                    && !findings.Any(f => f.Severity == FindingSeverity.Error && f.Path == "spec.template.metadata.labels" && f.Message.Contains($"\"{domain}\"", StringComparison.Ordinal)))
                {
                    added.Add(RestrictedFinding(entry.KeyText, domain, target, path, entry.Key, data));
                }
            }
        }

        findings.AddRange(added);
    }

    /// <summary>KC-NP-001: a key/effect pair appears twice across taints and startupTaints (in that order, as upstream); KC-NP-006 on keys and values.</summary>
    private static void CheckTaints(MappingNode spec, List<RawFinding> findings, List<RawFinding> added)
    {
        var seen = new Dictionary<(string Key, string Effect), string>();
        foreach (string field in new[] { "taints", "startupTaints" })
        {
            if (spec.GetSequence(field) is not { } taints)
            {
                continue;
            }

            for (int i = 0; i < taints.Count; i++)
            {
                if (taints[i] is not MappingNode taint || taint.GetString("key") is not { } key)
                {
                    continue;
                }

                string effect = taint.GetString("effect") ?? string.Empty;
                string path = $"spec.template.spec.{field}[{i.ToString(CultureInfo.InvariantCulture)}]";
                QualifiedName("taint key", key, path + ".key", taint["key"], findings, added);
                if (taint.GetString("value") is { Length: > 0 } value)
                {
                    QualifiedName("taint value", value, path + ".value", taint["value"], findings, added);
                }

                if (seen.TryGetValue((key, effect), out var first))
                {
                    added.Add(PolicyRules.Make("KC-NP-001", path, taint, new() { ["key"] = key, ["effect"] = effect, ["first"] = first }));
                }
                else
                {
                    seen[(key, effect)] = path;
                }
            }
        }
    }

    /// <summary>KC-NP-002..005 on spec.template.spec.requirements.</summary>
    private static void CheckRequirements(MappingNode spec, ValidationTarget target, Data data, List<RawFinding> findings, List<RawFinding> added)
    {
        if (spec.GetSequence("requirements") is not { } requirements)
        {
            return;
        }

        for (int i = 0; i < requirements.Count; i++)
        {
            if (requirements[i] is not MappingNode req || req.GetString("key") is not { } rawKey)
            {
                continue;
            }

            string path = $"spec.template.spec.requirements[{i.ToString(CultureInfo.InvariantCulture)}]";
            string key = data.Normalized.TryGetValue(rawKey, out var normalized) ? normalized : rawKey;
            string? op = req.GetString("operator");
            var valueNodes = req.GetSequence("values")?.Items.OfType<ScalarNode>().ToList() ?? new List<ScalarNode>();
            var values = valueNodes.Select(v => v.Value ?? string.Empty).ToList();

            QualifiedName("requirement key", rawKey, path + ".key", req["key"], findings, added);
            if (Restricted(key, target, data) is { } domain && !findings.Any(f => f.Severity == FindingSeverity.Error && f.Path == path + ".key"))
            {
                added.Add(RestrictedFinding(key, domain, target, path + ".key", req["key"], data));
            }

            var wellKnown = data.Values.FirstOrDefault(w => w.Key == key && w.Targets.Contains(target));
            if (wellKnown is not null && op == "In" && values.Count > 0)
            {
                var valid = values.Where(wellKnown.Values.Contains).ToList();
                string known = string.Join(", ", wellKnown.Values.Order(StringComparer.Ordinal));
                var fill = new Dictionary<string, string>
                {
                    ["key"] = key, ["values"] = "[" + string.Join(" ", values) + "]", ["known"] = known,
                    ["first"] = wellKnown.Values.Order(StringComparer.Ordinal).First(), ["valid"] = valid.Count.ToString(CultureInfo.InvariantCulture),
                };
                long? minValues = req["minValues"] is ScalarNode { ResolvedType: ScalarType.Integer } m && long.TryParse(m.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long mv) ? mv : null;
                if (valid.Count == 0)
                {
                    added.Add(PolicyRules.Make("KC-NP-002", path + ".values", req["values"], fill));
                }
                else if (minValues is { } min && valid.Count < min && values.Count >= min)
                {
                    // values.Count < minValues is the API server's own CEL rule; only the "valid values" shortfall is the controller's.
                    fill["minValues"] = min.ToString(CultureInfo.InvariantCulture);
                    added.Add(PolicyRules.Make("KC-NP-003", path + ".minValues", req["minValues"], fill));
                }
            }

            for (int j = 0; j < valueNodes.Count; j++)
            {
                string valuePath = $"{path}.values[{j.ToString(CultureInfo.InvariantCulture)}]";
                var problems = ObjectMetaRules.LabelValue(values[j]);
                if (problems.Count > 0 && !findings.Any(f => f.Severity == FindingSeverity.Error && f.Path == valuePath))
                {
                    added.Add(PolicyRules.Make("KC-NP-005", valuePath, valueNodes[j], new()
                    {
                        ["value"] = SchemaValidator.GoString(values[j]), ["key"] = key, ["detail"] = string.Join("; ", problems),
                    }));
                }
            }
        }
    }

    /// <summary>KC-NP-006: IsQualifiedName where the API server's pattern let the text through (it has no length limits).</summary>
    private static void QualifiedName(string what, string text, string path, ManifestNode? at, List<RawFinding> findings, List<RawFinding> added)
    {
        var problems = ObjectMetaRules.QualifiedName(text);
        if (problems.Count > 0 && !findings.Any(f => f.Severity == FindingSeverity.Error && f.Path == path))
        {
            added.Add(PolicyRules.Make("KC-NP-006", path, at, new() { ["what"] = what, ["value"] = SchemaValidator.GoString(text), ["detail"] = string.Join("; ", problems) }));
        }
    }

    /// <summary>The restricted domain <paramref name="key"/> falls in for the target, or null (IsRestrictedLabel without the hostname rule, which the API server's CEL makes).</summary>
    private static string? Restricted(string key, ValidationTarget target, Data data)
    {
        if (!data.RestrictedDomains.TryGetValue(target, out var domains) || data.WellKnownLabels[target].Contains(key))
        {
            return null;
        }

        int slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return null;
        }

        string labelDomain = key[..slash];
        return domains.FirstOrDefault(d => labelDomain == d || labelDomain.EndsWith("." + d, StringComparison.Ordinal));
    }

    private static RawFinding RestrictedFinding(string key, string domain, ValidationTarget target, string path, ManifestNode? at, Data data)
    {
        // Examples from the same domain, the instance family and category first (what such a label usually meant).
        var examples = data.WellKnownLabels[target].Where(k => k.StartsWith(domain + "/", StringComparison.Ordinal))
            .OrderBy(k => k.EndsWith("/instance-family", StringComparison.Ordinal) || k.EndsWith("/instance-category", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(k => k, StringComparer.Ordinal).Take(2).ToList();
        if (examples.Count == 0)
        {
            examples.Add("karpenter.sh/capacity-type");
        }

        return PolicyRules.Make("KC-NP-004", path, at, new()
        {
            ["key"] = key, ["domain"] = domain, ["target"] = target == ValidationTarget.AutoMode ? "EKS Auto Mode" : "OSS Karpenter",
            ["examples"] = string.Join(", ", examples), ["name"] = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..],
        });
    }
}

/// <summary>
/// The label-key table of the converters (Data/Conversion/label-keys.yaml), read with the manifest reader the
/// validator has already warmed up: Auto Mode ⇄ OSS Karpenter key pairs and the keys that exist on one side only.
/// (The converters' typed loader would cost the first validation a reflection-based deserializer.)
/// </summary>
internal sealed class LabelFamilies
{
    private static readonly Lazy<LabelFamilies> InstanceLazy = new(() =>
    {
        var root = ManifestReader.ReadText(EmbeddedData.ReadText("Conversion", "label-keys.yaml")).Documents.Single().Root;
        var pairs = PolicyRules.StringMap(root.GetMapping("pairs"));
        return new LabelFamilies
        {
            AutoToOss = pairs,
            OssToAuto = pairs.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal),
            AutoOnly = PolicyRules.StringMap(root.GetMapping("autoOnly")),
            OssOnly = PolicyRules.StringMap(root.GetMapping("ossOnly")),
        };
    });

    public static LabelFamilies Instance => InstanceLazy.Value;

    /// <summary>Auto Mode key → OSS key.</summary>
    public required IReadOnlyDictionary<string, string> AutoToOss { get; init; }

    /// <summary>OSS key → Auto Mode key.</summary>
    public required IReadOnlyDictionary<string, string> OssToAuto { get; init; }

    /// <summary>Auto Mode keys with no OSS counterpart, with the converters' note.</summary>
    public required IReadOnlyDictionary<string, string> AutoOnly { get; init; }

    /// <summary>OSS keys with no Auto Mode counterpart, with the converters' note.</summary>
    public required IReadOnlyDictionary<string, string> OssOnly { get; init; }
}
