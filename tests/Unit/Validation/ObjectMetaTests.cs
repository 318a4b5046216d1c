using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>Labels and annotations are checked as the API server checks them, in its words.</summary>
public class ObjectMetaTests
{
    private const string RegexName = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private static List<string> ErrorsFor(string metadataLines, string kindYaml = V.NodeClass)
    {
        string yaml = kindYaml.Replace("  name: custom\n", "  name: custom\n" + metadataLines, StringComparison.Ordinal)
            .Replace("  name: web\n", "  name: web\n" + metadataLines, StringComparison.Ordinal);
        return V.Errors(V.Check(yaml)).Where(f => f.RuleId.StartsWith("K8S-", StringComparison.Ordinal)).Select(f => f.ApiServerText).ToList();
    }

    [Theory]
    [InlineData("team", null)]
    [InlineData("example.com/team", null)]
    [InlineData("a.b-c_d.e", null)]
    [InlineData("bad key!", "metadata.labels: Invalid value: \"bad key!\": name part " + RegexName)]
    [InlineData("a/b/c", "metadata.labels: Invalid value: \"a/b/c\": a qualified name " + RegexName + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("/team", "metadata.labels: Invalid value: \"/team\": prefix part must be non-empty")]
    [InlineData("Example.com/team", "metadata.labels: Invalid value: \"Example.com/team\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("example.com/", "metadata.labels: Invalid value: \"example.com/\": name part must be non-empty")]
    [InlineData("a.-b.com/team", "metadata.labels: Invalid value: \"a.-b.com/team\": prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("a..b/team", "metadata.labels: Invalid value: \"a..b/team\": prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("a-.b/team", "metadata.labels: Invalid value: \"a-.b/team\": prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("0.a-1.b/team", null)]
    [InlineData("_team", "metadata.labels: Invalid value: \"_team\": name part " + RegexName)]
    [InlineData("team.", "metadata.labels: Invalid value: \"team.\": name part " + RegexName)]
    [InlineData("tëam", "metadata.labels: Invalid value: \"tëam\": name part " + RegexName)]
    [InlineData("t", null)]
    public void LabelKeysAreQualifiedNames(string key, string? expected)
    {
        var errors = ErrorsFor($"  labels:\n    \"{key}\": v\n");
        if (expected is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void LengthLimitsAreThoseOfTheApiServer()
    {
        Assert.Empty(ErrorsFor($"  labels:\n    {new string('p', 253)}/{new string('n', 63)}: {new string('v', 63)}\n"));
        Assert.Contains($"metadata.labels: Invalid value: \"{new string('n', 64)}\": name part must be no more than 63 characters", ErrorsFor($"  labels:\n    {new string('n', 64)}: v\n"));
        Assert.Contains($"metadata.labels: Invalid value: \"{new string('p', 254)}/n\": prefix part must be no more than 253 characters", ErrorsFor($"  labels:\n    {new string('p', 254)}/n: v\n"));
        Assert.Contains($"metadata.labels: Invalid value: \"{new string('v', 64)}\": must be no more than 63 characters", ErrorsFor($"  labels:\n    team: {new string('v', 64)}\n"));
    }

    [Fact]
    public void LabelValuesMatchWholeLikeGo()
    {
        // Go's regexp '$' is the end of the text: a value ending in a line break is refused (a .NET '$' would allow it).
        Assert.Single(ErrorsFor("  labels:\n    team: \"web\\n\"\n"));
        Assert.Single(ErrorsFor("  labels:\n    team: \"-web\"\n"));
        Assert.Single(ErrorsFor("  labels:\n    team: \"web_\"\n"));
        Assert.Empty(ErrorsFor("  labels:\n    team: \"w\"\n    tier: \"a_b.c-d\"\n"));
    }

    [Fact]
    public void LabelValuesUseTheLabelCharset()
    {
        var errors = ErrorsFor("  labels:\n    team: \"a b\"\n    empty: \"\"\n");
        Assert.Equal("metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", Assert.Single(errors));
        Assert.Contains("metadata.labels[enabled]: Invalid value: \"boolean\": metadata.labels[enabled] in body must be of type string: \"boolean\"", ErrorsFor("  labels:\n    enabled: true\n"));
    }

    [Fact]
    public void AnnotationKeysAreQualifiedNamesAndTheTotalIsAtMost256KiB()
    {
        Assert.Empty(ErrorsFor("  annotations:\n    Example.com/Note: \"any text at all: spaces, ünïcode\"\n"));   // keys are lower-cased first, values are free
        Assert.Contains("metadata.annotations: Invalid value: \"a b\": name part " + RegexName, ErrorsFor("  annotations:\n    a b: x\n"));
        string big = new string('x', 200 * 1024);
        Assert.Empty(ErrorsFor($"  annotations:\n    a: {big}\n"));
        Assert.Contains("metadata.annotations: Too long: may not be more than 262144 bytes", ErrorsFor($"  annotations:\n    a: {big}\n    b: {big}\n"));
    }

    [Fact]
    public void NodePoolTemplateLabelKeysAreCheckedToo()
    {
        string pool = V.NodePool.Replace("  template:\n", "  template:\n    metadata:\n      labels:\n        \"bad key!\": v\n", StringComparison.Ordinal);
        var findings = V.Errors(V.Check(pool));
        var f = Assert.Single(findings, x => x.RuleId == "K8S-LabelKey");
        Assert.Equal("spec.template.metadata.labels", f.Path);
        Assert.True(f.Line > 0);
    }
}
