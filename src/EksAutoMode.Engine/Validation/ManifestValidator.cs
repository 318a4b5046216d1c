using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// Offline validation of Auto Mode / Karpenter manifests: the API server's structural-schema and CEL checks
/// (with its own wording) plus the Auto Mode policy rules. Covered kinds: eks.amazonaws.com NodeClass,
/// karpenter.k8s.aws EC2NodeClass and karpenter.sh NodePool (and any kind a custom CRD defines).
/// </summary>
public static partial class ManifestValidator
{
    public const string AutoModeGroup = "eks.amazonaws.com";
    public const string KarpenterAwsGroup = "karpenter.k8s.aws";
    public const string KarpenterGroup = "karpenter.sh";

    /// <summary>Whether a document is of a kind this validator checks (others are skipped).</summary>
    public static bool IsCovered(ManifestDocument document, ValidationOptions? options = null)
    {
        string? kind = document.Kind;
        string group = document.Group;
        if ((group, kind) is (AutoModeGroup, "NodeClass") or (KarpenterAwsGroup, "EC2NodeClass") or (KarpenterGroup, "NodePool"))
        {
            return true;
        }

        return options?.CustomSchemas?.Kinds.Any(k => k.Group == group && k.Kind == kind) ?? false;
    }

    /// <summary>The target a document is checked for: explicit, or inferred (NodePool: from nodeClassRef.group).</summary>
    public static ValidationTarget ResolveTarget(ManifestDocument document, ValidationOptions? options = null)
    {
        var requested = options?.Target ?? ValidationTarget.Auto;
        if (requested != ValidationTarget.Auto)
        {
            return requested;
        }

        switch (document.Group, document.Kind)
        {
            case (KarpenterAwsGroup, _):
                return ValidationTarget.Karpenter;
            case (KarpenterGroup, "NodePool"):
                string? refGroup = document.Root.GetMapping("spec")?.GetMapping("template")?.GetMapping("spec")?.GetMapping("nodeClassRef")?.GetString("group");
                return refGroup == KarpenterAwsGroup ? ValidationTarget.Karpenter : ValidationTarget.AutoMode;
            default:
                return ValidationTarget.AutoMode;
        }
    }

    /// <summary>
    /// Starts, on thread-pool threads, the one-time set-up a first validation waits for, so that it overlaps with the
    /// caller reading its files: the CEL environment and its parser's first compile (one thread); the linear-time regex
    /// engine's first construction and match, the bundled schemas of <paramref name="karpenterVersion"/> (null: the
    /// newest) with the Auto Mode NodePool overlay, and the policy and controller rule data (the other). Everything it
    /// touches is built once behind a lock, so a validation that needs a piece first builds it itself and the warm-up
    /// waits. Calling it again, or not at all, changes nothing but timing; a failure is left to the first real use,
    /// which reports it with context. Measured with bench/import.bench.ps1 (time to the first verdict).
    /// </summary>
    public static void BeginWarmUp(string? karpenterVersion = null)
    {
        if (Interlocked.Exchange(ref s_warmUpStarted, 1) != 0)
        {
            return;
        }

        string version = KarpenterVersions.TryResolve(karpenterVersion) ?? KarpenterVersions.Default;
        WarmUp(() => CelEngine.Compile("self.size() >= 0"));
        WarmUp(() =>
        {
            _ = Re2Regex.Create("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$").Match("warm-up").Groups[1].Value;
            _ = SchemaSet.ForKarpenter(version);
            _ = SchemaSet.AutoModeNodePoolFor(version);
            _ = PolicyRules.All;
            ControllerRules.WarmUp();
            _ = PatternHints.For(string.Empty);
        });
    }

    private static void WarmUp(Action work) => _ = Task.Run(() =>
    {
        try
        {
            work();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported by the first real use.
        }
    });

    private static int s_warmUpStarted;

    /// <summary>Validates one document. Returns no findings for a clean document or one of an uncovered kind.</summary>
    public static IReadOnlyList<ManifestFinding> Validate(ManifestDocument document, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        options ??= ValidationOptions.Default;
        if (!IsCovered(document, options))
        {
            return Array.Empty<ManifestFinding>();
        }

        var target = ResolveTarget(document, options);
        var raw = new List<RawFinding>();
        var claimed = new HashSet<string>(StringComparer.Ordinal);

        KindSchema? schema = SchemaFor(document, options, target);

        CheckMetadata(document, raw);
        ObjectMetaRules.Check(document, raw);
        if (schema is null)
        {
            var versions = (options.CustomSchemas?.VersionsOf(document.Group, document.Kind!) ?? Enumerable.Empty<string>())
                .Concat(SchemaSet.ForKarpenter(options.KarpenterVersion).VersionsOf(document.Group, document.Kind!)).Distinct().ToList();
            raw.Add(new RawFinding("K8S-UnsupportedVersion", FindingSeverity.Warning, "apiVersion",
                $"no schema for {document.ApiVersion ?? "(no apiVersion)"} {document.Kind}: only {string.Join(", ", versions.Select(v => document.Group + "/" + v))} is checked (update the manifest, or pass the CRD with -CrdPath)",
                document.Root["apiVersion"] ?? document.Root));
        }
        else
        {
            raw.AddRange(SchemaValidator.Validate(document, schema));
        }

        if (options.PolicyRules)
        {
            PolicyRules.MarkPossiblyNewer(document, raw);
            switch (document.Group, document.Kind)
            {
                case (AutoModeGroup, "NodeClass"):
                    PolicyRules.CheckNodeClass(document, raw, claimed);
                    break;
                case (KarpenterGroup, "NodePool"):
                    PolicyRules.CheckNodePool(document, target, raw);
                    ControllerRules.CheckNodePool(document, target, raw);
                    PolicyRules.AddOverlayHints(document, raw);
                    break;
            }
        }

        if (claimed.Count > 0)
        {
            raw.RemoveAll(f => f.RuleId == "K8S-UnknownField" && claimed.Contains(f.Path));
        }

        return raw.Select(f => ToFinding(document, f, target, schema?.SourceLabel)).ToList();
    }

    /// <summary>
    /// The schema a document is checked against: a custom one (-CrdPath, the cluster's CRDs) for its kind, else the
    /// bundled one of <see cref="ValidationOptions.KarpenterVersion"/> (NodePools for Auto Mode: with the Auto Mode overlay).
    /// </summary>
    private static KindSchema? SchemaFor(ManifestDocument document, ValidationOptions options, ValidationTarget target)
    {
        var schema = options.CustomSchemas?.Find(document.ApiVersion, document.Kind);
        if (schema is not null)
        {
            return schema;
        }

        var set = document.Group == KarpenterGroup && document.Kind == "NodePool" && target == ValidationTarget.AutoMode
            ? SchemaSet.AutoModeNodePoolFor(options.KarpenterVersion)
            : SchemaSet.ForKarpenter(options.KarpenterVersion);
        return set.Find(document.ApiVersion, document.Kind);
    }

    /// <summary>Where the schema of a covered document comes from (<see cref="KindSchema.SourceLabel"/>), or null.</summary>
    public static string? SchemaSourceOf(ManifestDocument document, ValidationOptions? options = null)
    {
        options ??= ValidationOptions.Default;
        return IsCovered(document, options) ? SchemaFor(document, options, ResolveTarget(document, options))?.SourceLabel : null;
    }

    /// <summary>
    /// Validates a set of documents that belong together (one invocation's input): each document, plus the
    /// cross-document rule AM-NP-008 (a NodePool naming a node class absent from the input, only when the input
    /// has node classes of that kind). Findings are in document order; AM-NP-008 follows its NodePool's findings.
    /// </summary>
    public static IReadOnlyList<ManifestFinding> ValidateSet(IReadOnlyList<ManifestDocument> documents, ValidationOptions? options = null)
    {
        var result = new List<ManifestFinding>();
        foreach (var doc in documents)
        {
            result.AddRange(Validate(doc, options));
            result.AddRange(CheckReferences(doc, documents, options));
        }

        return result;
    }

    /// <summary>The cross-document rule AM-NP-008 for one NodePool against the whole input.</summary>
    public static IReadOnlyList<ManifestFinding> CheckReferences(ManifestDocument document, IReadOnlyList<ManifestDocument> allDocuments, ValidationOptions? options = null)
    {
        options ??= ValidationOptions.Default;
        if (!options.PolicyRules || document.Group != KarpenterGroup || document.Kind != "NodePool")
        {
            return Array.Empty<ManifestFinding>();
        }

        var reference = document.Root.GetMapping("spec")?.GetMapping("template")?.GetMapping("spec")?.GetMapping("nodeClassRef");
        string? group = reference?.GetString("group");
        string? kind = reference?.GetString("kind");
        string? name = reference?.GetString("name");
        if (reference is null || group is null || kind is null || string.IsNullOrEmpty(name))
        {
            return Array.Empty<ManifestFinding>();
        }

        var classes = allDocuments.Where(d => d.Group == group && d.Kind == kind).ToList();
        if (classes.Count == 0 || classes.Any(c => c.Name == name) || (group == AutoModeGroup && name == "default"))
        {
            return Array.Empty<ManifestFinding>();
        }

        var raw = PolicyRules.Make("AM-NP-008", "spec.template.spec.nodeClassRef.name", reference["name"], new()
        {
            ["name"] = name, ["kind"] = kind, ["count"] = classes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["names"] = string.Join(", ", classes.Select(c => c.Name ?? "?").Take(10)),
        });
        return new[] { ToFinding(document, raw, ResolveTarget(document, options), SchemaSourceOf(document, options)) };
    }

    /// <summary>Turns reading problems (syntax errors, refused input) into Error/Warning findings.</summary>
    public static IReadOnlyList<ManifestFinding> FromProblems(IEnumerable<ManifestProblem> problems) =>
        problems.Select(p => new ManifestFinding
        {
            RuleId = "INPUT-" + p.Code,
            Severity = p.Severity == ManifestProblemSeverity.Error ? FindingSeverity.Error : FindingSeverity.Warning,
            Message = DisplayText.Escape(p.Message),
            File = p.SourceFile,
            Line = p.Line,
            Column = p.Column,
            DocumentIndex = p.DocumentIndex ?? 0,
        }).ToList();

    private static ManifestFinding ToFinding(ManifestDocument doc, RawFinding f, ValidationTarget target, string? schemaSource)
    {
        var at = f.At ?? doc.Root;
        return new ManifestFinding
        {
            RuleId = f.RuleId,
            Severity = f.Severity,
            ApiVersion = DisplayText.EscapeOrNull(doc.ApiVersion),
            Kind = DisplayText.EscapeOrNull(doc.Kind),
            Name = DisplayText.EscapeOrNull(doc.Name),
            Path = DisplayText.Escape(f.Path),
            Message = DisplayText.Escape(f.Message),
            ApiServerMessage = DisplayText.EscapeOrNull(f.ApiServerMessage),
            Hint = DisplayText.EscapeOrNull(f.Hint),
            File = doc.SourceFile,
            Line = at.Line,
            Column = at.Column,
            DocumentIndex = doc.DocumentIndex,
            SourceUrl = f.SourceUrl,
            AsOf = f.AsOf,
            Target = doc.Kind == "NodePool" || doc.Group == AutoModeGroup || doc.Group == KarpenterAwsGroup ? target.ToString() : null,
            SchemaSource = DisplayText.EscapeOrNull(schemaSource),
        };
    }

    private static void CheckMetadata(ManifestDocument doc, List<RawFinding> raw)
    {
        var metadata = doc.Root["metadata"];
        var map = metadata as MappingNode;
        var nameNode = map?["name"] as ScalarNode;
        string? name = nameNode is { IsNull: false } ? nameNode.Value : null;
        if (name is null)
        {
            if (map?.GetString("generateName") is null)
            {
                raw.Add(new RawFinding("K8S-Required", FindingSeverity.Error, "metadata.name", "Required value: name or generateName is required", (ManifestNode?)map ?? doc.Root));
            }

            return;
        }

        if (nameNode!.ResolvedType != ScalarType.String)
        {
            raw.Add(new RawFinding("K8S-Type", FindingSeverity.Error, "metadata.name",
                $"Invalid value: \"{nameNode.JsonTypeName}\": metadata.name in body must be of type string: \"{nameNode.JsonTypeName}\"", nameNode));
            return;
        }

        foreach (string detail in ObjectMetaRules.Dns1123Subdomain(name))
        {
            raw.Add(new RawFinding("K8S-Name", FindingSeverity.Error, "metadata.name", $"Invalid value: {SchemaValidator.GoString(name)}: {detail}", nameNode));
        }
    }
}
