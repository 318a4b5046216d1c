using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>Pattern failures say the allowed form (Data/Validation/pattern-hints.yaml) and point at the value's line.</summary>
public class PatternHintTests
{
    [Fact]
    public void ExpireAfterInDaysSaysTheDurationFormAndPointsAtItsLine()
    {
        var findings = V.Check(V.NodePool.Replace("expireAfter: 336h", "expireAfter: 30 days"));
        var f = Assert.Single(findings, x => x.RuleId == "K8S-Pattern");
        Assert.Equal("spec.template.spec.expireAfter", f.Path);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains("720h", f.Message);
        Assert.Contains("'Never'", f.Message);
        Assert.DoesNotContain("should match", f.Message);
        Assert.Equal("For example: expireAfter: 720h", f.Hint);
        // The API server's own line (with the regex) is kept for people who compare with kubectl.
        Assert.Equal("spec.template.spec.expireAfter: Invalid value: \"30 days\": spec.template.spec.expireAfter in body should match '^(([0-9]+(s|m|h))+|Never)$'", f.ApiServerText);
        int expected = V.NodePool.Split('\n').ToList().FindIndex(l => l.Contains("expireAfter:")) + 1;
        Assert.Equal(expected, f.Line);
    }

    [Theory]
    [InlineData("80GB")]
    [InlineData("80 Gi")]
    [InlineData("80GiB")]
    public void LimitQuantityErrorsSayUse80Gi(string value)
    {
        string yaml = V.NodePool.Replace("  template:", $"  limits:\n    memory: {value}\n  template:");
        var f = Assert.Single(V.Check(yaml), x => x.RuleId == "K8S-Pattern");
        Assert.Equal("spec.limits[memory]", f.Path);
        Assert.Contains("80Gi", f.Message);
        Assert.DoesNotContain("[KMGTPE]", f.Message);
        Assert.Equal(yaml.Split('\n').ToList().FindIndex(l => l.Contains("memory:")) + 1, f.Line);
    }

    [Fact]
    public void EphemeralStorageSizeSaysTheUnitsAllowed()
    {
        string yaml = V.NodeClass + "\n  ephemeralStorage:\n    size: 80GB";
        var f = Assert.Single(V.Check(yaml), x => x.RuleId == "K8S-Pattern");
        Assert.Equal("spec.ephemeralStorage.size", f.Path);
        Assert.StartsWith("Invalid value: \"80GB\": use a whole size with the unit Gi, G, Ti or T like 80Gi", f.Message);
        Assert.Equal("For example: size: 80Gi", f.Hint);
    }

    [Fact]
    public void EveryPatternOfTheBundledSchemasHasAnAllowedForm()
    {
        // A schema update that brings a new pattern must say in words what it allows (or users see a regex).
        var patterns = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.GetFiles(Path.Combine(V.RepoRoot, "src/EksAutoMode.Engine/Data/Validation"), "*.yaml"))
        {
            foreach (var doc in ManifestReader.ReadText(File.ReadAllText(file), file).Documents)
            {
                Collect(doc.Root, patterns);
            }
        }

        Assert.NotEmpty(patterns);
        Assert.Equal(new string[0], patterns.Where(p => PatternHints.For(p) is null).ToArray());
        Assert.Equal(new string[0], PatternHints.Patterns.Where(p => !patterns.Contains(p)).ToArray()); // no stale entries
    }

    private static void Collect(ManifestNode node, HashSet<string> into)
    {
        switch (node)
        {
            case MappingNode m:
                foreach (var e in m.Entries)
                {
                    if (e.KeyText == "pattern" && e.Value is ScalarNode { Value: { } p })
                    {
                        into.Add(p);
                    }
                    else
                    {
                        Collect(e.Value, into);
                    }
                }

                break;
            case SequenceNode s:
                foreach (var i in s.Items)
                {
                    Collect(i, into);
                }

                break;
        }
    }
}
