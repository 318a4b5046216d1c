using EksAutoMode.Engine;
using EksAutoMode.Engine.Reporting;

namespace EksAutoMode.Tests.Unit.Reporting;

public class ReportFindingTests
{
    [Fact]
    public void ReadsAValidationFindingByPropertyName()
    {
        var f = ReportFinding.FromProperties(new Dictionary<string, object?>
        {
            ["RuleId"] = "AM-NP-001", ["Severity"] = "Error", ["Kind"] = "NodePool", ["Name"] = "batch",
            ["Path"] = "spec.template.spec.expireAfter", ["Message"] = "may not be Never", ["File"] = "/r/k8s/p.yaml",
            ["Line"] = 12, ["Column"] = 7, ["DocumentIndex"] = 2, ["Hint"] = "Use 480h", ["SourceUrl"] = "https://example.org/x",
        });
        Assert.Equal(FindingLevel.Error, f.Level);
        Assert.Equal("spec.template.spec.expireAfter: may not be Never", f.Text);
        Assert.Equal((12, 7, 2), (f.Line, f.Column, f.DocumentIndex!.Value));
        Assert.Equal("https://example.org/x", f.HelpUri);
        Assert.Equal("NodePool 'batch'", f.Subject);
    }

    [Fact]
    public void ReadsReadinessStyleFindingsCaseInsensitivelyAndToleratesMissingProperties()
    {
        var f = ReportFinding.FromProperties(new Dictionary<string, object?>
        {
            ["checkid"] = "READY-IAM-1", ["severity"] = "High", ["message"] = "node role lacks a policy", ["evidence"] = "role=x; policy=y",
            ["DocUrl"] = "https://docs.aws.amazon.com/eks/", ["SourceUrl"] = "https://example.org/other", ["Line"] = "7",
        });
        Assert.Equal("READY-IAM-1", f.RuleId);
        Assert.Equal(FindingLevel.Error, f.Level);
        Assert.Equal("role=x; policy=y", f.Evidence);
        Assert.Equal("https://docs.aws.amazon.com/eks/", f.HelpUri);
        Assert.Equal(7, f.Line);
        Assert.Null(f.File);
        Assert.Null(f.DocumentIndex);
    }

    [Theory]
    [InlineData("Error", "X", FindingLevel.Error)]
    [InlineData("Critical", "X", FindingLevel.Error)]
    [InlineData("Warning", "X", FindingLevel.Warning)]
    [InlineData("Medium", "X", FindingLevel.Warning)]
    [InlineData("Info", "X", FindingLevel.Note)]
    [InlineData("Info", "OK", FindingLevel.Pass)]
    [InlineData("Pass", "X", FindingLevel.Pass)]
    [InlineData(null, "X", FindingLevel.Warning)]
    [InlineData("Bizarre", "X", FindingLevel.Warning)]
    public void SeverityWordsMapToLevels(string? severity, string ruleId, FindingLevel expected) =>
        Assert.Equal(expected, ReportFinding.ParseLevel(severity, ruleId));

    [Fact]
    public void AnObjectWithNeitherRuleIdNorMessageIsRefused()
    {
        var e = Assert.Throws<EngineException>(() => ReportFinding.FromProperties(new Dictionary<string, object?> { ["Length"] = 4 }));
        Assert.Equal("NotAFinding", e.ErrorId);
    }

    [Fact]
    public void NegativeOrJunkNumbersAreIgnored()
    {
        var f = ReportFinding.FromProperties(new Dictionary<string, object?> { ["Message"] = "m", ["Line"] = -3, ["Column"] = "x", ["DocumentIndex"] = -1 });
        Assert.Equal((0, 0), (f.Line, f.Column));
        Assert.Null(f.DocumentIndex);
        Assert.Equal("EksAutoMode", f.RuleId);
    }
}
