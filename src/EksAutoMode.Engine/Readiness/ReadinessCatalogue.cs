using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Readiness;

public enum ReadinessSeverity { Blocker, Warning, Info }

public enum ReadinessStatus { Pass, Fail, Warn, Skipped }

/// <summary>One condition on a JSON object: the value at <see cref="Path"/> (segment <c>*</c> = any array item) is one of <see cref="Values"/>, or is present when <see cref="Exists"/>.</summary>
public sealed record ReadinessMatch(IReadOnlyList<string> Path, IReadOnlyList<string> Values, bool Exists);

/// <summary>Evaluator inputs of a catalogue row (each evaluator reads the ones it needs).</summary>
public sealed record ReadinessParameters
{
    public KubernetesResourceType? Resource { get; init; }
    public IReadOnlyList<ReadinessMatch> Match { get; init; } = Array.Empty<ReadinessMatch>();
    public IReadOnlyList<ReadinessMatch> Require { get; init; } = Array.Empty<ReadinessMatch>();
    public IReadOnlyList<string>? Show { get; init; }
    public IReadOnlyList<string>? ShowAlternative { get; init; }
    public IReadOnlyList<string> Names { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Images { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> HelmCharts { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Variables { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Values { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Keys { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> UnlessArgs { get; init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, string> Minimums { get; init; } = new Dictionary<string, string>();
    public string? Minimum { get; init; }
    public int? Maximum { get; init; }
    public int? Days { get; init; }
}

/// <summary>One row of Data/Readiness/checks.yaml.</summary>
public sealed record ReadinessCheck(
    string Id, string Category, string Title, ReadinessSeverity Severity, string? MinKubernetesVersion, string? MaxKubernetesVersion,
    DateTime AppliesSince, string Evaluator, ReadinessStatus OnMatch, ReadinessParameters Parameters, string Remediation, string DocUrl,
    string Source, DateTime AsOf)
{
    /// <summary>"all", "≤ 1.35", "≥ 1.36" or "1.29–1.35".</summary>
    public string KubernetesVersions => (MinKubernetesVersion, MaxKubernetesVersion) switch
    {
        (null, null) => "all",
        ({ } min, null) => ">= " + min,
        (null, { } max) => "<= " + max,
        ({ } min, { } max) => $"{min}-{max}",
    };

    /// <summary>Whether the row applies to a target Kubernetes version ("1.31"); unknown versions apply.</summary>
    public bool AppliesTo(KubernetesMinor? target) =>
        target is null
        || ((MinKubernetesVersion is null || target.Value.CompareTo(KubernetesMinor.Parse(MinKubernetesVersion)!.Value) >= 0)
            && (MaxKubernetesVersion is null || target.Value.CompareTo(KubernetesMinor.Parse(MaxKubernetesVersion)!.Value) <= 0));
}

/// <summary>A Kubernetes major.minor version.</summary>
public readonly record struct KubernetesMinor(int Major, int Minor) : IComparable<KubernetesMinor>
{
    /// <summary>Reads "1.31", "v1.31.2-eks-abc", "1.31+"; null when it is not a version.</summary>
    public static KubernetesMinor? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        Match m = Regex.Match(text.Trim(), @"^v?(\d{1,3})\.(\d{1,3})", RegexOptions.NonBacktracking);
        return m.Success ? new KubernetesMinor(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) : null;
    }

    public int CompareTo(KubernetesMinor other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public KubernetesMinor Next => new(Major, Minor + 1);

    public override string ToString() => $"{Major}.{Minor}";
}

/// <summary>
/// The readiness and IAM check catalogue (Data/Readiness/checks.yaml), loaded once and checked: id format and
/// uniqueness, known categories, severities and evaluators, version ranges, https DocUrl, source and dates.
/// </summary>
public static class ReadinessCatalogue
{
    public static IReadOnlyList<string> Categories { get; } = new[] { "Networking", "LoadBalancing", "Storage", "Compute", "Workloads", "Security", "Addons", "Cluster" };

    private static readonly Lazy<IReadOnlyList<ReadinessCheck>> s_checks = new(() => Parse(EmbeddedData.ReadText("Readiness", "checks.yaml")));

    /// <summary>Every row, readiness (AMR-) and IAM (AMI-), in file order.</summary>
    public static IReadOnlyList<ReadinessCheck> All => s_checks.Value;

    public static IEnumerable<ReadinessCheck> Readiness => All.Where(c => c.Id.StartsWith("AMR-", StringComparison.Ordinal));

    public static IEnumerable<ReadinessCheck> Iam => All.Where(c => c.Id.StartsWith("AMI-", StringComparison.Ordinal));

    /// <summary>
    /// The catalogue as the about_EksAutoMode_Readiness topic lists it (id, severity, Kubernetes versions, title; then
    /// source and as-of date), indented as a help-text block. A unit test keeps the topic equal to this.
    /// </summary>
    internal static string FormatTable(IEnumerable<ReadinessCheck> checks)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"    {"Id",-11} {"Severity",-8} {"K8s",-7} Title\n");
        foreach (ReadinessCheck c in checks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    {c.Id,-11} {c.Severity,-8} {c.KubernetesVersions,-7} {c.Title}\n");
            sb.Append(CultureInfo.InvariantCulture, $"                source: {c.Source}; as of {c.AsOf:yyyy-MM-dd}\n");
        }

        return sb.ToString();
    }

    public static ReadinessCheck Get(string id) => All.FirstOrDefault(c => c.Id == id)
        ?? throw new EngineException("ReadinessCheckUnknown", ErrorKind.ObjectNotFound, $"The readiness catalogue has no check '{id}'.", id);

    /// <summary>Parses and checks a catalogue document (public for the data-rule tests).</summary>
    public static IReadOnlyList<ReadinessCheck> Parse(string yaml, IReadOnlyCollection<string>? knownEvaluators = null)
    {
        knownEvaluators ??= ReadinessEvaluators.Names;
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

        var checks = new List<ReadinessCheck>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (RowDto row in file.Checks ?? new List<RowDto>())
        {
            string id = row.Id is { } i && Regex.IsMatch(i, "^AM[RI]-[A-Z]{2,4}-[0-9]{3}$", RegexOptions.NonBacktracking) ? i : throw Invalid($"id '{row.Id}' is not AMR-<AREA>-NNN or AMI-<AREA>-NNN.");
            if (!ids.Add(id)) throw Invalid($"id {id} appears twice.");
            string where = $"check {id}";
            if (!Categories.Contains(row.Category ?? "")) throw Invalid($"{where}: category '{row.Category}' is not one of {string.Join(", ", Categories)}.");
            if (!Enum.TryParse(row.Severity, false, out ReadinessSeverity severity) || !Enum.IsDefined(severity)) throw Invalid($"{where}: severity '{row.Severity}' is not Blocker, Warning or Info.");
            if (!knownEvaluators.Contains(row.Evaluator ?? "")) throw Invalid($"{where}: unknown evaluator '{row.Evaluator}'.");
            ReadinessStatus onMatch = row.OnMatch switch
            {
                null or "Fail" => ReadinessStatus.Fail,
                "Warn" => ReadinessStatus.Warn,
                _ => throw Invalid($"{where}: onMatch '{row.OnMatch}' is not Fail or Warn."),
            };
            string? min = row.KubernetesVersions?.Min, max = row.KubernetesVersions?.Max;
            foreach (string? v in new[] { min, max })
            {
                if (v is not null && KubernetesMinor.Parse(v) is null) throw Invalid($"{where}: Kubernetes version '{v}' is not major.minor.");
            }

            if (min is not null && max is not null && KubernetesMinor.Parse(min)!.Value.CompareTo(KubernetesMinor.Parse(max)!.Value) > 0) throw Invalid($"{where}: min version is above max.");
            string doc = Fields.HttpsUrl(row.DocUrl, where, "docUrl");
            DateTime asOf = Date(row.AsOf, where, "asOf");
            DateTime since = Date(row.AppliesSince, where, "appliesSince");
            checks.Add(new ReadinessCheck(id, row.Category!, Require(row.Title, where, "title"), severity, min, max, since, row.Evaluator!, onMatch,
                Parameters(row.Parameters, where), Require(row.Remediation, where, "remediation"), doc, Require(row.Source, where, "source"), asOf));
        }

        return checks;
    }

    private static ReadinessParameters Parameters(ParametersDto? p, string where)
    {
        if (p is null)
        {
            return new ReadinessParameters();
        }

        KubernetesResourceType? resource = null;
        if (p.Resource is { } r)
        {
            resource = new KubernetesResourceType(r.Group ?? "", Require(r.Version, where, "resource.version"), Require(r.Plural, where, "resource.plural"), Require(r.Kind, where, "resource.kind"));
        }

        return new ReadinessParameters
        {
            Resource = resource,
            Match = (p.Match ?? new()).Select(m => Match(m, where)).ToArray(),
            Require = (p.Require ?? new()).Select(m => Match(m, where)).ToArray(),
            Show = p.Show,
            ShowAlternative = p.ShowAlternative,
            Names = p.Names ?? new(),
            Images = p.Images ?? new(),
            HelmCharts = p.HelmCharts ?? new(),
            Variables = p.Variables ?? new(),
            Values = p.Values ?? new(),
            Keys = p.Keys ?? new(),
            UnlessArgs = p.UnlessArgs ?? new(),
            Minimums = p.Minimums ?? new(),
            Minimum = p.Minimum,
            Maximum = p.Maximum,
            Days = p.Days,
        };
    }

    private static ReadinessMatch Match(MatchDto m, string where)
    {
        if (m.Path is not { Count: > 0 }) throw Invalid($"{where}: a match has no path.");
        if (m.Values is not { Count: > 0 } && m.Exists != true) throw Invalid($"{where}: a match needs values or exists: true.");
        return new ReadinessMatch(m.Path, m.Values ?? new(), m.Exists == true);
    }

    private static readonly CatalogueFields Fields = new(m => Invalid(m));

    private static string Require(string? value, string where, string field) => Fields.Require(value, where, field);

    private static DateTime Date(string? text, string where, string field) => Fields.Date(text, where, field);

    private static EngineException Invalid(string message, Exception? inner = null) =>
        new("ReadinessDataInvalid", ErrorKind.InvalidData, "The readiness catalogue " + message, "checks.yaml", inner);

    private sealed class FileDto
    {
        public int SchemaVersion { get; set; }
        public string? AsOf { get; set; }
        public List<RowDto>? Checks { get; set; }
    }

    private sealed class RowDto
    {
        public string? Id { get; set; }
        public string? Category { get; set; }
        public string? Title { get; set; }
        public string? Severity { get; set; }
        public VersionsDto? KubernetesVersions { get; set; }
        public string? AppliesSince { get; set; }
        public string? Evaluator { get; set; }
        public string? OnMatch { get; set; }
        public ParametersDto? Parameters { get; set; }
        public string? Remediation { get; set; }
        public string? DocUrl { get; set; }
        public string? Source { get; set; }
        public string? AsOf { get; set; }
    }

    private sealed class VersionsDto
    {
        public string? Min { get; set; }
        public string? Max { get; set; }
    }

    private sealed class ResourceDto
    {
        public string? Group { get; set; }
        public string? Version { get; set; }
        public string? Plural { get; set; }
        public string? Kind { get; set; }
    }

    private sealed class MatchDto
    {
        public List<string>? Path { get; set; }
        public List<string>? Values { get; set; }
        public bool? Exists { get; set; }
    }

    private sealed class ParametersDto
    {
        public ResourceDto? Resource { get; set; }
        public List<MatchDto>? Match { get; set; }
        public List<MatchDto>? Require { get; set; }
        public List<string>? Show { get; set; }
        public List<string>? ShowAlternative { get; set; }
        public List<string>? Names { get; set; }
        public List<string>? Images { get; set; }
        public List<string>? HelmCharts { get; set; }
        public List<string>? Variables { get; set; }
        public List<string>? Values { get; set; }
        public List<string>? Keys { get; set; }
        public List<string>? UnlessArgs { get; set; }
        public Dictionary<string, string>? Minimums { get; set; }
        public string? Minimum { get; set; }
        public int? Maximum { get; set; }
        public int? Days { get; set; }
    }
}
