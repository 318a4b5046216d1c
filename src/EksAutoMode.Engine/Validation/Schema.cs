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
    public Regex? PatternRegex { get; set; }
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
    internal KindSchema(string group, string version, string kind, SchemaNode root, string source, string? asOf, string? sourceUrl)
    {
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
        return FromRead(read, path, null, null);
    }

    /// <summary>Loads every CRD in YAML/JSON text.</summary>
    public static SchemaSet LoadCrdText(string text, string source = "<text>", string? asOf = null, string? sourceUrl = null)
    {
        var read = ManifestReader.ReadText(text, source);
        return FromRead(read, source, asOf, sourceUrl);
    }

    private static SchemaSet FromRead(ManifestReadResult read, string source, string? asOf, string? sourceUrl)
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

            foreach (var schema in SchemaCompiler.CompileCrd(doc, source, asOf, sourceUrl))
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

    private static readonly Lazy<SchemaSet> BuiltInSet = new(LoadBuiltIn, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SchemaSet> AutoModeNodePoolSet = new(LoadAutoModeNodePool, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The built-in schemas: eks.amazonaws.com/v1 NodeClass, karpenter.k8s.aws/v1 EC2NodeClass, karpenter.sh/v1 NodePool.</summary>
    public static SchemaSet BuiltIn => BuiltInSet.Value;

    /// <summary>The karpenter.sh/v1 NodePool schema as Auto Mode serves it: the OSS schema plus the Auto Mode overlay.</summary>
    public static SchemaSet AutoModeNodePool => AutoModeNodePoolSet.Value;

    internal const string NodeClassResource = "eks.amazonaws.com_nodeclasses.yaml";
    internal const string Ec2NodeClassResource = "karpenter.k8s.aws_ec2nodeclasses.yaml";
    internal const string NodePoolResource = "karpenter.sh_nodepools.yaml";
    internal const string AutoModeOverlayResource = "karpenter.sh_nodepools.automode-overlay.yaml";

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

    private static SchemaSet LoadBuiltIn()
    {
        var set = new SchemaSet();
        foreach (string name in new[] { NodeClassResource, Ec2NodeClassResource, NodePoolResource })
        {
            string text = ReadResource(name);
            var (asOf, url) = ReadHeader(text);
            set.AddRange(LoadCrdText(text, "built-in:" + name, asOf, url));
        }

        return set;
    }

    private static SchemaSet LoadAutoModeNodePool()
    {
        string text = ReadResource(NodePoolResource);
        var (asOf, url) = ReadHeader(text);
        string overlayText = ReadResource(AutoModeOverlayResource);
        var (overlayAsOf, overlayUrl) = ReadHeader(overlayText);
        var crd = ManifestReader.ReadText(text).Documents.Single(d => d.Kind == "CustomResourceDefinition");
        var overlay = ManifestReader.ReadText(overlayText).Documents.Single();
        SchemaCompiler.ApplyOverlay(crd, overlay, overlayAsOf, overlayUrl);
        var set = new SchemaSet();
        foreach (var schema in SchemaCompiler.CompileCrd(crd, "built-in:karpenter.sh_nodepools.yaml+karpenter.sh_nodepools.automode-overlay.yaml", overlayAsOf ?? asOf, url))
        {
            set.Add(schema);
        }

        return set;
    }
}

/// <summary>Turns CRD YAML into <see cref="SchemaNode"/> trees and compiles their CEL rules.</summary>
internal static class SchemaCompiler
{
    public static IEnumerable<KindSchema> CompileCrd(ManifestDocument crd, string source, string? asOf, string? sourceUrl)
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
            var schema = v.GetMapping("schema")?.GetMapping("openAPIV3Schema") ?? spec.GetMapping("validation")?.GetMapping("openAPIV3Schema");
            if (version is null || schema is null)
            {
                continue;
            }

            SchemaNode root;
            try
            {
                root = Compile(schema, asOf, sourceUrl);
            }
            catch (Exception e) when (e is ArgumentException or RegexParseException or FormatException)
            {
                throw new EngineException("InvalidCrd", ErrorKind.InvalidData, $"The CRD {kind}.{group}/{version} in '{source}' has an invalid schema: {e.Message}", source);
            }

            yield return new KindSchema(group, version, kind, root, source, asOf, sourceUrl);
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

    public static SchemaNode Compile(MappingNode m, string? asOf, string? sourceUrl)
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
        if (n.Pattern is not null)
        {
            // Kubernetes uses Go RE2 patterns; .NET regex is a superset for the syntax CRDs use. Unanchored like Go.
            n.PatternRegex = Re2Regex.Create(n.Pattern);
        }

        if (m.GetMapping("properties") is { } props)
        {
            n.Properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
            foreach (var e in props.Entries)
            {
                if (e.Value is MappingNode pm)
                {
                    n.Properties[e.KeyText] = Compile(pm, asOf, sourceUrl);
                }
            }
        }

        switch (m["additionalProperties"])
        {
            case MappingNode ap:
                n.AdditionalProperties = Compile(ap, asOf, sourceUrl);
                n.AdditionalPropertiesAllowed = true;
                break;
            case ScalarNode s when s.TryGetBoolean(out bool allowed):
                n.AdditionalPropertiesAllowed = allowed;
                break;
        }

        if (m.GetMapping("items") is { } items)
        {
            n.Items = Compile(items, asOf, sourceUrl);
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
