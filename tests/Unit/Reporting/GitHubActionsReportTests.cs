using EksAutoMode.Engine.Reporting;
using static EksAutoMode.Tests.Unit.Reporting.ReportTestHelpers;

namespace EksAutoMode.Tests.Unit.Reporting;

public class GitHubActionsReportTests
{
    private static readonly string Base = Path.Combine(Path.GetTempPath(), "eam-repo");
    private static readonly ReportOptions Options = new() { BaseDirectory = Base };

    [Fact]
    public void ErrorLineNamesFileLineColumnAndTitle()
    {
        var lines = GitHubActionsReport.Write(new[] { Finding("AM-NP-001", FindingLevel.Error, Path.Combine(Base, "k8s", "pool.yaml"), 12, 7, message: "may not be Never") }, Options);
        Assert.Equal("::error file=k8s/pool.yaml,line=12,col=7,title=AM-NP-001 NodePool 'pool'::spec.x: may not be Never", Assert.Single(lines));
    }

    [Fact]
    public void EscapesPercentAndLineBreaksInTheMessageAndAlsoColonAndCommaInProperties()
    {
        var f = Finding("R-1", FindingLevel.Error, Path.Combine(Base, "a,b:c%.yaml"), 3, 1, name: "x,y", message: "100% sure\r\nnext: line", fieldPath: null);
        string line = Assert.Single(GitHubActionsReport.Write(new[] { f }, Options));
        Assert.Equal("::error file=a%2Cb%3Ac%25.yaml,line=3,col=1,title=R-1 NodePool 'x%2Cy'::100%25 sure%0D%0Anext: line", line);
        Assert.DoesNotContain('\n', line);
        Assert.Equal("a%25%0D%0A:,", GitHubActionsReport.EscapeData("a%\r\n:,"));
        Assert.Equal("a%25%0D%0A%3A%2C", GitHubActionsReport.EscapeProperty("a%\r\n:,"));
    }

    [Fact]
    public void ControlCharactersFromTheManifestCannotDriveTheLogViewer()
    {
        var f = Finding("R", FindingLevel.Error, Path.Combine(Base, "a.yaml"), 1, 1, name: "p\u001b[2J", message: "x\u001b]0;pwned\u0007 y\u0000", fieldPath: null);
        string line = Assert.Single(GitHubActionsReport.Write(new[] { f }, Options));
        Assert.DoesNotContain(line, char.IsControl);
        Assert.EndsWith("title=R NodePool 'p\\u001B[2J'::x\\u001B]0;pwned\\u0007 y\\u0000", line);
        Assert.Equal("a\\u202Eb\\u2066c\\u0085", GitHubActionsReport.EscapeData("a\u202Eb\u2066c\u0085"));
    }

    [Fact]
    public void HintGoesOnItsOwnAnnotationLine()
    {
        var f = Finding("AM-NC-001", FindingLevel.Error, Path.Combine(Base, "c.yaml"), 5, 9, hint: "Use the role name");
        Assert.EndsWith("::spec.x: Invalid value%0AHint: Use the role name", Assert.Single(GitHubActionsReport.Write(new[] { f }, Options)));
    }

    [Fact]
    public void WarningAndNoteUseTheirCommandsAndPassesAreNotAnnotated()
    {
        var lines = GitHubActionsReport.Write(new[]
        {
            Finding("W", FindingLevel.Warning, Path.Combine(Base, "a.yaml"), 1, 1),
            Finding("N", FindingLevel.Note, Path.Combine(Base, "a.yaml"), 2, 1),
            Finding("OK", FindingLevel.Pass, Path.Combine(Base, "a.yaml"), 1, 1),
        }, Options);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("::warning file=a.yaml,line=1,", lines[0]);
        Assert.StartsWith("::notice file=a.yaml,line=2,", lines[1]);
    }

    [Fact]
    public void FindingWithoutFileOrLineHasOnlyATitle()
    {
        var f = Finding("INPUT-YamlSyntaxError", FindingLevel.Error, file: null, kind: "", name: "", message: "bad", fieldPath: null);
        Assert.Equal("::error title=INPUT-YamlSyntaxError::bad", Assert.Single(GitHubActionsReport.Write(new[] { f }, Options)));
        var noLine = Finding("R", FindingLevel.Error, Path.Combine(Base, "x.yaml"), line: 0, column: 4, kind: "", name: "", message: "m", fieldPath: null);
        Assert.Equal("::error file=x.yaml,title=R::m", Assert.Single(GitHubActionsReport.Write(new[] { noLine }, Options)));
    }

    [Fact]
    public void FileOutsideTheBaseKeepsItsFullPath()
    {
        string outside = Path.Combine(Path.GetTempPath(), "elsewhere", "p.yaml");
        string line = Assert.Single(GitHubActionsReport.Write(new[] { Finding("R", FindingLevel.Error, outside, 1, 1) }, Options));
        Assert.Contains("file=" + GitHubActionsReport.EscapeProperty(outside.Replace('\\', '/')) + ",", line);
    }
}
