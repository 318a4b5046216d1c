using System.Globalization;

namespace EksAutoMode.Engine.Reporting;

/// <summary>How a finding shows in a CI report.</summary>
public enum FindingLevel
{
    /// <summary>Fails the check (SARIF error, JUnit failure, <c>::error</c>).</summary>
    Error,

    /// <summary>SARIF warning, <c>::warning</c>; JUnit keeps the test case passing and lists it in system-out.</summary>
    Warning,

    /// <summary>For information: SARIF note, <c>::notice</c>.</summary>
    Note,

    /// <summary>An OK line (a document that was checked and passed): a passing JUnit test case; not in SARIF or annotations.</summary>
    Pass,
}

/// <summary>
/// One finding as the CI writers see it, whichever cmdlet produced it. Built by property name
/// (<see cref="FromProperties"/>) so that findings of other cmdlets (readiness, IAM: CheckId, Severity, Message,
/// Evidence) can be exported without a shared type.
/// </summary>
public sealed class ReportFinding
{
    public string RuleId { get; init; } = string.Empty;
    public FindingLevel Level { get; init; }
    public string Message { get; init; } = string.Empty;

    /// <summary>Field path inside the document (spec.template.spec.expireAfter), if any.</summary>
    public string? FieldPath { get; init; }

    /// <summary>The file the finding is in, as given (absolute, or relative to the report's base directory); null for text input.</summary>
    public string? File { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? ApiVersion { get; init; }

    /// <summary>0-based index of the document in its file or input; null when the finding is not about one document.</summary>
    public int? DocumentIndex { get; init; }
    public string? Hint { get; init; }

    /// <summary>Where the rule is documented (DocUrl, else SourceUrl).</summary>
    public string? HelpUri { get; init; }

    /// <summary>What the finding was based on (readiness/IAM findings), as text.</summary>
    public string? Evidence { get; init; }

    /// <summary>The world the document was checked for (AutoMode, Karpenter).</summary>
    public string? Target { get; init; }

    /// <summary>Who rejects it (validation findings: ApiServer, KarpenterController, AutoModePolicy, Input).</summary>
    public string? Origin { get; init; }

    /// <summary>The field path and the message (<c>spec.x: message</c>), as the API server prints it.</summary>
    public string Text => string.IsNullOrEmpty(FieldPath) ? Message : FieldPath + ": " + Message;

    /// <summary>The hint, evidence and help link, each on its own line after a line break (each line starting with <paramref name="indent"/>); empty when there are none.</summary>
    public string Details(string indent)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var (label, value) in new[] { ("Hint", Hint), ("Evidence", Evidence), ("See", HelpUri) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                sb.Append('\n').Append(indent).Append(label).Append(": ").Append(value);
            }
        }

        return sb.ToString();
    }

    /// <summary>Kind and name of the document (<c>NodePool 'system'</c>), or null when neither is known.</summary>
    public string? Subject =>
        (Kind, Name) switch
        {
            (null or "", null or "") => null,
            (null or "", _) => $"'{Name}'",
            (_, null or "") => Kind,
            _ => $"{Kind} '{Name}'",
        };

    /// <summary>
    /// Reads a finding from named properties (case-insensitive): RuleId (or CheckId, Id), Severity (or Level),
    /// Message, Path (or FieldPath), File (or FilePath, SourceFile), Line, Column, Kind, Name, ApiVersion,
    /// DocumentIndex, Hint (or Remediation, Recommendation), DocUrl (or HelpUri, SourceUrl), Evidence, Target, Origin.
    /// Missing or null properties are tolerated; values of other types are read through their text.
    /// </summary>
    /// <exception cref="EngineException">NotAFinding when there is neither a rule id nor a message.</exception>
    public static ReportFinding FromProperties(IReadOnlyDictionary<string, object?> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in properties)
        {
            map.TryAdd(key, value);
        }

        string? Text(params string[] names)
        {
            foreach (string n in names)
            {
                if (map.TryGetValue(n, out object? v) && v is not null)
                {
                    string s = Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty;
                    if (s.Length > 0)
                    {
                        return s;
                    }
                }
            }

            return null;
        }

        int? Number(string name)
        {
            if (!map.TryGetValue(name, out object? v) || v is null)
            {
                return null;
            }

            return v switch
            {
                int i => i,
                long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                IConvertible c when int.TryParse(Convert.ToString(c, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) => parsed,
                _ => null,
            };
        }

        string? ruleId = Text("RuleId", "CheckId", "Id");
        string? message = Text("Message");
        if (ruleId is null && message is null)
        {
            throw new EngineException("NotAFinding", ErrorKind.InvalidArgument,
                "The input is not a finding: it has neither a RuleId (or CheckId) nor a Message property.")
            {
                RecommendedAction = "Pipe the output of Test-AutoModeManifest, Test-NodeClassSpec or Test-NodePoolSpec (without -Quiet).",
            };
        }

        ruleId ??= "EksAutoMode";
        return new ReportFinding
        {
            RuleId = ruleId,
            Level = ParseLevel(Text("Severity", "Level"), ruleId),
            Message = message ?? ruleId,
            FieldPath = Text("FieldPath", "Path"),
            File = Text("File", "FilePath", "SourceFile"),
            Line = Math.Max(0, Number("Line") ?? 0),
            Column = Math.Max(0, Number("Column") ?? 0),
            Kind = Text("Kind"),
            Name = Text("Name"),
            ApiVersion = Text("ApiVersion"),
            DocumentIndex = Number("DocumentIndex") is int d and >= 0 ? d : null,
            Hint = Text("Hint", "Remediation", "Recommendation"),
            HelpUri = Text("DocUrl", "HelpUri", "SourceUrl"),
            Evidence = Text("Evidence"),
            Target = Text("Target"),
            Origin = Text("Origin"),
        };
    }

    /// <summary>
    /// Maps a severity word to a level: Error/Critical/High/Fail → Error; Warning/Medium → Warning;
    /// Info/Low/Note/Notice → Note (Pass for the OK line, rule id <c>OK</c>); Pass/Passed/OK/Success → Pass.
    /// An unknown or missing severity is a Warning: it is shown, but does not fail the report.
    /// </summary>
    public static FindingLevel ParseLevel(string? severity, string? ruleId)
    {
        string s = (severity ?? string.Empty).Trim().ToLowerInvariant();
        return s switch
        {
            "error" or "critical" or "high" or "fail" or "failed" or "failure" => FindingLevel.Error,
            "warning" or "warn" or "medium" or "moderate" => FindingLevel.Warning,
            "pass" or "passed" or "ok" or "success" or "succeeded" => FindingLevel.Pass,
            "info" or "information" or "informational" or "low" or "note" or "notice" or "none"
                => string.Equals(ruleId, "OK", StringComparison.OrdinalIgnoreCase) ? FindingLevel.Pass : FindingLevel.Note,
            _ => FindingLevel.Warning,
        };
    }
}
