using System.Globalization;
using System.Text;
using System.Xml;

namespace EksAutoMode.Engine.Reporting;

/// <summary>
/// JUnit XML for test-result viewers (Azure Pipelines PublishTestResults, GitLab, Jenkins): one test suite per
/// file, one test case per document checked. A document with an Error finding is a failed test case (all its
/// findings in the failure text); Warning and Note findings are listed in the case's system-out; OK lines
/// (-PassThru) make passing test cases. Findings not tied to a document are a test case per rule.
/// </summary>
public static class JUnitReport
{
    private const string NoFile = "<input>";

    public static string Write(IReadOnlyList<ReportFinding> findings, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(options);
        string baseDir = Path.GetFullPath(options.BaseDirectory);

        // Suites by file, cases by document, both in order of first appearance.
        var suites = new List<(string Name, List<TestCase> Cases)>();
        foreach (var f in findings)
        {
            string suiteName = string.IsNullOrEmpty(f.File) ? (f.DocumentIndex is null ? options.ToolName : NoFile) : ReportPaths.Display(f.File, baseDir);
            var suite = suites.FirstOrDefault(s => s.Name == suiteName);
            if (suite.Cases is null)
            {
                suite = (suiteName, new List<TestCase>());
                suites.Add(suite);
            }

            string key = f.DocumentIndex is int d ? "doc:" + d.ToString(CultureInfo.InvariantCulture) : "rule:" + f.RuleId + "|" + f.Subject;
            var testCase = suite.Cases.FirstOrDefault(c => c.Key == key);
            if (testCase is null)
            {
                testCase = new TestCase(key, suiteName);
                suite.Cases.Add(testCase);
            }

            testCase.Findings.Add(f);
        }

        int total = suites.Sum(s => s.Cases.Count);
        int failures = suites.Sum(s => s.Cases.Count(c => c.Failed));

        var settings = new XmlWriterSettings
        {
            Indent = true,
            Encoding = new UTF8Encoding(false),
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Entitize,
        };
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("testsuites");
            w.WriteAttributeString("name", Clean(options.ToolName));
            w.WriteAttributeString("tests", Count(total));
            w.WriteAttributeString("failures", Count(failures));
            w.WriteAttributeString("errors", "0");
            w.WriteAttributeString("skipped", "0");
            w.WriteAttributeString("time", "0");
            foreach (var (name, cases) in suites)
            {
                w.WriteStartElement("testsuite");
                w.WriteAttributeString("name", Clean(name));
                w.WriteAttributeString("tests", Count(cases.Count));
                w.WriteAttributeString("failures", Count(cases.Count(c => c.Failed)));
                w.WriteAttributeString("errors", "0");
                w.WriteAttributeString("skipped", "0");
                w.WriteAttributeString("time", "0");
                var usedNames = new HashSet<string>(StringComparer.Ordinal);
                foreach (var c in cases)
                {
                    WriteCase(w, c, usedNames);
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCase(XmlWriter w, TestCase c, HashSet<string> usedNames)
    {
        var first = c.Findings[0];
        int? doc = first.DocumentIndex;
        string docLabel = doc is int d ? "document " + (d + 1).ToString(CultureInfo.InvariantCulture) : first.RuleId;
        string name = c.Findings.Select(f => f.Subject).FirstOrDefault(s => s is not null) ?? docLabel;
        if (!usedNames.Add(name))
        {
            name = $"{name} ({docLabel})";
            usedNames.Add(name);
        }

        w.WriteStartElement("testcase");
        w.WriteAttributeString("name", Clean(name));
        w.WriteAttributeString("classname", Clean(c.SuiteName));
        w.WriteAttributeString("time", "0");
        int line = c.Findings.Where(f => f.Line > 0).Select(f => f.Line).DefaultIfEmpty(0).Min();
        if (c.SuiteName != NoFile && !string.IsNullOrEmpty(first.File))
        {
            w.WriteAttributeString("file", Clean(c.SuiteName));
            if (line > 0)
            {
                w.WriteAttributeString("line", Count(line));
            }
        }

        var errors = c.Findings.Where(f => f.Level == FindingLevel.Error).ToList();
        if (errors.Count > 0)
        {
            w.WriteStartElement("failure");
            w.WriteAttributeString("message", Clean(errors.Count == 1 ? errors[0].Text : $"{errors.Count} errors; first: {errors[0].Text}"));
            w.WriteAttributeString("type", Clean(errors[0].RuleId));
            w.WriteString(Clean(string.Join("\n", errors.Select(f => Describe(f, c.SuiteName)))));
            w.WriteEndElement();
        }

        var others = c.Findings.Where(f => f.Level is FindingLevel.Warning or FindingLevel.Note).ToList();
        if (others.Count > 0)
        {
            w.WriteElementString("system-out", Clean(string.Join("\n", others.Select(f => Describe(f, c.SuiteName)))));
        }

        w.WriteEndElement();
    }

    /// <summary>file:line:column: level ruleId: path: message, then the hint and evidence on their own lines.</summary>
    private static string Describe(ReportFinding f, string file)
    {
        string where = file + (f.Line > 0 ? ":" + Count(f.Line) + (f.Column > 0 ? ":" + Count(f.Column) : string.Empty) : string.Empty);
        var sb = new StringBuilder();
        sb.Append(where).Append(": ").Append(SarifReport.LevelName(f.Level)).Append(' ').Append(f.RuleId).Append(": ").Append(f.Text);
        sb.Append(f.Details("  "));

        return sb.ToString();
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Text safe for XML 1.0: characters XML cannot carry at all (control characters other than tab, CR, LF; lone
    /// surrogates; U+FFFE/U+FFFF) are shown as \uXXXX. Markup characters are escaped by the XML writer.
    /// </summary>
    internal static string Clean(string text)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            bool ok;
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb?.Append(ch).Append(text[i + 1]);
                i++;
                continue;
            }
            else
            {
                ok = XmlConvert.IsXmlChar(ch);
            }

            if (ok)
            {
                sb?.Append(ch);
                continue;
            }

            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            sb.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
        }

        return sb?.ToString() ?? text;
    }

    private sealed class TestCase(string key, string suiteName)
    {
        public string Key { get; } = key;
        public string SuiteName { get; } = suiteName;
        public List<ReportFinding> Findings { get; } = new();
        public bool Failed => Findings.Any(f => f.Level == FindingLevel.Error);
    }
}
