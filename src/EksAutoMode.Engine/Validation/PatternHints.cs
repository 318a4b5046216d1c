using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// What a schema pattern allows, in words (Data/Validation/pattern-hints.yaml), so a pattern failure says
/// "use a duration like 720h or 'Never'" instead of a raw regular expression. Keyed by exact pattern text.
/// </summary>
public static class PatternHints
{
    internal const string ResourceName = "pattern-hints.yaml";

    private static readonly Lazy<IReadOnlyDictionary<string, (string Allowed, string Example)>> HintsLazy = new(Load);

    /// <summary>The allowed form and an example for a pattern; null when the pattern has no entry.</summary>
    public static (string Allowed, string Example)? For(string? pattern) =>
        pattern is not null && HintsLazy.Value.TryGetValue(pattern, out var hint) ? hint : null;

    /// <summary>Every pattern with an entry.</summary>
    public static IEnumerable<string> Patterns => HintsLazy.Value.Keys;

    private static IReadOnlyDictionary<string, (string, string)> Load()
    {
        var doc = ManifestReader.ReadText(SchemaSet.ReadResource(ResourceName)).Documents.Single();
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var h in doc.Root.GetSequence("hints")!.Items.OfType<MappingNode>())
        {
            result[h.GetString("pattern")!] = (h.GetString("allowed")!, h.GetString("example")!);
        }

        return result;
    }
}
