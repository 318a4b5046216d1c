using System.Collections;
using System.Collections.Specialized;
using System.Text;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Tests.Unit.Manifests;

public class ManifestReaderTests
{
    private const string NodePoolYaml = """
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: web
        spec:
          template:
            spec:
              expireAfter: 336h
              requirements:
                - key: kubernetes.io/arch
                  operator: In
                  values: ["amd64", arm64]
        ---
        # second document
        apiVersion: eks.amazonaws.com/v1
        kind: NodeClass
        metadata: {name: custom}
        spec:
          role: MyNodeRole
        """;

    [Fact]
    public void ReadsMultipleDocumentsWithIdentityAndPositions()
    {
        var result = ManifestReader.ReadText(NodePoolYaml, "pools.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(2, result.Documents.Count);
        var pool = result.Documents[0];
        Assert.Equal(("karpenter.sh/v1", "NodePool", "web", "karpenter.sh"), (pool.ApiVersion, pool.Kind, pool.Name, pool.Group));
        Assert.Equal("pools.yaml", pool.SourceFile);
        Assert.Equal((1, 1), (pool.Line, pool.Column));

        var expire = (ScalarNode)pool.Root.GetMapping("spec")!.GetMapping("template")!.GetMapping("spec")!["expireAfter"]!;
        Assert.Equal("336h", expire.Value);
        Assert.Equal((8, 20), (expire.Line, expire.Column));

        var values = (SequenceNode)((MappingNode)pool.Root.GetMapping("spec")!.GetMapping("template")!.GetMapping("spec")!.GetSequence("requirements")![0])["values"]!;
        Assert.Equal(ScalarStyle.DoubleQuoted, ((ScalarNode)values[0]).Style);
        Assert.Equal(ScalarStyle.Plain, ((ScalarNode)values[1]).Style);

        var nodeClass = result.Documents[1];
        Assert.Equal(1, nodeClass.DocumentIndex);
        Assert.Equal("custom", nodeClass.Name);
        Assert.Equal(15, nodeClass.Line);
        var role = nodeClass.Root.GetMapping("spec")!.GetEntry("role")!;
        Assert.Equal((19, 3), (role.Key.Line, role.Key.Column));
    }

    [Fact]
    public void ReadsJsonWithPositionsAndTypes()
    {
        string json = "{\n\t\"apiVersion\": \"karpenter.sh/v1\",\n\t\"kind\": \"NodePool\",\n\t\"metadata\": {\"name\": \"j\"},\n\t\"spec\": {\"weight\": 10, \"flag\": true, \"s\": \"10\"}\n}";
        var result = ManifestReader.ReadText(json);

        Assert.Empty(result.Problems);
        var doc = Assert.Single(result.Documents);
        Assert.Equal("j", doc.Name);
        var spec = doc.Root.GetMapping("spec")!;
        Assert.Equal(ScalarType.Integer, ((ScalarNode)spec["weight"]!).ResolvedType);
        Assert.Equal(ScalarType.Boolean, ((ScalarNode)spec["flag"]!).ResolvedType);
        Assert.Equal(ScalarType.String, ((ScalarNode)spec["s"]!).ResolvedType);
        Assert.Equal(5, spec["weight"]!.Line);
    }

    [Fact]
    public void SplitsListsIntoItemsKeepingPositions()
    {
        string yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: karpenter.sh/v1
              kind: NodePool
              metadata: {name: a}
            - apiVersion: karpenter.sh/v1
              kind: NodePool
              metadata: {name: b}
            """;
        var result = ManifestReader.ReadText(yaml);

        Assert.Empty(result.Problems);
        Assert.Equal(new[] { "a", "b" }, result.Documents.Select(d => d.Name));
        Assert.Equal(new int?[] { 0, 1 }, result.Documents.Select(d => d.ItemIndex));
        Assert.Equal((7, 3), (result.Documents[1].Line, result.Documents[1].Column));
    }

    [Fact]
    public void TypedListKindIsSplitToo()
    {
        var result = ManifestReader.ReadText("apiVersion: karpenter.sh/v1\nkind: NodePoolList\nitems:\n- {kind: NodePool, metadata: {name: x}}\n");
        Assert.Equal("x", Assert.Single(result.Documents).Name);
    }

    [Fact]
    public void SyntaxErrorBecomesProblemWithPositionAndKeepsEarlierDocuments()
    {
        string yaml = "kind: NodePool\nmetadata: {name: ok}\n---\nkind: NodeClass\nspec:\n  role: [unclosed\n  x: 1\n";
        var result = ManifestReader.ReadText(yaml, "bad.yaml");

        Assert.Single(result.Documents);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.SyntaxError, problem.Code);
        Assert.Equal("bad.yaml", problem.SourceFile);
        Assert.True(problem.Line >= 6, $"line {problem.Line}");
        Assert.True(problem.Column >= 1);
        Assert.StartsWith("YAML syntax error:", problem.Message);
        Assert.DoesNotContain("Idx:", problem.Message);
    }

    [Fact]
    public void TabIndentationIsASyntaxError()
    {
        var result = ManifestReader.ReadText("kind: NodePool\nspec:\n\tweight: 1\n");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.SyntaxError, problem.Code);
        Assert.True(problem.Line == 3, problem.ToString());
    }

    [Fact]
    public void AliasBombIsRefused()
    {
        var sb = new StringBuilder("kind: NodePool\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++)
        {
            sb.Append($"a{i}: &a{i} [");
            sb.Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)));
            sb.Append("]\n");
        }

        var result = ManifestReader.ReadText(sb.ToString());

        Assert.Empty(result.Documents);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.AliasExpansionLimit, problem.Code);
        Assert.True(problem.Line > 2);
    }

    [Fact]
    public void ModestAliasesAndMergeKeysAreExpanded()
    {
        string yaml = "base: &b {a: 1, b: 2}\nkind: NodePool\nderived:\n  <<: *b\n  b: 3\ncopy: *b\n";
        var result = ManifestReader.ReadText(yaml);
        Assert.Empty(result.Problems);
        var root = Assert.Single(result.Documents).Root;
        Assert.Equal("1", root.GetMapping("derived")!.GetString("a"));
        Assert.Equal("3", root.GetMapping("derived")!.GetString("b"));
        Assert.Equal("2", root.GetMapping("copy")!.GetString("b"));
        Assert.NotSame(root["base"], root["copy"]);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        string yaml = "kind: NodePool\nspec: " + new string('[', 150) + new string(']', 150) + "\n---\nkind: NodeClass\n";
        var result = ManifestReader.ReadText(yaml);
        Assert.Equal(ManifestProblemCodes.NestingTooDeep, Assert.Single(result.Problems).Code);
        Assert.Equal("NodeClass", Assert.Single(result.Documents).Kind);
    }

    [Fact]
    public void InputOverFiveMegabytesIsRefused()
    {
        string big = "kind: NodePool\ndata: \"" + new string('x', 5 * 1024 * 1024) + "\"\n";
        var fromText = ManifestReader.ReadText(big);
        Assert.Equal(ManifestProblemCodes.InputTooLarge, Assert.Single(fromText.Problems).Code);
        Assert.Contains("5 MB", fromText.Problems[0].Message);
        var fromBytes = ManifestReader.ReadBytes(Encoding.UTF8.GetBytes(big));
        Assert.Equal(ManifestProblemCodes.InputTooLarge, Assert.Single(fromBytes.Problems).Code);
    }

    [Fact]
    public void BinaryInputIsReported()
    {
        var result = ManifestReader.ReadBytes(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00 });
        Assert.Equal(ManifestProblemCodes.BinaryInput, Assert.Single(result.Problems).Code);
        Assert.Empty(result.Documents);
    }

    [Fact]
    public void InvalidUtf8IsReportedWithPosition()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("kind: NodePool\nmetadata:\n  name: caf")
            .Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var result = ManifestReader.ReadBytes(bytes);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.InvalidEncoding, problem.Code);
        Assert.Equal((3, 12), (problem.Line, problem.Column));
    }

    [Fact]
    public void Utf16WithBomAndUtf8BomAreRead()
    {
        string yaml = "kind: NodePool\nmetadata: {name: u}\n";
        byte[] utf16 = new byte[] { 0xFF, 0xFE }.Concat(Encoding.Unicode.GetBytes(yaml)).ToArray();
        Assert.Equal("u", Assert.Single(ManifestReader.ReadBytes(utf16).Documents).Name);
        byte[] utf8Bom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(yaml)).ToArray();
        Assert.Equal("u", Assert.Single(ManifestReader.ReadBytes(utf8Bom).Documents).Name);
    }

    [Fact]
    public void DuplicateKeysAreReported()
    {
        var result = ManifestReader.ReadText("kind: NodeClass\nspec:\n  role: a\n  role: b\n");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.DuplicateKey, problem.Code);
        Assert.Equal("mapping key \"role\" already defined at line 3", problem.Message);
        Assert.Equal((4, 3), (problem.Line, problem.Column));
        Assert.Equal("b", result.Documents[0].Root.GetMapping("spec")!.GetString("role"));
    }

    [Fact]
    public void NonObjectDocumentsAreReportedAndEmptyDocumentsSkipped()
    {
        var result = ManifestReader.ReadText("---\n# nothing\n---\n- a\n- b\n---\nkind: NodePool\n");
        Assert.Single(result.Documents);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.NotAnObject, problem.Code);
        Assert.Equal(4, problem.Line);
    }

    [Fact]
    public void MissingFileIsAProblemNotAnException()
    {
        var result = ManifestReader.ReadFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".yaml"));
        Assert.Equal(ManifestProblemCodes.ReadFailed, Assert.Single(result.Problems).Code);
    }

    [Theory]
    [InlineData("null", ScalarType.Null)]
    [InlineData("~", ScalarType.Null)]
    [InlineData("", ScalarType.Null)]
    [InlineData("true", ScalarType.Boolean)]
    [InlineData("FALSE", ScalarType.Boolean)]
    [InlineData("yes", ScalarType.String)]
    [InlineData("on", ScalarType.String)]
    [InlineData("42", ScalarType.Integer)]
    [InlineData("-7", ScalarType.Integer)]
    [InlineData("0x1F", ScalarType.Integer)]
    [InlineData("0o17", ScalarType.Integer)]
    [InlineData("1.5", ScalarType.Float)]
    [InlineData("1e3", ScalarType.Float)]
    [InlineData(".inf", ScalarType.Float)]
    [InlineData(".NaN", ScalarType.Float)]
    [InlineData("336h", ScalarType.String)]
    [InlineData("10%", ScalarType.String)]
    [InlineData("1.2.3", ScalarType.String)]
    [InlineData("+12", ScalarType.Integer)]
    [InlineData("0x", ScalarType.String)]
    [InlineData("0o8", ScalarType.String)]
    [InlineData("0xG1", ScalarType.String)]
    [InlineData("1_000", ScalarType.String)]
    [InlineData("+", ScalarType.String)]
    [InlineData("1.", ScalarType.Float)]
    [InlineData(".5", ScalarType.Float)]
    [InlineData("-1.5e-3", ScalarType.Float)]
    [InlineData("1E+5", ScalarType.Float)]
    [InlineData("1e", ScalarType.String)]
    [InlineData(".", ScalarType.String)]
    [InlineData("+.inf", ScalarType.Float)]
    [InlineData("-.INF", ScalarType.Float)]
    [InlineData(".infinity", ScalarType.String)]
    [InlineData("-.nan", ScalarType.String)]
    [InlineData("12\n", ScalarType.String)]
    public void PlainScalarsResolveByYaml12CoreSchema(string text, ScalarType expected)
    {
        Assert.Equal(expected, ScalarNode.ResolvePlain(text));
        Assert.Equal(expected, new ScalarNode(text).ResolvedType);
    }

    [Fact]
    public void QuotedAndTaggedScalarsAreStrings()
    {
        var result = ManifestReader.ReadText("kind: X\na: '42'\nb: \"true\"\nc: !!str 7\nd: |\n  12\ne: !!int \"5\"\n");
        var root = result.Documents[0].Root;
        Assert.All(new[] { "a", "b", "c", "d" }, k => Assert.Equal(ScalarType.String, ((ScalarNode)root[k]!).ResolvedType));
        Assert.Equal(ScalarType.Integer, ((ScalarNode)root["e"]!).ResolvedType);
        Assert.True(((ScalarNode)root["e"]!).TryGetInt64(out long five) && five == 5);
    }

    [Fact]
    public void ScalarHelpersInterpretValues()
    {
        Assert.True(new ScalarNode("0x10").TryGetInt64(out long hex) && hex == 16);
        Assert.True(new ScalarNode("0o10").TryGetInt64(out long oct) && oct == 8);
        Assert.False(new ScalarNode("99999999999999999999").TryGetInt64(out _));
        Assert.True(new ScalarNode("99999999999999999999").TryGetDouble(out double big) && big > 1e19);
        Assert.True(new ScalarNode("True").TryGetBoolean(out bool t) && t);
        Assert.True(new ScalarNode("-.inf").TryGetDouble(out double ninf) && double.IsNegativeInfinity(ninf));
        Assert.False(new ScalarNode("5", ScalarStyle.SingleQuoted).TryGetInt64(out _));
    }

    [Fact]
    public void BuildsTreesFromPlainValues()
    {
        var metadata = new Hashtable { ["name"] = "obj" };
        var spec = new OrderedDictionary { ["weight"] = 10, ["role"] = "true", ["ok"] = true, ["ratio"] = 1.5, ["none"] = null, ["list"] = new object[] { "a", 2 } };
        var value = new OrderedDictionary { ["apiVersion"] = "karpenter.sh/v1", ["kind"] = "NodePool", ["metadata"] = metadata, ["spec"] = spec };

        var result = ManifestReader.ReadObject(value);

        var doc = Assert.Single(result.Documents);
        Assert.Equal(("NodePool", "obj"), (doc.Kind, doc.Name));
        Assert.False(doc.Root.HasPosition);
        var s = doc.Root.GetMapping("spec")!;
        Assert.Equal(new[] { "weight", "role", "ok", "ratio", "none", "list" }, s.Keys);
        Assert.Equal(ScalarType.Integer, ((ScalarNode)s["weight"]!).ResolvedType);
        Assert.Equal(ScalarType.String, ((ScalarNode)s["role"]!).ResolvedType);
        Assert.Equal(ScalarType.Boolean, ((ScalarNode)s["ok"]!).ResolvedType);
        Assert.Equal(ScalarType.Float, ((ScalarNode)s["ratio"]!).ResolvedType);
        Assert.True(((ScalarNode)s["none"]!).IsNull);
        Assert.Equal(2, s.GetSequence("list")!.Count);
    }

    [Fact]
    public void SelfReferencingObjectIsRefused()
    {
        var loop = new Hashtable { ["kind"] = "NodePool" };
        loop["self"] = loop;
        var result = ManifestReader.ReadObject(loop);
        Assert.Equal(ManifestProblemCodes.NestingTooDeep, Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void ReadsJsonElementsAndTextThroughReadObject()
    {
        using var json = System.Text.Json.JsonDocument.Parse("[{\"kind\":\"NodePool\",\"metadata\":{\"name\":\"a\"},\"spec\":{\"weight\":5}}, {\"kind\":\"NodeClass\"}]");
        var result = ManifestReader.ReadObject(json.RootElement);
        Assert.Equal(new[] { "NodePool", "NodeClass" }, result.Documents.Select(d => d.Kind));
        Assert.Equal(ScalarType.Integer, ((ScalarNode)result.Documents[0].Root.GetMapping("spec")!["weight"]!).ResolvedType);
        Assert.Equal("t", Assert.Single(ManifestReader.ReadObject("kind: A\nmetadata: {name: t}").Documents).Name);
    }

    [Fact]
    public void MappingEditsKeepOrderAndClonesAreDeep()
    {
        var map = new MappingNode();
        map.Set("a", "1");
        map.Set("b", "2");
        map.Set("a", "3");
        Assert.Equal(new[] { "a", "b" }, map.Keys);
        Assert.Equal("3", map.GetString("a"));
        var clone = (MappingNode)map.Clone();
        Assert.True(map.Remove("a"));
        Assert.Equal(new[] { "b" }, map.Keys);
        Assert.Equal(new[] { "a", "b" }, clone.Keys);
        Assert.Equal(3, clone.CountNodes());
    }
}
