using System.Xml.Linq;
using EksAutoMode.Engine.Reporting;
using static EksAutoMode.Tests.Unit.Reporting.ReportTestHelpers;

namespace EksAutoMode.Tests.Unit.Reporting;

public class JUnitReportTests
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "eam-repo");
    private static readonly ReportOptions Options = new() { BaseDirectory = Base };

    private static XDocument Parse(IEnumerable<ReportFinding> findings) => XDocument.Parse(JUnitReport.Write(findings.ToList(), Options));

    [Fact]
    public void OneTestCasePerDocumentWithFailuresForErrorsAndPassesForOkLines()
    {
        string a = Path.Combine(Base, "k8s", "a.yaml");
        string b = Path.Combine(Base, "k8s", "b.yaml");
        var xml = Parse(new[]
        {
            Finding("AM-NP-001", FindingLevel.Error, a, 10, 7, doc: 0, name: "batch", message: "first"),
            Finding("K8S-Required", FindingLevel.Error, a, 11, 3, doc: 0, name: "batch", message: "second"),
            Finding("OK", FindingLevel.Pass, a, 20, 1, doc: 1, name: "system"),
            Finding("K8S-UnknownField", FindingLevel.Warning, b, 4, 1, doc: 0, kind: "NodeClass", name: "c"),
        });
        var root = xml.Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal("3", root.Attribute("tests")!.Value);
        Assert.Equal("1", root.Attribute("failures")!.Value);
        var suites = root.Elements("testsuite").ToList();
        Assert.Equal(new[] { "k8s/a.yaml", "k8s/b.yaml" }, suites.Select(s => s.Attribute("name")!.Value));

        var cases = suites[0].Elements("testcase").ToList();
        Assert.Equal(new[] { "NodePool 'batch'", "NodePool 'system'" }, cases.Select(c => c.Attribute("name")!.Value));
        var failure = Assert.Single(cases[0].Elements("failure"));
        Assert.Equal("AM-NP-001", failure.Attribute("type")!.Value);
        Assert.Contains("k8s/a.yaml:10:7: error AM-NP-001: spec.x: first", failure.Value);
        Assert.Contains("k8s/a.yaml:11:3: error K8S-Required: spec.x: second", failure.Value);
        Assert.Empty(cases[1].Elements("failure"));

        // A warning does not fail its document; it is shown in system-out.
        var warned = Assert.Single(suites[1].Elements("testcase"));
        Assert.Empty(warned.Elements("failure"));
        Assert.Contains("warning K8S-UnknownField", warned.Element("system-out")!.Value);
    }

    [Fact]
    public void MarkupAndCharactersXmlCannotCarryAreEscaped()
    {
        string message = "a < b && \"c\" > 'd' \u0001\u001b]0;x\u0007 ünï 🚀";
        var xml = Parse(new[] { Finding("R<1>", FindingLevel.Error, Path.Combine(Base, "x&y.yaml"), 1, 1, name: "<pool>", message: message, fieldPath: null) });
        var testCase = xml.Root!.Element("testsuite")!.Element("testcase")!;
        Assert.Equal("NodePool '<pool>'", testCase.Attribute("name")!.Value);
        Assert.Equal("x&y.yaml", testCase.Attribute("classname")!.Value);
        var failure = testCase.Element("failure")!;
        Assert.Equal("a < b && \"c\" > 'd' \\u0001\\u001B]0;x\\u0007 ünï 🚀", failure.Attribute("message")!.Value);
        Assert.Equal("R<1>", failure.Attribute("type")!.Value);
    }

    [Fact]
    public void LineBreaksInMessagesSurviveInAttributes()
    {
        var xml = Parse(new[] { Finding("R", FindingLevel.Error, Path.Combine(Base, "a.yaml"), 1, 1, message: "one\ntwo", fieldPath: null) });
        Assert.Equal("one\ntwo", xml.Root!.Element("testsuite")!.Element("testcase")!.Element("failure")!.Attribute("message")!.Value);
    }

    [Fact]
    public void DocumentsWithTheSameNameInOneFileStayDistinctAndFindingsWithoutFileAreGrouped()
    {
        string a = Path.Combine(Base, "a.yaml");
        var xml = Parse(new[]
        {
            Finding("OK", FindingLevel.Pass, a, 1, 1, doc: 0, name: "p"),
            Finding("OK", FindingLevel.Pass, a, 9, 1, doc: 1, name: "p"),
            Finding("INPUT-YamlSyntaxError", FindingLevel.Error, null, 3, 1, doc: 0, kind: "", name: "", fieldPath: null),
            Finding("READY-1", FindingLevel.Error, null, doc: null, kind: "Cluster", name: "prod"),
        });
        var suites = xml.Root!.Elements("testsuite").ToList();
        Assert.Equal(3, suites.Count);
        Assert.Equal(new[] { "NodePool 'p'", "NodePool 'p' (document 2)" }, suites[0].Elements("testcase").Select(c => c.Attribute("name")!.Value));
        Assert.Equal("<input>", suites[1].Attribute("name")!.Value);
        Assert.Equal("document 1", suites[1].Element("testcase")!.Attribute("name")!.Value);
        Assert.Equal("EksAutoMode", suites[2].Attribute("name")!.Value);
        Assert.Equal("Cluster 'prod'", suites[2].Element("testcase")!.Attribute("name")!.Value);
        Assert.Equal("2", xml.Root!.Attribute("failures")!.Value);
    }

    [Fact]
    public void NoFindingsIsAnEmptyButValidReport()
    {
        var xml = Parse(Array.Empty<ReportFinding>());
        Assert.Equal("0", xml.Root!.Attribute("tests")!.Value);
        Assert.Empty(xml.Root!.Elements());
    }
}
