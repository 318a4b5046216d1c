using System.Text.RegularExpressions;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EksAutoMode.Engine.Inventory;

/// <summary>One row of Data/Inventory/diagnosis.yaml.</summary>
public sealed record DiagnosisRule(
    string Code, string AppliesTo, string Severity, string? Group, string? Condition, IReadOnlyList<string> Statuses,
    string? ReasonPattern, string? NotReasonPattern, string? MessagePattern, IReadOnlyList<string> Facts, IReadOnlyList<string> NotFacts,
    string Message, string Remediation, string DocUrl, string Source, DateTime AsOf);

/// <summary>What a rule is evaluated against: the object's conditions, engine facts and the placeholders of its message.</summary>
public sealed record DiagnosisSubject(string Kind, string Name, IReadOnlyList<KubernetesCondition> Conditions, IReadOnlySet<string> Facts, IReadOnlyDictionary<string, string?> Values);

/// <summary>
/// The diagnosis catalogue (Data/Inventory/diagnosis.yaml), loaded once and checked: unique codes, known targets,
/// severities and facts, valid patterns, https sources and dates. <see cref="Diagnose"/> returns the findings for
/// one object: every rule whose parts all hold, except that within a group only the first match (file order) counts.
/// </summary>
public static class DiagnosisCatalogue
{
    public static IReadOnlyList<string> Kinds { get; } = new[] { "NodeClaim", "NodePool", "NodeClass" };
    public static IReadOnlyList<string> Severities { get; } = new[] { "Error", "Warning", "Info" };

    /// <summary>The facts the engine computes (see <see cref="InventoryDiagnosis"/>).</summary>
    public static IReadOnlyList<string> KnownFacts { get; } = new[]
    {
        "nodeClassHasTags", "nodeClassNotReady", "nodeClassMissing", "registrationOverdue", "expiresWithin48h", "deleting", "atLimit", "podsPending", "isAutoMode",
    };

    private static readonly Lazy<IReadOnlyList<DiagnosisRule>> s_rules = new(() => Parse(EmbeddedData.ReadText("Inventory", "diagnosis.yaml")));
    private static readonly Dictionary<string, Regex> s_regex = new();

    public static IReadOnlyList<DiagnosisRule> Rules => s_rules.Value;

    public static IReadOnlyList<DiagnosisFinding> Diagnose(DiagnosisSubject subject)
    {
        var findings = new List<DiagnosisFinding>();
        var groupsDone = new HashSet<string>(StringComparer.Ordinal);
        foreach (DiagnosisRule rule in Rules)
        {
            if (rule.AppliesTo != subject.Kind || (rule.Group is not null && groupsDone.Contains(rule.Group)))
            {
                continue;
            }

            KubernetesCondition? condition = null;
            if (rule.Condition is not null)
            {
                // "Launched|Event": the first of the named conditions that matches every part of the rule.
                condition = rule.Condition.Split('|').Select(type => subject.Conditions.FirstOrDefault(c => c.Type == type)
                        ?? (type == "Launched" && subject.Kind == "NodeClaim" ? new KubernetesCondition("Launched", "Unknown", null, null, null) : null))
                    .FirstOrDefault(c => c is not null && Matches(rule, c));
                if (condition is null)
                {
                    continue;
                }
            }

            if (!rule.Facts.All(subject.Facts.Contains) || rule.NotFacts.Any(subject.Facts.Contains))
            {
                continue;
            }

            if (rule.Group is not null)
            {
                groupsDone.Add(rule.Group);
            }

            var values = new Dictionary<string, string?>(subject.Values, StringComparer.Ordinal)
            {
                ["name"] = subject.Name,
                ["reason"] = condition?.Reason ?? subject.Values.GetValueOrDefault("reason") ?? "no reason given",
                ["conditionMessage"] = condition?.Message ?? subject.Values.GetValueOrDefault("conditionMessage") ?? "no message",
            };
            string evidence = condition is null
                ? string.Join(", ", rule.Facts)
                : $"{condition.Type}={condition.Status}" + (condition.Reason is null ? "" : $" ({condition.Reason})") + (condition.Message is null ? "" : $": {condition.Message}");
            findings.Add(new DiagnosisFinding(rule.Code, rule.Severity, $"{subject.Kind}/{subject.Name}", Fill(rule.Message, values), Fill(rule.Remediation, values),
                evidence, rule.DocUrl, rule.Source, rule.AsOf));
        }

        return findings;
    }

    private static bool Matches(DiagnosisRule rule, KubernetesCondition c) =>
        (rule.Statuses.Count == 0 || rule.Statuses.Contains(c.Status, StringComparer.OrdinalIgnoreCase))
        && (rule.ReasonPattern is null || Pattern(rule.ReasonPattern).IsMatch(c.Reason ?? ""))
        && (rule.NotReasonPattern is null || !Pattern(rule.NotReasonPattern).IsMatch(c.Reason ?? ""))
        && (rule.MessagePattern is null || Pattern(rule.MessagePattern).IsMatch(c.Message ?? ""));

    private static string Fill(string template, IReadOnlyDictionary<string, string?> values) =>
        Regex.Replace(template, @"\{([A-Za-z]+)\}", m => values.TryGetValue(m.Groups[1].Value, out string? v) ? v ?? "(none)" : m.Value);

    private static Regex Pattern(string pattern)
    {
        lock (s_regex)
        {
            if (!s_regex.TryGetValue(pattern, out Regex? regex))
            {
                s_regex[pattern] = regex = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }

            return regex;
        }
    }

    /// <summary>Parses and checks a catalogue document (public for tests of the data rules).</summary>
    public static IReadOnlyList<DiagnosisRule> Parse(string yaml)
    {
        FileDto file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<FileDto>(yaml)
                ?? throw new InvalidDataException("empty document");
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidDataException)
        {
            throw Invalid($"cannot be read: {ex.Message}", ex);
        }

        var rules = new List<DiagnosisRule>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (RowDto row in file.Diagnoses ?? new List<RowDto>())
        {
            string code = row.Code is { Length: > 0 } c && Regex.IsMatch(c, "^[A-Z][A-Za-z0-9]+$") ? c : throw Invalid($"code '{row.Code}' is not PascalCase.");
            if (!codes.Add(code)) throw Invalid($"code {code} appears twice.");
            string where = $"diagnosis {code}";
            if (!Kinds.Contains(row.AppliesTo ?? "")) throw Invalid($"{where}: appliesTo '{row.AppliesTo}' is not one of {string.Join(", ", Kinds)}.");
            if (!Severities.Contains(row.Severity ?? "")) throw Invalid($"{where}: severity '{row.Severity}' is not one of {string.Join(", ", Severities)}.");
            WhenDto when = row.When ?? throw Invalid($"{where}: no 'when'.");
            var facts = when.Facts ?? new List<string>();
            var notFacts = when.NotFacts ?? new List<string>();
            foreach (string f in facts.Concat(notFacts))
            {
                if (!KnownFacts.Contains(f)) throw Invalid($"{where}: unknown fact '{f}'.");
            }

            if (when.Condition is null && facts.Count == 0) throw Invalid($"{where}: 'when' needs a condition or facts.");
            foreach (string? p in new[] { when.Reason, when.NotReason, when.Message })
            {
                if (p is null) continue;
                try { _ = new Regex(p, RegexOptions.NonBacktracking); }
                catch (ArgumentException ex) { throw Invalid($"{where}: pattern '{p}' is invalid: {ex.Message}", ex); }
            }

            string doc = Fields.HttpsUrl(row.DocUrl, where, "docUrl");
            DateTime asOf = Fields.Date(row.AsOf, where, "asOf");
            rules.Add(new DiagnosisRule(code, row.AppliesTo!, row.Severity!, row.Group, when.Condition, when.Status ?? new List<string>(), when.Reason, when.NotReason, when.Message,
                facts, notFacts, Require(row.Message, where, "message"), Require(row.Remediation, where, "remediation"), doc, Require(row.Source, where, "source"), asOf));
        }

        return rules;
    }

    private static readonly CatalogueFields Fields = new(m => Invalid(m));

    private static string Require(string? value, string where, string field) => Fields.Require(value, where, field);

    private static EngineException Invalid(string message, Exception? inner = null) =>
        new("DiagnosisDataInvalid", ErrorKind.InvalidData, "The diagnosis catalogue " + message, "diagnosis.yaml", inner);

    private sealed class FileDto
    {
        public int SchemaVersion { get; set; }
        public string? AsOf { get; set; }
        public List<RowDto>? Diagnoses { get; set; }
    }

    private sealed class RowDto
    {
        public string? Code { get; set; }
        public string? AppliesTo { get; set; }
        public string? Severity { get; set; }
        public string? Group { get; set; }
        public WhenDto? When { get; set; }
        public string? Message { get; set; }
        public string? Remediation { get; set; }
        public string? DocUrl { get; set; }
        public string? Source { get; set; }
        public string? AsOf { get; set; }
    }

    private sealed class WhenDto
    {
        public string? Condition { get; set; }
        public List<string>? Status { get; set; }
        public string? Reason { get; set; }
        public string? NotReason { get; set; }
        public string? Message { get; set; }
        public List<string>? Facts { get; set; }
        public List<string>? NotFacts { get; set; }
    }
}
