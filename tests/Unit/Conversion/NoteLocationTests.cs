using EksAutoMode.Engine.Conversion;
using static EksAutoMode.Tests.Unit.Conversion.ConversionTestHelpers;

namespace EksAutoMode.Tests.Unit.Conversion;

/// <summary>Conversion notes carry the line of the source field they are about, so a person can find it.</summary>
public class NoteLocationTests
{
    [Fact]
    public void Every_note_of_the_example_points_at_its_source_field_or_nearest_present_ancestor()
    {
        string file = Path.Combine(Examples, "karpenter", "ec2nodeclass-al2023.yaml");
        string[] lines = File.ReadAllLines(file);
        var doc = Assert.Single(new ManifestConverter(ConversionDirection.OssToAuto).ConvertFile(file)).Document!;
        Assert.NotEmpty(doc.Notes);
        foreach (var n in doc.Notes.Where(n => n.SourcePath is not null))
        {
            Assert.InRange(n.Line, 1, lines.Length);
            // The line holds the last key of the path that the source has (the field, or its parent for a default).
            string[] keys = n.SourcePath!.Split('.', '[').Select(k => k.TrimEnd(']').Trim('"')).Where(k => k.Length > 0 && !k.All(char.IsDigit)).ToArray();
            Assert.Contains(keys, k => lines[n.Line - 1].Contains(k + ":", StringComparison.Ordinal) || lines[n.Line - 1].TrimStart().StartsWith("- ", StringComparison.Ordinal));
        }

        var owner = Assert.Single(doc.Notes, n => n.SourcePath == "spec.capacityReservationSelectorTerms[0].ownerID");
        Assert.Contains("ownerID:", lines[owner.Line - 1]);
    }

    [Theory]
    [InlineData("spec.tags[\"kubernetes.io/cluster/x\"]", 6)]
    [InlineData("spec.list[1].name", 9)]
    [InlineData("spec.list[1].missing", 9)]
    [InlineData("spec.missing.deeper", 4)]
    [InlineData("spec.list[7]", 7)]
    public void Locate_walks_keys_quoted_keys_and_indexes(string path, int line)
    {
        var root = Parse("""
            apiVersion: v1
            kind: X
            metadata: {name: a}
            spec:
              tags:
                kubernetes.io/cluster/x: owned
              list:
                - name: first
                - name: second
            """);
        Assert.Equal(line, NodePaths.Locate(root, path).Line);
    }
}
