using EksAutoMode.Engine;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

public class CelEngineTests
{
    [Theory]
    [InlineData("self.split('/')[0] == 'karpenter.sh'", "karpenter.sh/capacity-type", true)]
    [InlineData("self.split('/', 1).size() == 1", "a/b/c", true)]
    [InlineData("self.find('^([^/]+)') == 'karpenter.k8s.aws'", "karpenter.k8s.aws/instance-size", true)]
    [InlineData("self.find('^([^/]+)').endsWith('karpenter.sh')", "example.com/x", false)]
    [InlineData("self.findAll('[0-9]+').size() == 2", "a1b22", true)]
    [InlineData("self.lowerAscii() == 'abc'", "AbC", true)]
    [InlineData("self.upperAscii() == 'ABC'", "abc", true)]
    [InlineData("self.trim() == 'x'", "  x ", true)]
    [InlineData("self.replace('-', '_') == 'a_b_c'", "a-b-c", true)]
    [InlineData("self.replace('-', '_', 1) == 'a_b-c'", "a-b-c", true)]
    [InlineData("self.indexOf('@') == 6", "al2023@latest", true)]
    [InlineData("self.lastIndexOf('/') == 3", "a/b/c", true)]
    [InlineData("self.substring(0, 2) == 'al'", "al2023@latest", true)]
    [InlineData("self.substring(7) == 'latest'", "al2023@latest", true)]
    [InlineData("self.charAt(1) == 'l'", "al2", true)]
    [InlineData("self.split('@').join('-') == 'al2-latest'", "al2@latest", true)]
    [InlineData("self.matches('^[a-zA-Z0-9]+@.+$')", "bottlerocket@latest", true)]
    [InlineData("self.startsWith('kubernetes.io/cluster')", "kubernetes.io/cluster/x", true)]
    [InlineData("duration(self) <= duration('504h')", "480h", true)]
    [InlineData("duration(self) + duration('24h') <= duration('504h')", "481h", false)]
    [InlineData("int(self) >= 0", "4", true)]
    public void KubernetesLibraryFunctionsWork(string rule, string self, bool expected)
    {
        var (value, error) = CelEngine.Evaluate(CelEngine.Compile(rule), self);
        Assert.Null(error);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void ListLibraryFunctionsWork()
    {
        var list = new List<object?> { 3L, 1L, 2L };
        Assert.Equal(false, CelEngine.Evaluate(CelEngine.Compile("self.isSorted()"), list).Value);
        Assert.Equal(6L, CelEngine.Evaluate(CelEngine.Compile("self.sum()"), list).Value);
        Assert.Equal(1L, CelEngine.Evaluate(CelEngine.Compile("self.min()"), list).Value);
        Assert.Equal(3L, CelEngine.Evaluate(CelEngine.Compile("self.max()"), list).Value);
    }

    [Theory]
    [InlineData("duration(self) > duration('1h')", "Never", "type conversion error from 'string' to 'google.protobuf.Duration'")]
    [InlineData("int(self) > 0", "x", "type conversion error from 'string' to 'int'")]
    [InlineData("self.split('@')[1] == 'x'", "noat", "index out of range")]
    public void ErrorsUseCelGoWording(string rule, string self, string expected)
    {
        var (_, error) = CelEngine.Evaluate(CelEngine.Compile(rule), self);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void MissingFieldIsNoSuchKey()
    {
        var self = new Dictionary<string, object?> { ["a"] = "1" };
        Assert.Equal("no such key: values", CelEngine.Evaluate(CelEngine.Compile("self.values == 'x'"), self).Error);
        Assert.Equal("no such key: values", CelEngine.Evaluate(CelEngine.Compile("self.values"), self).Error);
        Assert.StartsWith("no such key", CelEngine.Evaluate(CelEngine.Compile("self.values.size() > 0"), self).Error);
    }

    [Fact]
    public void TransitionRulesAreRecognisedAndSkipped()
    {
        Assert.True(CelEngine.ReferencesOldSelf("self.group == oldSelf.group"));
        Assert.False(CelEngine.ReferencesOldSelf("self.oldSelfish == 1"));
        Assert.True(CelEngine.ReferencesOldSelf("oldSelf == self"));
        Assert.True(CelEngine.ReferencesOldSelf("has(oldSelf.x) || self.y == oldSelf"));
        Assert.True(CelEngine.ReferencesOldSelf("self.myoldSelf == 1 || oldSelf.a == 1"));
        Assert.False(CelEngine.ReferencesOldSelf("self.my_oldSelf == 1 || self.oldSelf2 == 1"));
        var nodePool = SchemaSet.BuiltIn.Find("karpenter.sh/v1", "NodePool")!;
        Assert.Equal(3, nodePool.TransitionRuleCount);
        Assert.True(nodePool.CelRuleCount > 15);
    }

    [Fact]
    public void MemoizedEvaluationGivesTheSameResults()
    {
        var program = CelEngine.Compile("self.all(x, x != 'kubernetes.io/hostname')");
        var good = new Dictionary<string, object?> { ["a"] = "b" };
        var bad = new Dictionary<string, object?> { ["kubernetes.io/hostname"] = "b" };
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(true, CelEngine.EvaluateMemoized(program, good).Value);
            Assert.Equal(false, CelEngine.EvaluateMemoized(program, bad).Value);
        }

        Assert.NotEqual(CelEngine.CanonicalKey("1"), CelEngine.CanonicalKey(1L));
        Assert.NotEqual(CelEngine.CanonicalKey(new List<object?> { "ab" }), CelEngine.CanonicalKey(new List<object?> { "a", "b" }));
    }
}

public class SchemaSetTests
{
    private const string Crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: nodepools.karpenter.sh}
        spec:
          group: karpenter.sh
          names: {kind: NodePool, plural: nodepools}
          scope: Cluster
          versions:
          - name: v1
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [weight]
                    properties:
                      weight: {type: integer, minimum: 5}
                      mode: {type: string, enum: [a, b], default: a}
                    x-kubernetes-validations:
                    - rule: "self.mode == 'a' || self.weight > 10"
                      message: mode b needs a heavy pool
                    - rule: "self.weight != 7"
                      fieldPath: .weight
                      reason: FieldValueForbidden
                      message: seven is forbidden
          - name: v2
            schema:
              openAPIV3Schema:
                type: object
        """;

    [Fact]
    public void CatastrophicPatternsGetAVerdictNotATimeout()
    {
        // The API server matches with RE2 (linear time). A backtracking engine would take exponential time on
        // this pattern and input, and a timeout would turn a plain "no match" into an evaluation error.
        var (value, error) = CelEngine.Evaluate(CelEngine.Compile("self.matches('^(a+)+$')"), new string('a', 60) + "!");
        Assert.Null(error);
        Assert.Equal(false, value);
        var (match, noError) = CelEngine.Evaluate(CelEngine.Compile("self.matches('^(a+)+$')"), new string('a', 60));
        Assert.Null(noError);
        Assert.Equal(true, match);
    }

    [Fact]
    public void CustomCrdReplacesTheBuiltInSchema()
    {
        var set = SchemaSet.LoadCrdText(Crd, "my-crd.yaml");
        Assert.Equal(new[] { "v1", "v2" }, set.VersionsOf("karpenter.sh", "NodePool").OrderBy(v => v));
        var options = new ValidationOptions { CustomSchemas = set, Target = ValidationTarget.Karpenter, PolicyRules = false };

        Assert.Equal("spec.weight: Required value", Assert.Single(V.Errors(Validate("spec: {}", options))).ApiServerText);
        Assert.Empty(Validate("spec: {weight: 6}", options)); // the built-in schema would require template
        Assert.Equal("spec: Invalid value: \"object\": mode b needs a heavy pool", Assert.Single(Validate("spec: {weight: 6, mode: b}", options)).ApiServerText);
        Assert.Equal("spec.weight: Forbidden: seven is forbidden", Assert.Single(Validate("spec: {weight: 7}", options)).ApiServerText);
        Assert.Equal("spec.weight: Invalid value: 4: spec.weight in body should be greater than or equal to 5", Assert.Single(Validate("spec: {weight: 4}", options)).ApiServerText);
    }

    [Fact]
    public void DefaultsAreAppliedBeforeCel()
    {
        var set = SchemaSet.LoadCrdText(Crd);
        var options = new ValidationOptions { CustomSchemas = set, PolicyRules = false };
        Assert.Empty(Validate("spec: {weight: 6}", options)); // mode defaults to a: rule passes
    }

    [Fact]
    public void APatternTheRegexEngineRefusesMakesTheCrdInvalid()
    {
        string crd = Crd.Replace("weight: {type: integer", "name: {type: string, pattern: '([a-z'}\n              weight: {type: integer", StringComparison.Ordinal);
        Assert.NotEqual(Crd, crd);
        var e = Assert.Throws<EngineException>(() => SchemaSet.LoadCrdText(crd, "mine.yaml"));
        Assert.Equal("InvalidCrd", e.ErrorId);
        Assert.Contains("mine.yaml", e.Message);
    }

    [Fact]
    public void EveryBundledPatternCompiles()
    {
        // Bundled schemas build their patterns on first use (faster first verdict), so nothing at load time checks them.
        var sets = KarpenterVersions.All.SelectMany(v => new[] { SchemaSet.ForKarpenter(v), SchemaSet.AutoModeNodePoolFor(v) });
        int patterns = 0;
        foreach (var kind in sets.SelectMany(s => s.Kinds))
        {
            foreach (var node in Walk(kind.Root).Where(n => n.Pattern is not null))
            {
                Assert.NotNull(node.PatternRegex);
                patterns++;
            }
        }

        Assert.True(patterns > 40, $"{patterns} patterns");

        static IEnumerable<SchemaNode> Walk(SchemaNode n) =>
            new[] { n }.Concat((n.Properties?.Values ?? Enumerable.Empty<SchemaNode>()).Append(n.AdditionalProperties).Append(n.Items)
                .Where(c => c is not null).SelectMany(c => Walk(c!)));
    }

    [Fact]
    public void NotACrdIsAnInvalidCrdError()
    {
        var e = Assert.Throws<EngineException>(() => SchemaSet.LoadCrdText("kind: NodePool\n", "pool.yaml"));
        Assert.Equal("InvalidCrd", e.ErrorId);
        var syntax = Assert.Throws<EngineException>(() => SchemaSet.LoadCrdText("a: [", "bad.yaml"));
        Assert.Equal("InvalidCrd", syntax.ErrorId);
        Assert.Contains("line", syntax.Message);
        var missing = Assert.Throws<EngineException>(() => SchemaSet.LoadCrdFile("/nonexistent/crd.yaml"));
        Assert.Equal("CrdNotFound", missing.ErrorId);
    }

    [Fact]
    public void BuiltInSchemasCarrySourceAndAsOf()
    {
        foreach (var kind in SchemaSet.BuiltIn.Kinds)
        {
            Assert.Matches("^https://", kind.SourceUrl);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", kind.AsOf);
        }

        Assert.Equal(3, SchemaSet.BuiltIn.Kinds.Count);
        foreach (var rule in PolicyRules.All.Values)
        {
            Assert.Matches("^https://", rule.SourceUrl);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", rule.AsOf);
        }
    }

    private static IReadOnlyList<ManifestFinding> Validate(string spec, ValidationOptions options) =>
        ManifestValidator.Validate(ManifestReader.ReadText("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\n" + spec).Documents.Single(), options);
}

public class ValidationRunTests
{
    [Fact]
    public void RunKeepsTheVerdictAndSkipsOtherKinds()
    {
        var run = new ValidationRun(new ValidationOptions(), d => d.Kind == "NodePool", strict: false);
        var skipped = new List<string?>();
        run.Skipped += d => skipped.Add(d.Kind);
        var results = run.AddText(V.NodeClass + "\n---\n" + V.NodePool + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "mixed.yaml");
        Assert.Single(results);
        Assert.Equal(new[] { "NodeClass", "ConfigMap" }, skipped);
        Assert.False(run.Failed);
        Assert.Empty(run.Finish());

        run.AddText("kind: [", "bad.yaml");
        Assert.True(run.Failed);
    }

    [Fact]
    public void StrictCountsWarnings()
    {
        string tagged = V.NodeClass + "\n  tags: {team: a}\n";
        var lenient = new ValidationRun(new ValidationOptions());
        lenient.AddText(tagged);
        Assert.False(lenient.Failed);
        var strict = new ValidationRun(new ValidationOptions(), strict: true);
        strict.AddText(tagged);
        Assert.True(strict.Failed);
    }

    [Fact]
    public void ConversionCanValidateAProducedDocument()
    {
        // The way the conversion cmdlets use the engine: build a tree, wrap it in a document, validate for a target.
        var root = new MappingNode();
        root.Set("apiVersion", "karpenter.k8s.aws/v1");
        root.Set("kind", "EC2NodeClass");
        var metadata = new MappingNode();
        metadata.Set("name", "converted");
        root.Set("metadata", metadata);
        var spec = new MappingNode();
        spec.Set("role", "MyNodeRole");
        var alias = new MappingNode();
        alias.Set("alias", "bottlerocket@latest");
        spec.Set("amiSelectorTerms", new SequenceNode(new ManifestNode[] { alias }));
        var subnet = new MappingNode();
        subnet.Set("id", "subnet-1");
        spec.Set("subnetSelectorTerms", new SequenceNode(new ManifestNode[] { subnet }));
        root.Set("spec", spec);

        var findings = ManifestValidator.Validate(new ManifestDocument(root), new ValidationOptions { Target = ValidationTarget.Karpenter });
        var f = Assert.Single(V.Errors(findings));
        Assert.Equal("spec.securityGroupSelectorTerms: Required value", f.ApiServerText);
        Assert.Equal(0, f.Line);
    }
}
