namespace EksAutoMode.Engine.Reporting;

/// <summary>The three CI formats <see cref="FindingReport"/> writes.</summary>
public enum ReportFormat
{
    /// <summary>SARIF 2.1.0 (GitHub code scanning, Azure DevOps SARIF viewer).</summary>
    Sarif,

    /// <summary>JUnit XML, one test case per document (Azure Pipelines PublishTestResults, GitLab, Jenkins).</summary>
    JUnit,

    /// <summary>GitHub Actions workflow commands (<c>::error file=…,line=…::…</c>), one per line.</summary>
    GitHubActions,
}

/// <summary>Settings shared by the report writers.</summary>
public sealed class ReportOptions
{
    /// <summary>Files are reported relative to this directory (the repository root or working directory).</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    public string ToolName { get; init; } = "EksAutoMode";

    /// <summary>The module version, e.g. 0.3.0.</summary>
    public string? ToolVersion { get; init; }

    /// <summary>Where the tool is documented (an absolute http(s) URI), or null.</summary>
    public string? InformationUri { get; init; }
}
