using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Tests.Unit.Conversion;

/// <summary>Converters validate the text they emit (read back as YAML), not the tree it was written from.</summary>
public class WrittenTextTests
{
    private const string NodeClass = """
        apiVersion: eks.amazonaws.com/v1
        kind: NodeClass
        metadata:
          name: custom
        spec:
          role: MyNodeRole
          subnetSelectorTerms:
            - id: subnet-0abc
          securityGroupSelectorTerms:
            - id: sg-0abc
          tags:
            team: "0123"
        """;

    private static ConvertedDocument ConvertWith(Func<string, string> corrupt)
    {
        var converter = new ManifestConverter(ConversionDirection.AutoToOss);
        var write = converter.Writer;
        converter.Writer = (root, comments, header) => corrupt(write(root, comments, header));
        var item = Assert.Single(converter.ConvertText(NodeClass, "nc.yaml"));
        return item.Document!;
    }

    [Fact]
    public void TextThatDoesNotLoadIsRefused()
    {
        var doc = ConvertWith(yaml => yaml + "spec: [unclosed\n");
        Assert.False(doc.IsValid);
        Assert.Contains(doc.ValidationErrors, e => e.StartsWith("the converted YAML does not load back", StringComparison.Ordinal));
    }

    [Fact]
    public void TextThatReadsAsSomethingElseIsRefused()
    {
        // A writer that forgot to quote: "0123" would read back as the integer 123.
        var doc = ConvertWith(yaml => yaml.Replace("team: \"0123\"", "team: 0123", StringComparison.Ordinal));
        Assert.False(doc.IsValid);
        Assert.Contains("the converted YAML reads back as a different document than was converted", doc.ValidationErrors);

        var extra = ConvertWith(yaml => yaml + "---\nkind: Extra\n");
        Assert.False(extra.IsValid);
        Assert.Contains("the converted YAML reads back as 2 documents instead of 1", extra.ValidationErrors);
    }

    [Theory]
    [InlineData("line1\nline2")]
    [InlineData("# not a comment")]
    [InlineData("x\n---\nkind: Injected")]
    [InlineData("\u001B[31mred")]
    [InlineData("'quoted' \"double\" : colon")]
    [InlineData("yes")]
    [InlineData("0x1F")]
    public void HostileValuesRoundTripThroughTheText(string value)
    {
        string yaml = NodeClass.Replace("team: \"0123\"", "team: " + YamlWriter.FormatString(value), StringComparison.Ordinal)
            + "\n  unknownField:\n    " + YamlWriter.FormatString("k\n# " + value) + ": " + YamlWriter.FormatString(value) + "\n";
        var item = Assert.Single(new ManifestConverter(ConversionDirection.AutoToOss).ConvertText(yaml, "nc.yaml"));
        var doc = item.Document!;
        Assert.True(doc.IsValid, string.Join("; ", doc.ValidationErrors));
        var back = Assert.Single(ManifestReader.ReadText(doc.Yaml).Documents);
        Assert.Equal(value, ((MappingNode)((MappingNode)back.Root["spec"]!)["tags"]!).GetString("team"));
    }
}
