using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>One x-kubernetes-validations rule, compiled.</summary>
internal sealed class CelRule
{
    public required string Rule { get; init; }
    public string? Message { get; init; }
    public string? MessageExpression { get; init; }
    public string? FieldPath { get; init; }
    public string? Reason { get; init; }

    /// <summary>True for transition rules (they read oldSelf): there is no old object offline, so they are skipped.</summary>
    public bool IsTransition { get; init; }

    /// <summary>Our extensions (x-eksautomode-*) used by the built-in overlays.</summary>
    public string? RuleId { get; init; }
    public string? SourceUrl { get; init; }
    public string? AsOf { get; init; }

    /// <summary>
    /// The compiled rule, compiled on first use: a run that never reaches a rule (another kind, an absent field)
    /// never pays for compiling it, which keeps the time to the first verdict close to the import time.
    /// Null for transition rules and for rules that do not compile (see <see cref="CompileError"/>).
    /// </summary>
    internal CelProgram? Program => Compiled.Program;

    /// <summary>Why the rule did not compile, or null.</summary>
    internal string? CompileError => Compiled.Error;

    private Lazy<(CelProgram? Program, string? Error)>? _compiled;

    private (CelProgram? Program, string? Error) Compiled
    {
        get
        {
            if (_compiled is null)
            {
                Interlocked.CompareExchange(ref _compiled, new Lazy<(CelProgram?, string?)>(Compile, LazyThreadSafetyMode.ExecutionAndPublication), null);
            }

            return _compiled.Value;
        }
    }

    private (CelProgram?, string?) Compile()
    {
        if (IsTransition)
        {
            return (null, null);
        }

        try
        {
            return (CelEngine.Compile(Rule), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>ruleErrorString in the API server: the message when set, else the rule.</summary>
    public string ErrorString => !string.IsNullOrWhiteSpace(Message) ? Message!.Trim() : Rule.Trim();

    /// <summary>ruleMessageOrDefault in the API server.</summary>
    public string MessageOrDefault => !string.IsNullOrWhiteSpace(Message) ? Message!.Trim() : "failed rule: " + Rule.Trim();
}

/// <summary>A structural-schema node (the subset of OpenAPI v3 that Kubernetes CRDs use).</summary>
internal sealed class SchemaNode
{
    public string? Type { get; set; }
    public string? Format { get; set; }
    public bool Nullable { get; set; }
    public bool IntOrString { get; set; }
    public bool PreserveUnknownFields { get; set; }
    public bool EmbeddedResource { get; set; }
    public Dictionary<string, SchemaNode>? Properties { get; set; }
    public SchemaNode? AdditionalProperties { get; set; }
    public bool AdditionalPropertiesAllowed { get; set; }
    public SchemaNode? Items { get; set; }
    public List<string>? Required { get; set; }
    public List<ManifestNode>? Enum { get; set; }
    public string? Pattern { get; set; }

    /// <summary>
    /// <see cref="Pattern"/> compiled on first use: building a linear-time regex costs milliseconds, and most
    /// patterns of a bundled CRD are never reached in a run (absent fields). User CRDs build theirs when loaded
    /// (<see cref="SchemaCompiler.Compile"/>), so a bad pattern is reported as an invalid CRD, not mid-validation.
    /// </summary>
    public Regex? PatternRegex => Pattern is null ? null : _patternRegex ??= Re2Regex.Create(Pattern);

    private Regex? _patternRegex;

    public long? MinLength { get; set; }
    public long? MaxLength { get; set; }
    public long? MinItems { get; set; }
    public long? MaxItems { get; set; }
    public long? MinProperties { get; set; }
    public long? MaxProperties { get; set; }
    public double? Minimum { get; set; }
    public double? Maximum { get; set; }
    public bool ExclusiveMinimum { get; set; }
    public bool ExclusiveMaximum { get; set; }
    public ManifestNode? Default { get; set; }
    public string? ListType { get; set; }
    public List<CelRule> Validations { get; } = new();

    /// <summary>True when this node or a descendant has CEL rules (to skip converting subtrees that need none).</summary>
    public bool HasCelBelow { get; set; }

    public bool IsMap => Type == "object" && Properties is null && AdditionalProperties is not null;
}

/// <summary>The schema of one kind (group, version, kind) from a CRD.</summary>
public sealed class KindSchema
{
    internal KindSchema(string group, string version, string kind, SchemaNode root, string source, string? asOf, string? sourceUrl, string? sourceLabel = null)
    {
        SourceLabel = sourceLabel ?? "file " + source;
        Group = group;
        Version = version;
        Kind = kind;
        Root = root;
        Source = source;
        AsOf = asOf;
        SourceUrl = sourceUrl;
    }

    public string Group { get; }
    public string Version { get; }
    public string Kind { get; }
    public string ApiVersion => Group + "/" + Version;

    /// <summary>Where the schema came from (a file path, or the built-in resource name).</summary>
    public string Source { get; }

    /// <summary>As-of date of the schema (yyyy-MM-dd) when known.</summary>
    public string? AsOf { get; }

    /// <summary>
    /// What every finding says about where its schema came from: <c>karpenter 1.15 (bundled, as-of 2026-08-21)</c>,
    /// <c>eks-auto-mode (bundled, as-of …)</c>, <c>cluster &lt;name&gt;</c> or <c>file &lt;path&gt;</c>.
    /// </summary>
    public string SourceLabel { get; }

    public string? SourceUrl { get; }

    internal SchemaNode Root { get; }

    /// <summary>Number of CEL rules (transition rules included) in the schema.</summary>
    public int CelRuleCount => Count(Root, n => n.Validations.Count);

    /// <summary>Number of transition (oldSelf) rules skipped offline.</summary>
    public int TransitionRuleCount => Count(Root, n => n.Validations.Count(v => v.IsTransition));

    private static int Count(SchemaNode n, Func<SchemaNode, int> f)
    {
        int total = f(n);
        if (n.Properties is not null)
        {
            foreach (var p in n.Properties.Values)
            {
                total += Count(p, f);
            }
        }

        if (n.AdditionalProperties is not null)
        {
            total += Count(n.AdditionalProperties, f);
        }

        if (n.Items is not null)
        {
            total += Count(n.Items, f);
        }

        return total;
    }
}

/// <summary>
/// Schemas by group/version/kind, loaded from CustomResourceDefinition YAML/JSON (the built-in data files under
/// Data/Validation, or a file the user supplies with -CrdPath, e.g. saved from <c>kubectl get crd ... -o yaml</c>).
/// </summary>
public sealed class SchemaSet
{
    private readonly Dictionary<string, KindSchema> _byGvk = new(StringComparer.Ordinal);

    public IReadOnlyCollection<KindSchema> Kinds => _byGvk.Values;

    public KindSchema? Find(string? apiVersion, string? kind) =>
        apiVersion is not null && kind is not null && _byGvk.TryGetValue(apiVersion + "|" + kind, out var s) ? s : null;

    /// <summary>Versions defined for a group/kind (to report "version not covered").</summary>
    public IEnumerable<string> VersionsOf(string group, string kind) =>
        _byGvk.Values.Where(k => k.Group == group && k.Kind == kind).Select(k => k.Version);

    internal void Add(KindSchema schema) => _byGvk[schema.ApiVersion + "|" + schema.Kind] = schema;

    /// <summary>Merges another set (its kinds replace ours).</summary>
    public void AddRange(SchemaSet other)
    {
        foreach (var k in other.Kinds)
        {
            Add(k);
        }
    }

    /// <summary>Loads every CRD in a YAML/JSON file. Throws <see cref="EngineException"/> (InvalidCrd) when the file holds no usable CRD.</summary>
    public static SchemaSet LoadCrdFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new EngineException("CrdNotFound", ErrorKind.ObjectNotFound, $"Cannot find the CRD file '{path}'.", path);
        }

        var read = ManifestReader.ReadFile(path);
        return FromRead(read, path, null, null, "file " + path);
    }

    /// <summary>Loads every CRD in YAML/JSON text.</summary>
    /// <param name="sourceLabel">What findings name as their schema source (default: <c>file &lt;source&gt;</c>).</param>
    public static SchemaSet LoadCrdText(string text, string source = "<text>", string? asOf = null, string? sourceUrl = null, string? sourceLabel = null)
    {
        var read = ManifestReader.ReadText(text, source);
        return FromRead(read, source, asOf, sourceUrl, sourceLabel);
    }

    private static SchemaSet FromRead(ManifestReadResult read, string source, string? asOf, string? sourceUrl, string? sourceLabel, bool checkPatterns = true)
    {
        var error = read.Problems.FirstOrDefault(p => p.Severity == ManifestProblemSeverity.Error);
        if (error is not null)
        {
            throw new EngineException("InvalidCrd", ErrorKind.InvalidData, $"'{source}' cannot be read as a CRD: line {error.Line}, column {error.Column}: {error.Message}", source);
        }

        var set = new SchemaSet();
        foreach (var doc in read.Documents)
        {
            if (doc.Kind != "CustomResourceDefinition")
            {
                continue;
            }

            foreach (var schema in SchemaCompiler.CompileCrd(doc, source, asOf, sourceUrl, sourceLabel, checkPatterns))
            {
                set.Add(schema);
            }
        }

        if (set._byGvk.Count == 0)
        {
            throw new EngineException("InvalidCrd", ErrorKind.InvalidData,
                $"'{source}' contains no CustomResourceDefinition with an openAPIV3Schema (expected the output of 'kubectl get crd <name> -o yaml').", source);
        }

        return set;
    }

    private static readonly ConcurrentDictionary<string, Lazy<SchemaSet>> BuiltInSets = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<SchemaSet>> AutoModeNodePoolSets = new(StringComparer.Ordinal);

    /// <summary>
    /// The built-in schemas for the newest bundled Karpenter version: eks.amazonaws.com/v1 NodeClass,
    /// karpenter.k8s.aws/v1 EC2NodeClass, karpenter.sh/v1 NodePool.
    /// </summary>
    public static SchemaSet BuiltIn => ForKarpenter(null);

    /// <summary>The karpenter.sh/v1 NodePool schema as Auto Mode serves it (newest bundled Karpenter version plus the Auto Mode overlay).</summary>
    public static SchemaSet AutoModeNodePool => AutoModeNodePoolFor(null);

    /// <summary>
    /// The built-in schemas with the OSS Karpenter CRDs (EC2NodeClass, NodePool) of one bundled minor version
    /// (<see cref="KarpenterVersions"/>; null = the newest). The Auto Mode NodeClass schema is versioned by EKS and
    /// is the same for every Karpenter version.
    /// </summary>
    public static SchemaSet ForKarpenter(string? version)
    {
        string v = KarpenterVersions.Resolve(version);
        return BuiltInSets.GetOrAdd(v, key => new Lazy<SchemaSet>(() => LoadBuiltIn(key), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>
    /// The karpenter.sh/v1 NodePool as Auto Mode serves it: the OSS NodePool of Karpenter <paramref name="version"/>
    /// (null = newest) plus the Auto Mode overlay. EKS does not publish which Karpenter version an Auto Mode release
    /// runs, so the shared NodePool part follows the chosen version.
    /// </summary>
    public static SchemaSet AutoModeNodePoolFor(string? version)
    {
        string v = KarpenterVersions.Resolve(version);
        return AutoModeNodePoolSets.GetOrAdd(v, key => new Lazy<SchemaSet>(() => LoadAutoModeNodePool(key), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    internal const string NodeClassResource = "eks.amazonaws.com_nodeclasses.yaml";
    internal const string AutoModeOverlayResource = "karpenter.sh_nodepools.automode-overlay.yaml";

    internal static string Ec2NodeClassResource(string version) => $"{KarpenterVersions.Ec2NodeClassPrefix}{version}.yaml";

    internal static string NodePoolResource(string version) => $"{KarpenterVersions.NodePoolPrefix}{version}.yaml";

    internal static string ReadResource(string fileName) => EmbeddedData.ReadText("Validation", fileName);

    /// <summary>Reads "# as-of: yyyy-MM-dd" and "# source: url" header comments of a data file.</summary>
    internal static (string? AsOf, string? SourceUrl) ReadHeader(string text)
    {
        string? asOf = null;
        string? url = null;
        foreach (string line in text.Split('\n').TakeWhile(l => l.StartsWith('#') || string.IsNullOrWhiteSpace(l)))
        {
            string t = line.TrimStart('#', ' ').TrimEnd('\r');
            if (asOf is null && t.StartsWith("as-of:", StringComparison.OrdinalIgnoreCase))
            {
                asOf = t.Substring(6).Trim();
            }
            else if (url is null && t.StartsWith("source:", StringComparison.OrdinalIgnoreCase))
            {
                url = t.Substring(7).Trim();
            }
        }

        return (asOf, url);
    }

    /// <summary>Label of a bundled schema: <c>karpenter 1.15 (bundled, as-of 2026-08-21)</c>.</summary>
    internal static string BundledLabel(string what, string? asOf) => $"{what} (bundled, as-of {asOf ?? "unknown"})";

    private static SchemaSet LoadBuiltIn(string version)
    {
        var set = new SchemaSet();
        foreach (var (name, label) in new[] { (NodeClassResource, "eks-auto-mode"), (Ec2NodeClassResource(version), "karpenter " + version), (NodePoolResource(version), "karpenter " + version) })
        {
            string text = ReadResource(name);
            var (asOf, url) = ReadHeader(text);
            string source = "built-in:" + name;
            set.AddRange(FromRead(ManifestReader.ReadText(text, source), source, asOf, url, BundledLabel(label, asOf), checkPatterns: false));
        }

        return set;
    }

    private static SchemaSet LoadAutoModeNodePool(string version)
    {
        string resource = NodePoolResource(version);
        string text = ReadResource(resource);
        var (asOf, url) = ReadHeader(text);
        string overlayText = ReadResource(AutoModeOverlayResource);
        var (overlayAsOf, overlayUrl) = ReadHeader(overlayText);
        var crd = ManifestReader.ReadText(text).Documents.Single(d => d.Kind == "CustomResourceDefinition");
        var overlay = ManifestReader.ReadText(overlayText).Documents.Single();
        SchemaCompiler.ApplyOverlay(crd, overlay, overlayAsOf, overlayUrl);
        var set = new SchemaSet();
        string label = BundledLabel($"karpenter {version} + Auto Mode overlay", asOf) + (overlayAsOf is null ? string.Empty : $" (overlay as-of {overlayAsOf})");
        foreach (var schema in SchemaCompiler.CompileCrd(crd, $"built-in:{resource}+{AutoModeOverlayResource}", overlayAsOf ?? asOf, url, label, checkPatterns: false))
        {
            set.Add(schema);
        }

        return set;
    }
}

/// <summary>
/// The OSS Karpenter minor versions whose CRDs are bundled (data files
/// <c>Data/Validation/karpenter.k8s.aws_ec2nodeclasses.&lt;minor&gt;.yaml</c> and
/// <c>karpenter.sh_nodepools.&lt;minor&gt;.yaml</c>; a version is bundled when both exist). Adding a version is adding
/// its two files.
/// </summary>
public static class KarpenterVersions
{
    internal const string Ec2NodeClassPrefix = "karpenter.k8s.aws_ec2nodeclasses.";
    internal const string NodePoolPrefix = "karpenter.sh_nodepools.";
    private const string ResourcePrefix = "EksAutoMode.Engine.Data.Validation.";

    private static readonly Lazy<IReadOnlyList<string>> Bundled = new(Discover, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The bundled minor versions, oldest first (e.g. 1.14, 1.15).</summary>
    public static IReadOnlyList<string> All => Bundled.Value;

    /// <summary>The newest bundled version: the default of -KarpenterVersion.</summary>
    public static string Default => All[^1];

    /// <summary>
    /// The bundled minor version for <paramref name="text"/> (<c>1.15</c>, <c>v1.15</c>, <c>1.15.0</c> → <c>1.15</c>), or
    /// null when it names no bundled version. Null or empty text means <see cref="Default"/>.
    /// </summary>
    public static string? TryResolve(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Default;
        }

        string t = text.Trim();
        if (t.StartsWith('v') || t.StartsWith('V'))
        {
            t = t[1..];
        }

        string[] parts = t.Split('.');
        if (parts.Length is < 2 or > 3 || !parts.All(p => p.Length is > 0 and <= 4 && p.All(char.IsAsciiDigit)))
        {
            return null;
        }

        string minor = int.Parse(parts[0], CultureInfo.InvariantCulture) + "." + int.Parse(parts[1], CultureInfo.InvariantCulture);
        return All.Contains(minor) ? minor : null;
    }

    /// <summary>Like <see cref="TryResolve"/>, but an unknown version is an <see cref="EngineException"/> (UnsupportedKarpenterVersion).</summary>
    public static string Resolve(string? text) =>
        TryResolve(text) ?? throw new EngineException("UnsupportedKarpenterVersion", ErrorKind.InvalidArgument,
            $"Karpenter version '{text}' has no bundled schema; bundled: {string.Join(", ", All)}. For another version pass its CRDs with -CrdPath, or validate against the cluster with -ClusterName/-KubeConfigPath.", text);

    private static IReadOnlyList<string> Discover()
    {
        var names = typeof(KarpenterVersions).Assembly.GetManifestResourceNames();
        IEnumerable<string> Versions(string prefix) => names
            .Where(n => n.StartsWith(ResourcePrefix + prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => n[(ResourcePrefix.Length + prefix.Length)..^5]);
        var versions = Versions(Ec2NodeClassPrefix).Intersect(Versions(NodePoolPrefix))
            .Where(v => Version.TryParse(v, out _))
            .OrderBy(v => Version.Parse(v))
            .ToList();
        if (versions.Count == 0)
        {
            throw new EngineException("DataFileMissing", ErrorKind.ResourceUnavailable, "No bundled Karpenter CRD schema is embedded in the engine assembly.", ResourcePrefix);
        }

        return versions;
    }
}

/// <summary>Turns CRD YAML into <see cref="SchemaNode"/> trees and compiles their CEL rules.</summary>
internal static class SchemaCompiler
{
    public static IEnumerable<KindSchema> CompileCrd(ManifestDocument crd, string source, string? asOf, string? sourceUrl, string? sourceLabel = null, bool checkPatterns = true)
    {
        var spec = crd.Root.GetMapping("spec");
        string? group = spec?.GetString("group");
        string? kind = spec?.GetMapping("names")?.GetString("kind");
        if (spec is null || group is null || kind is null)
        {
            throw new EngineException("InvalidCrd", ErrorKind.InvalidData, $"The CRD in '{source}' lacks spec.group or spec.names.kind.", source);
        }

        var versions = spec.GetSequence("versions");
        if (versions is null)
        {
            yield break;
        }

        foreach (var v in versions.Items.OfType<MappingNode>())
        {
            string? version = v.GetString("name");
            if (v["served"] is ScalarNode served && served.TryGetBoolean(out bool isServed) && !isServed)
            {
                continue; // the API server refuses objects of a version it does not serve
            }

            var schema = v.GetMapping("schema")?.GetMapping("openAPIV3Schema") ?? spec.GetMapping("validation")?.GetMapping("openAPIV3Schema");
            if (version is null || schema is null)
            {
                continue;
            }

            SchemaNode root;
            try
            {
                root = Compile(schema, asOf, sourceUrl, checkPatterns);
            }
            catch (Exception e) when (e is ArgumentException or RegexParseException or FormatException)
            {
                throw new EngineException("InvalidCrd", ErrorKind.InvalidData, $"The CRD {kind}.{group}/{version} in '{source}' has an invalid schema: {e.Message}", source);
            }

            yield return new KindSchema(group, version, kind, root, source, asOf, sourceUrl, sourceLabel);
        }
    }

    /// <summary>Applies an overlay document: <c>add</c> entries of { path, x-kubernetes-validations } and <c>removeDefaults</c> paths.</summary>
    public static void ApplyOverlay(ManifestDocument crd, ManifestDocument overlay, string? asOf, string? sourceUrl)
    {
        foreach (var version in crd.Root.GetMapping("spec")!.GetSequence("versions")!.Items.OfType<MappingNode>())
        {
            var schema = version.GetMapping("schema")!.GetMapping("openAPIV3Schema")!;
            foreach (var add in overlay.Root.GetSequence("add")?.Items.OfType<MappingNode>() ?? Enumerable.Empty<MappingNode>())
            {
                var target = Navigate(schema, add.GetString("path")!);
                var list = target.GetSequence("x-kubernetes-validations");
                if (list is null)
                {
                    list = new SequenceNode();
                    target.Set("x-kubernetes-validations", list);
                }

                foreach (var rule in add.GetSequence("x-kubernetes-validations")!.Items)
                {
                    list.Add(rule.Clone());
                }
            }

            foreach (var path in overlay.Root.GetSequence("removeDefaults")?.Items.OfType<ScalarNode>() ?? Enumerable.Empty<ScalarNode>())
            {
                Navigate(schema, path.Value!).Remove("default");
            }
        }
    }

    private static MappingNode Navigate(MappingNode schema, string path)
    {
        var node = schema;
        foreach (string part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = part == "[]"
                ? node.GetMapping("items")!
                : node.GetMapping("properties")?.GetMapping(part) ?? throw new InvalidOperationException($"Overlay path '{path}' not found at '{part}'.");
        }

        return node;
    }

    /// <param name="checkPatterns">Build every pattern now (user CRDs: a bad one is an invalid CRD); false for the bundled, tested ones.</param>
    public static SchemaNode Compile(MappingNode m, string? asOf, string? sourceUrl, bool checkPatterns = true)
    {
        var n = new SchemaNode
        {
            Type = m.GetString("type"),
            Format = m.GetString("format"),
            Nullable = Bool(m, "nullable"),
            IntOrString = Bool(m, "x-kubernetes-int-or-string"),
            PreserveUnknownFields = Bool(m, "x-kubernetes-preserve-unknown-fields"),
            EmbeddedResource = Bool(m, "x-kubernetes-embedded-resource"),
            Pattern = m.GetString("pattern"),
            MinLength = Long(m, "minLength"),
            MaxLength = Long(m, "maxLength"),
            MinItems = Long(m, "minItems"),
            MaxItems = Long(m, "maxItems"),
            MinProperties = Long(m, "minProperties"),
            MaxProperties = Long(m, "maxProperties"),
            Minimum = Double(m, "minimum"),
            Maximum = Double(m, "maximum"),
            ExclusiveMinimum = Bool(m, "exclusiveMinimum"),
            ExclusiveMaximum = Bool(m, "exclusiveMaximum"),
            Default = m["default"],
            ListType = m.GetString("x-kubernetes-list-type"),
        };
        if (n.Pattern is not null && checkPatterns)
        {
            // Kubernetes uses Go RE2 patterns; .NET regex is a superset for the syntax CRDs use. Unanchored like Go.
            _ = n.PatternRegex;
        }

        if (m.GetMapping("properties") is { } props)
        {
            n.Properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
            foreach (var e in props.Entries)
            {
                if (e.Value is MappingNode pm)
                {
                    n.Properties[e.KeyText] = Compile(pm, asOf, sourceUrl, checkPatterns);
                }
            }
        }

        switch (m["additionalProperties"])
        {
            case MappingNode ap:
                n.AdditionalProperties = Compile(ap, asOf, sourceUrl, checkPatterns);
                n.AdditionalPropertiesAllowed = true;
                break;
            case ScalarNode s when s.TryGetBoolean(out bool allowed):
                n.AdditionalPropertiesAllowed = allowed;
                break;
        }

        if (m.GetMapping("items") is { } items)
        {
            n.Items = Compile(items, asOf, sourceUrl, checkPatterns);
        }

        if (m.GetSequence("required") is { } req)
        {
            n.Required = req.Items.OfType<ScalarNode>().Select(s => s.Value ?? string.Empty).ToList();
        }

        if (m.GetSequence("enum") is { } en)
        {
            n.Enum = en.Items.ToList();
        }

        if (m.GetSequence("x-kubernetes-validations") is { } rules)
        {
            foreach (var r in rules.Items.OfType<MappingNode>())
            {
                string? rule = r.GetString("rule");
                if (rule is null)
                {
                    continue;
                }

                var cel = new CelRule
                {
                    Rule = rule,
                    Message = r.GetString("message"),
                    MessageExpression = r.GetString("messageExpression"),
                    FieldPath = r.GetString("fieldPath"),
                    Reason = r.GetString("reason"),
                    IsTransition = CelEngine.ReferencesOldSelf(rule),
                    RuleId = r.GetString("x-eksautomode-rule-id"),
                    SourceUrl = r.GetString("x-eksautomode-source") ?? sourceUrl,
                    AsOf = r.GetString("x-eksautomode-as-of") ?? asOf,
                };
                n.Validations.Add(cel); // compiled on first use (CelRule.Program)
            }
        }

        n.HasCelBelow = n.Validations.Count > 0
            || (n.Properties?.Values.Any(p => p.HasCelBelow) ?? false)
            || (n.AdditionalProperties?.HasCelBelow ?? false)
            || (n.Items?.HasCelBelow ?? false);
        return n;
    }

    private static bool Bool(MappingNode m, string key) => m[key] is ScalarNode s && s.TryGetBoolean(out bool b) && b;

    private static long? Long(MappingNode m, string key) => m[key] is ScalarNode s && s.TryGetInt64(out long l) ? l : null;

    private static double? Double(MappingNode m, string key) => m[key] is ScalarNode s && s.TryGetDouble(out double d) ? d : null;
}
