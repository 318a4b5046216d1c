using EksAutoMode.Engine;
using EksAutoMode.Engine.Conversion;
using static EksAutoMode.Tests.Unit.Conversion.ConversionTestHelpers;

namespace EksAutoMode.Tests.Unit.Conversion;

public class ConversionInputTests
{
    private static EngineException OnlyError(ConversionDirection direction, string yaml)
    {
        var items = Convert(direction, yaml);
        Assert.DoesNotContain(items, i => i.Document is not null);
        return Assert.Single(items, i => i.Error is not null).Error!;
    }

    [Fact]
    public void A_syntax_error_is_reported_with_file_and_line_and_the_good_documents_still_convert()
    {
        var items = Convert(ConversionDirection.AutoToOss, "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: a}\nspec: {role: R}\n---\nkind: [\n");
        var error = Assert.Single(items, i => i.Error is not null).Error!;
        Assert.Equal("YamlSyntaxError", error.ErrorId);
        Assert.Equal(ErrorKind.ParserError, error.Kind);
        Assert.Matches(@"^test\.yaml:\d+", error.Message);
    }

    [Theory]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: a}\n", "MissingRequiredField", "spec is required", 1)]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: a}\nspec:\n  subnetSelectorTerms: []\n", "MissingRequiredField", "spec.role or spec.instanceProfile", 5)]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {}\nspec: {role: R}\n", "MissingRequiredField", "metadata.name", 3)]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: a}\nspec:\n  role: R\n  tags: [a]\n", "InvalidFieldType", "spec.tags must be an object", 6)]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nmetadata: {name: a}\n", "MissingKind", "no kind", 1)]
    [InlineData("apiVersion: eks.amazonaws.com/v1beta1\nkind: NodeClass\nmetadata: {name: a}\nspec: {role: R}\n", "UnsupportedApiVersion", "v1beta1", 1)]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  template:\n    spec:\n      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: a}\n", "MissingRequiredField", "requirements is required", 7)]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  template:\n    spec:\n      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass}\n      requirements: []\n", "MissingRequiredField", "nodeClassRef.name", 7)]
    public void Bad_documents_give_an_error_with_file_and_line_and_no_output(string yaml, string errorId, string fragment, int line)
    {
        var error = OnlyError(ConversionDirection.AutoToOss, yaml);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"test.yaml:{line}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was converted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_kinds_are_skipped_with_a_reason_or_passed_through_unchanged()
    {
        const string yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"1\", b: yes}\n";
        Assert.Contains("ConfigMap", Assert.Single(Convert(ConversionDirection.OssToAuto, yaml)).SkippedReason, StringComparison.Ordinal);
        var doc = One(ConversionDirection.OssToAuto, yaml, new ConversionOptions { PassThruOtherKinds = true });
        Assert.True(doc.PassedThrough);
        Assert.Empty(doc.Notes);
        var root = Parse(doc.Yaml);
        Assert.Equal("1", Str(root, "data.a"));
        Assert.Equal("yes", Str(root, "data.b"));
    }

    [Fact]
    public void Objects_convert_like_text()
    {
        var obj = new Dictionary<string, object?>
        {
            ["apiVersion"] = "eks.amazonaws.com/v1",
            ["kind"] = "NodeClass",
            ["metadata"] = new Dictionary<string, object?> { ["name"] = "o" },
            ["spec"] = new Dictionary<string, object?>
            {
                ["role"] = "R",
                ["subnetSelectorTerms"] = new List<object?> { new Dictionary<string, object?> { ["id"] = "subnet-1" } },
                ["securityGroupSelectorTerms"] = new List<object?> { new Dictionary<string, object?> { ["id"] = "sg-1" } },
                ["ephemeralStorage"] = new Dictionary<string, object?> { ["size"] = "90Gi", ["iops"] = 4000L },
            },
        };
        var fromObject = Assert.Single(new ManifestConverter(ConversionDirection.AutoToOss).ConvertObject(obj)).Document!;
        var fromText = One(ConversionDirection.AutoToOss, "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: o}\nspec:\n  role: R\n  subnetSelectorTerms: [{id: subnet-1}]\n  securityGroupSelectorTerms: [{id: sg-1}]\n  ephemeralStorage: {size: 90Gi, iops: 4000}\n");
        Assert.Equal(fromText.YamlWithoutComments, fromObject.YamlWithoutComments);
    }

    [Fact]
    public void Output_is_deterministic_and_independent_of_source_key_order()
    {
        const string a = "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: o}\nspec:\n  role: R\n  tags: {b: \"2\", a: \"1\"}\n  subnetSelectorTerms: [{tags: {y: \"1\", x: \"2\"}}]\n  securityGroupSelectorTerms: [{id: sg-1}]\n";
        const string b = "spec:\n  securityGroupSelectorTerms: [{id: sg-1}]\n  subnetSelectorTerms: [{tags: {x: \"2\", y: \"1\"}}]\n  tags: {a: \"1\", b: \"2\"}\n  role: R\nmetadata: {name: o}\nkind: NodeClass\napiVersion: eks.amazonaws.com/v1\n";
        string first = One(ConversionDirection.AutoToOss, a).Yaml;
        Assert.Equal(first, One(ConversionDirection.AutoToOss, a).Yaml);
        Assert.Equal(first, One(ConversionDirection.AutoToOss, b).Yaml);
    }

    [Fact]
    public void JoinYaml_makes_one_multi_document_stream_that_reads_back()
    {
        var docs = new ManifestConverter(ConversionDirection.AutoToOss).ConvertFile(Path.Combine(Examples, "automode", "builtin-nodepools.yaml")).Select(i => i.Document!).ToList();
        string yaml = ManifestConverter.JoinYaml(docs);
        var read = EksAutoMode.Engine.Manifests.ManifestReader.ReadText(yaml);
        Assert.False(read.HasErrors);
        Assert.Equal(new[] { "system", "general-purpose" }, read.Documents.Select(d => d.Name));
        Assert.Equal("nodepool-general-purpose.yaml", ManifestConverter.FileNameFor(docs[1]));
    }

    [Fact]
    public void Atomic_writes_never_overwrite_without_force_and_leave_no_temporary_files()
    {
        string dir = Path.Combine(Path.GetTempPath(), "eam-conv-" + Guid.NewGuid().ToString("N"));
        try
        {
            string file = Path.Combine(dir, "sub", "a.yaml");
            OutputFileWriter.WriteAtomic(file, "one\n", overwrite: false);
            Assert.Equal("one\n", File.ReadAllText(file));
            var e = Assert.Throws<EngineException>(() => OutputFileWriter.WriteAtomic(file, "two\n", overwrite: false));
            Assert.Equal("OutputFileExists", e.ErrorId);
            Assert.Equal("one\n", File.ReadAllText(file));
            OutputFileWriter.WriteAtomic(file, "three\n", overwrite: true);
            Assert.Equal("three\n", File.ReadAllText(file));
            Assert.Equal(new[] { "a.yaml" }, Directory.GetFiles(Path.Combine(dir, "sub")).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
