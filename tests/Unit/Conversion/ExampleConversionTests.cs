using EksAutoMode.Engine.Conversion;
using static EksAutoMode.Tests.Unit.Conversion.ConversionTestHelpers;

namespace EksAutoMode.Tests.Unit.Conversion;

/// <summary>Every sample manifest under examples/ converts, and every converted document validates clean against its target schema.</summary>
public class ExampleConversionTests
{
    public static IEnumerable<object[]> ExampleFiles() =>
        new[] { ("automode", ConversionDirection.AutoToOss), ("karpenter", ConversionDirection.OssToAuto) }
            .SelectMany(p => Directory.GetFiles(Path.Combine(Examples, p.Item1), "*.yaml").OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new object[] { p.Item1 + "/" + Path.GetFileName(f), p.Item2 }));

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Every_example_converts_and_validates_clean(string relative, ConversionDirection direction)
    {
        // The one example without selectors needs -ClusterName (without it the result is a Placeholder; see below).
        var options = new ConversionOptions { ClusterName = "prod", Taints = direction == ConversionDirection.OssToAuto ? new[] { TaintSpec.Parse("eks-auto-mode:NoSchedule") } : Array.Empty<TaintSpec>() };
        var items = new ManifestConverter(direction, options).ConvertFile(Path.Combine(Examples, relative)).ToList();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            Assert.Null(item.Error?.Message);
            Assert.Null(item.SkippedReason);
            var doc = item.Document!;
            Assert.True(doc.IsValid, $"{relative} #{doc.DocumentIndex + 1}: {string.Join("\n", doc.ValidationErrors)}\n{doc.Yaml}");
            Assert.Equal(doc.YamlWithoutComments, ManifestConverter.JoinYaml(new[] { doc }, withComments: false)[4..]);

            // The emitted text (with comments) validates exactly like the in-memory result did.
            var reread = EksAutoMode.Engine.Manifests.ManifestReader.ReadText(doc.Yaml, relative);
            Assert.False(reread.HasErrors);
            Assert.Empty(ConversionValidation.Check(Assert.Single(reread.Documents)));

            // Converting the result back must work too (it is itself a valid manifest of the other flavour).
            var reverse = direction == ConversionDirection.AutoToOss ? ConversionDirection.OssToAuto : ConversionDirection.AutoToOss;
            var again = Assert.Single(new ManifestConverter(reverse, options).ConvertText(doc.Yaml, relative));
            Assert.Null(again.Error?.Message);
            Assert.True(again.Document!.IsValid, string.Join("\n", again.Document.ValidationErrors));
        }
    }

    [Fact]
    public void The_example_without_selectors_is_a_placeholder_unless_selectors_are_supplied()
    {
        var doc = Assert.Single(new ManifestConverter(ConversionDirection.AutoToOss).ConvertFile(Path.Combine(Examples, "automode", "nodeclass-no-selectors.yaml"))).Document!;
        Assert.False(doc.IsValid);
        Assert.Equal(2, doc.Notes.Count(n => n.Action == NoteAction.Placeholder));
    }

    [Fact]
    public void The_article_dumps_convert_with_the_documented_mappings()
    {
        var docs = new ManifestConverter(ConversionDirection.AutoToOss).ConvertFile(Path.Combine(Examples, "automode", "builtin-nodepools.yaml")).Select(i => i.Document!).ToList();
        var system = Parse(docs[0].Yaml);
        Assert.Equal("karpenter.k8s.aws/instance-generation", Str(system, "spec.template.spec.requirements.2.key"));
        Assert.Equal("4", Str(system, "spec.template.spec.requirements.2.values.0"));
        Assert.Equal("CriticalAddonsOnly", Str(system, "spec.template.spec.taints.0.key"));
        Assert.Equal("24h0m0s", Str(system, "spec.template.spec.terminationGracePeriod"));
        Assert.Equal("336h", Str(system, "spec.template.spec.expireAfter"));
        Assert.Null(At(system, "metadata.annotations"));
    }
}
