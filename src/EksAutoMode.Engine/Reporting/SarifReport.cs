using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EksAutoMode.Engine.Reporting;

/// <summary>
/// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run, the rules used (de-duplicated, with
/// descriptions and help links), and one result per finding with its level and its location relative to
/// <c>%SRCROOT%</c> (the base directory) with line and column. Findings without a file are the run's
/// tool-execution notifications (GitHub rejects a whole upload with one unlocated result).
/// OK lines (<see cref="FindingLevel.Pass"/>) are not reported.
/// </summary>
public static class SarifReport
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    public const string SourceRoot = "%SRCROOT%";

    public static string Write(IReadOnlyList<ReportFinding> findings, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(options);
        string baseDir = Path.GetFullPath(options.BaseDirectory);
        var reported = findings.Where(f => f.Level != FindingLevel.Pass).ToList();

        // GitHub code scanning refuses a whole upload when one result has no location, so findings not tied to a
        // file (input errors from text, cluster-level checks) are the run's tool-execution notifications instead.
        var results = reported.Where(f => !string.IsNullOrEmpty(f.File)).ToList();
        var notifications = reported.Where(f => string.IsNullOrEmpty(f.File)).ToList();

        // Rules in order of first use; each result points at its rule by index.
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rules = new List<(RuleDescription Rule, FindingLevel Level)>();
        foreach (var f in reported)
        {
            if (!ruleIndex.ContainsKey(f.RuleId))
            {
                ruleIndex[f.RuleId] = rules.Count;
                rules.Add((RuleCatalogue.Describe(f.RuleId, f), f.Level));
            }
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", options.ToolName);
            if (!string.IsNullOrEmpty(options.ToolVersion))
            {
                w.WriteString("version", options.ToolVersion);
                if (IsSemanticVersion(options.ToolVersion))
                {
                    w.WriteString("semanticVersion", options.ToolVersion);
                }
            }

            if (AbsoluteHttpUri(options.InformationUri) is string info)
            {
                w.WriteString("informationUri", info);
            }

            w.WriteStartArray("rules");
            foreach (var (rule, level) in rules)
            {
                WriteRule(w, rule, level);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("originalUriBaseIds");
            w.WriteStartObject(SourceRoot);
            w.WriteString("uri", ReportPaths.ToFileUri(baseDir, directory: true));
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", !notifications.Any(f => f.Level == FindingLevel.Error));
            if (notifications.Count > 0)
            {
                w.WriteStartArray("toolExecutionNotifications");
                foreach (var f in notifications)
                {
                    WriteNotification(w, f, ruleIndex[f.RuleId]);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteString("columnKind", "unicodeCodePoints");
            w.WriteStartArray("results");
            foreach (var f in results)
            {
                WriteResult(w, f, ruleIndex[f.RuleId], baseDir);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>error, warning or note (SARIF's result.level).</summary>
    public static string LevelName(FindingLevel level) => level switch
    {
        FindingLevel.Error => "error",
        FindingLevel.Warning => "warning",
        FindingLevel.Pass => "none",
        _ => "note",
    };

    private static void WriteRule(Utf8JsonWriter w, RuleDescription rule, FindingLevel level)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.Id);
        w.WriteStartObject("shortDescription");
        w.WriteString("text", NonEmpty(rule.Title, rule.Id));
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", NonEmpty(rule.Description, rule.Title, rule.Id));
        w.WriteEndObject();
        w.WriteStartObject("help");
        string help = NonEmpty(rule.Help, rule.Description, rule.Id);
        string? uri = AbsoluteHttpUri(rule.HelpUri);
        w.WriteString("text", uri is null ? help : $"{help}\n\nSee {uri}");
        w.WriteEndObject();
        if (uri is not null)
        {
            w.WriteString("helpUri", uri);
        }

        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", LevelName(level));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, ReportFinding f)
    {
        w.WriteStartObject("message");
        string text = NonEmpty(f.Text, f.RuleId);
        if (f.Subject is string subject && !text.Contains(subject, StringComparison.Ordinal))
        {
            text = $"{subject}: {text}";
        }

        w.WriteString("text", string.IsNullOrEmpty(f.Hint) ? text : $"{text}\nHint: {f.Hint}");
        w.WriteEndObject();
    }

    private static void WriteNotification(Utf8JsonWriter w, ReportFinding f, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("level", LevelName(f.Level));
        WriteMessage(w, f);
        w.WriteStartObject("associatedRule");
        w.WriteString("id", f.RuleId);
        w.WriteNumber("index", ruleIndex);
        w.WriteEndObject();
        WriteProperties(w, f);
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, ReportFinding f, int ruleIndex, string baseDir)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", LevelName(f.Level));
        WriteMessage(w, f);

        if (!string.IsNullOrEmpty(f.File))
        {
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            if (ReportPaths.Relative(f.File, baseDir) is string relative)
            {
                w.WriteString("uri", ReportPaths.ToUriReference(relative));
                w.WriteString("uriBaseId", SourceRoot);
            }
            else
            {
                w.WriteString("uri", ReportPaths.ToFileUri(Path.GetFullPath(f.File, baseDir)));
            }

            w.WriteEndObject();
            if (f.Line > 0)
            {
                w.WriteStartObject("region");
                w.WriteNumber("startLine", f.Line);
                if (f.Column > 0)
                {
                    w.WriteNumber("startColumn", f.Column);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            WriteLogicalLocation(w, f);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        WriteProperties(w, f);
        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, ReportFinding f)
    {
        w.WriteStartObject("properties");
        WriteIf(w, "kind", f.Kind);
        WriteIf(w, "name", f.Name);
        WriteIf(w, "apiVersion", f.ApiVersion);
        WriteIf(w, "fieldPath", f.FieldPath);
        WriteIf(w, "hint", f.Hint);
        WriteIf(w, "evidence", f.Evidence);
        WriteIf(w, "target", f.Target);
        WriteIf(w, "origin", f.Origin);
        WriteIf(w, "helpUri", AbsoluteHttpUri(f.HelpUri));
        if (f.DocumentIndex is int d)
        {
            w.WriteNumber("documentIndex", d);
        }

        w.WriteEndObject();
    }

    private static void WriteLogicalLocation(Utf8JsonWriter w, ReportFinding f)
    {
        if (f.Subject is null && string.IsNullOrEmpty(f.FieldPath))
        {
            return;
        }

        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        string name = string.Join("/", new[] { f.Kind, f.Name, f.FieldPath }.Where(s => !string.IsNullOrEmpty(s)));
        w.WriteString("fullyQualifiedName", name);
        w.WriteString("kind", string.IsNullOrEmpty(f.FieldPath) ? "object" : "member");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static string NonEmpty(params string?[] values) => values.First(v => !string.IsNullOrWhiteSpace(v))!;

    private static string? AbsoluteHttpUri(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;

    private static bool IsSemanticVersion(string version) =>
        System.Text.RegularExpressions.Regex.IsMatch(version, @"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$");
}
