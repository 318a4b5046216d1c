namespace EksAutoMode.Engine.Reporting;

/// <summary>Renders findings in one of the CI formats.</summary>
public static class FindingReport
{
    /// <summary>
    /// The report as text: SARIF and JUnit as one document, GitHub Actions commands one per line (each line ends
    /// with '\n'; the text is empty when no finding is annotated).
    /// </summary>
    public static string Render(ReportFormat format, IReadOnlyList<ReportFinding> findings, ReportOptions options) => format switch
    {
        ReportFormat.Sarif => SarifReport.Write(findings, options),
        ReportFormat.JUnit => JUnitReport.Write(findings, options),
        ReportFormat.GitHubActions => string.Concat(GitHubActionsReport.Write(findings, options).Select(l => l + "\n")),
        _ => throw new EngineException("UnknownReportFormat", ErrorKind.InvalidArgument, $"Unknown report format '{format}'. Use Sarif, JUnit or GitHubActions.", format),
    };
}
