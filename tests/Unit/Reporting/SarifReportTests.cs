using System.Text.Json;
using EksAutoMode.Engine.Reporting;
using static EksAutoMode.Tests.Unit.Reporting.ReportTestHelpers;

namespace EksAutoMode.Tests.Unit.Reporting;

public class SarifReportTests
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "eam repo");
    private static readonly ReportOptions Options = new() { BaseDirectory = Base, ToolVersion = "1.2.3" };

    private static JsonElement Run(string sarif) => JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0];

    [Fact]
    public void ValidAgainstTheOasisSchemaForEveryShapeOfFinding()
    {
        var findings = new[]
        {
            Finding("AM-NP-001", FindingLevel.Error, Path.Combine(Base, "k8s", "pool.yaml"), 12, 7, hint: "Use 480h"),
            Finding("K8S-UnknownField", FindingLevel.Warning, Path.Combine(Base, "k8s", "class.yaml"), 4, 0),
            Finding("K8S-CelNotChecked", FindingLevel.Note, Path.Combine(Path.GetTempPath(), "outside", "x.yaml")),
            Finding("INPUT-YamlSyntaxError", FindingLevel.Error, file: null, doc: null, kind: "", name: "", fieldPath: null, message: "bad \u0001 \"quote\" <tag> ünï"),
            Finding("READY-001", FindingLevel.Error, file: null, doc: null, kind: "Cluster", name: "prod", helpUri: "not a uri"),
            Finding("OK", FindingLevel.Pass, Path.Combine(Base, "k8s", "ok.yaml"), 1, 1),
        };
        string sarif = SarifReport.Write(findings, Options);
        Assert.Empty(SchemaErrors(sarif));
        Assert.Empty(SchemaErrors(SarifReport.Write(Array.Empty<ReportFinding>(), Options)));
    }

    [Fact]
    public void TheSchemaCheckRejectsAnInvalidLog()
    {
        // Guards the guard: a wrong level and a missing message must be reported by the validator.
        string bad = """{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a","level":"fatal"}]}]}""";
        Assert.NotEmpty(SchemaErrors(bad));
    }

    [Fact]
    public void RulesAreListedOnceInOrderOfFirstUseAndResultsPointAtThem()
    {
        var findings = new[]
        {
            Finding("AM-NP-001", FindingLevel.Error, Path.Combine(Base, "a.yaml"), 1, 1),
            Finding("K8S-Required", FindingLevel.Error, Path.Combine(Base, "a.yaml"), 2, 1),
            Finding("AM-NP-001", FindingLevel.Error, Path.Combine(Base, "b.yaml"), 3, 1),
        };
        var run = Run(SarifReport.Write(findings, Options));
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(new[] { "AM-NP-001", "K8S-Required" }, rules.Select(r => r.GetProperty("id").GetString()));
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(new[] { 0, 1, 0 }, results.Select(r => r.GetProperty("ruleIndex").GetInt32()));

        // Texts and links come from the rule catalogues.
        Assert.Contains("expireAfter may not be set to Never", rules[0].GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.StartsWith("https://", rules[0].GetProperty("helpUri").GetString());
        Assert.Equal("Required field is missing", rules[1].GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal("https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation", rules[1].GetProperty("helpUri").GetString());
        Assert.False(string.IsNullOrWhiteSpace(rules[1].GetProperty("help").GetProperty("text").GetString()));
    }

    [Fact]
    public void UnknownRuleIsDescribedFromItsFindingWithItsDocUrl()
    {
        var f = Finding("READY-042", FindingLevel.Warning, kind: "Cluster", name: "prod", message: "VPC CNI add-on is redundant", helpUri: "https://docs.aws.amazon.com/eks/latest/userguide/automode.html", hint: "Remove it");
        var rule = Run(SarifReport.Write(new[] { f }, Options)).GetProperty("tool").GetProperty("driver").GetProperty("rules")[0];
        Assert.Equal("Cluster: VPC CNI add-on is redundant", rule.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal("https://docs.aws.amazon.com/eks/latest/userguide/automode.html", rule.GetProperty("helpUri").GetString());
        Assert.StartsWith("Remove it", rule.GetProperty("help").GetProperty("text").GetString());
    }

    [Fact]
    public void LevelsMapToErrorWarningNoteAndPassesAreLeftOut()
    {
        string a = Path.Combine(Base, "a.yaml");
        var findings = new[]
        {
            Finding("A", FindingLevel.Error, a), Finding("B", FindingLevel.Warning, a), Finding("C", FindingLevel.Note, a), Finding("OK", FindingLevel.Pass, a),
        };
        var results = Run(SarifReport.Write(findings, Options)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(new[] { "error", "warning", "note" }, results.Select(r => r.GetProperty("level").GetString()));
    }

    [Fact]
    public void FileInsideTheBaseIsARelativeUriUnderSrcRootWithLineAndColumn()
    {
        var run = Run(SarifReport.Write(new[] { Finding("A", FindingLevel.Error, Path.Combine(Base, "k8s dir", "pool#1.yaml"), 12, 7) }, Options));
        var physical = run.GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("k8s%20dir/pool%231.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal("%SRCROOT%", physical.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
        Assert.Equal(12, physical.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(7, physical.GetProperty("region").GetProperty("startColumn").GetInt32());
        string root = run.GetProperty("originalUriBaseIds").GetProperty("%SRCROOT%").GetProperty("uri").GetString()!;
        Assert.StartsWith("file:///", root);
        Assert.EndsWith("/eam%20repo/", root);
    }

    [Fact]
    public void RelativeFileIsTakenAsRelativeToTheBase()
    {
        var run = Run(SarifReport.Write(new[] { Finding("A", FindingLevel.Error, "k8s/pool.yaml", 2, 0) }, Options));
        var physical = run.GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("k8s/pool.yaml", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.False(physical.GetProperty("region").TryGetProperty("startColumn", out _));
    }

    [Fact]
    public void FileOutsideTheBaseIsAnAbsoluteFileUriWithoutBaseId()
    {
        string outside = Path.Combine(Path.GetTempPath(), "other", "p.yaml");
        var location = Run(SarifReport.Write(new[] { Finding("A", FindingLevel.Error, outside, 1, 1) }, Options))
            .GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.Equal(new Uri(outside).AbsoluteUri, location.GetProperty("uri").GetString());
        Assert.False(location.TryGetProperty("uriBaseId", out _));
    }

    [Fact]
    public void FindingWithoutFileIsAToolExecutionNotificationSoEveryResultHasALocation()
    {
        var f = Finding("INPUT-YamlSyntaxError", FindingLevel.Error, file: null, doc: null, kind: "", name: "", fieldPath: null, message: "mapping values are not allowed here");
        var located = Finding("A", FindingLevel.Warning, Path.Combine(Base, "a.yaml"), 1, 1);
        string sarif = SarifReport.Write(new[] { located, f }, Options);
        Assert.Empty(SchemaErrors(sarif));
        var run = Run(sarif);
        var result = Assert.Single(run.GetProperty("results").EnumerateArray());
        Assert.Equal("A", result.GetProperty("ruleId").GetString());
        var invocation = run.GetProperty("invocations")[0];
        Assert.False(invocation.GetProperty("executionSuccessful").GetBoolean());
        var note = Assert.Single(invocation.GetProperty("toolExecutionNotifications").EnumerateArray());
        Assert.Equal("mapping values are not allowed here", note.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal("error", note.GetProperty("level").GetString());
        Assert.Equal("INPUT-YamlSyntaxError", note.GetProperty("associatedRule").GetProperty("id").GetString());
        Assert.Equal(1, note.GetProperty("associatedRule").GetProperty("index").GetInt32());
        Assert.Equal("INPUT-YamlSyntaxError", run.GetProperty("tool").GetProperty("driver").GetProperty("rules")[1].GetProperty("id").GetString());
        Assert.True(Run(SarifReport.Write(new[] { located }, Options)).GetProperty("invocations")[0].GetProperty("executionSuccessful").GetBoolean());
    }

    [Fact]
    public void FindingWithAFileButNoLineHasALocationWithoutRegion()
    {
        var noLine = Finding("A", FindingLevel.Error, Path.Combine(Base, "a.yaml"), line: 0);
        var physical = Run(SarifReport.Write(new[] { noLine }, Options)).GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.False(physical.TryGetProperty("region", out _));
    }

    [Fact]
    public void MessageCarriesSubjectPathAndHintAndControlCharactersStayEscaped()
    {
        var f = Finding("A", FindingLevel.Error, Path.Combine(Base, "a.yaml"), 1, 1, message: "bad \u001b[31m value", hint: "fix it");
        string sarif = SarifReport.Write(new[] { f }, Options);
        Assert.DoesNotContain('\u001b', sarif);
        string text = Run(sarif).GetProperty("results")[0].GetProperty("message").GetProperty("text").GetString()!;
        Assert.Equal("NodePool 'pool': spec.x: bad \u001b[31m value\nHint: fix it", text);
    }
}
