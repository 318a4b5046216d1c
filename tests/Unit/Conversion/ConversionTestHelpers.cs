using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Tests.Unit.Conversion;

internal static class ConversionTestHelpers
{
    public static string RepoRoot => TestPaths.RepoRoot;

    public static string Examples => TestPaths.Examples;

    public static List<ConversionItem> Convert(ConversionDirection direction, string yaml, ConversionOptions? options = null) =>
        new ManifestConverter(direction, options).ConvertText(yaml, "test.yaml").ToList();

    public static ConvertedDocument One(ConversionDirection direction, string yaml, ConversionOptions? options = null)
    {
        var items = Convert(direction, yaml, options);
        var errors = items.Where(i => i.Error is not null).Select(i => i.Error!.Message).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return Assert.Single(items, i => i.Document is not null).Document!;
    }

    public static MappingNode Parse(string yaml)
    {
        var read = ManifestReader.ReadText(yaml);
        Assert.False(read.HasErrors, string.Join("\n", read.Problems));
        return Assert.Single(read.Documents).Root;
    }

    /// <summary>Walks a dotted path (no list indexes or quoted keys) and returns the node.</summary>
    public static ManifestNode? At(ManifestNode root, string path)
    {
        ManifestNode? node = root;
        foreach (string part in path.Split('.'))
        {
            if (node is MappingNode m)
            {
                node = m[part];
            }
            else if (node is SequenceNode s && int.TryParse(part, out int i))
            {
                node = i < s.Count ? s[i] : null;
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    public static string? Str(ManifestNode root, string path) => At(root, path) is ScalarNode s ? s.Value : null;
}
