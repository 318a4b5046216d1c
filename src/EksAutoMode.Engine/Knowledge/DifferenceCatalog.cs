using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EksAutoMode.Engine.Knowledge;

/// <summary>An earlier statement of a fact that has since changed.</summary>
public sealed record DifferenceHistoryEntry(DateTime AsOf, string AutoMode, string SourceUrl);

/// <summary>One way Auto Mode differs from a standard EKS cluster, with its source and the date it was verified.</summary>
public sealed record DifferenceFact(
    string Area,
    string Topic,
    string StandardMode,
    string AutoMode,
    string Impact,
    DateTime AsOf,
    string SourceUrl,
    IReadOnlyList<DifferenceHistoryEntry> History);

/// <summary>
/// The Auto Mode vs standard-mode knowledge (Data/Knowledge/differences.yaml), loaded once and checked:
/// every row needs an allowed area and impact, text in every column, an ISO as-of date and an https source.
/// </summary>
public static class DifferenceCatalog
{
    /// <summary>The areas a fact can belong to, in display order.</summary>
    public static IReadOnlyList<string> Areas { get; } = new[] { "Compute", "Networking", "Storage", "LoadBalancing", "Security", "Cost", "Operations", "Addons" };

    /// <summary>How a difference affects an operator.</summary>
    public static IReadOnlyList<string> Impacts { get; } = new[] { "Benefit", "Caveat", "Unsupported", "Changed" };

    private static readonly Lazy<IReadOnlyList<DifferenceFact>> s_all = new(() => Parse(EmbeddedData.ReadText("Knowledge", "differences.yaml")));

    /// <summary>All facts in file order.</summary>
    public static IReadOnlyList<DifferenceFact> All => s_all.Value;

    /// <summary>Parses and checks a differences document (public for tests of the data rules).</summary>
    public static IReadOnlyList<DifferenceFact> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        FileDto file;
        try
        {
            file = deserializer.Deserialize<FileDto>(yaml) ?? throw new InvalidDataException("empty document");
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidDataException)
        {
            throw new EngineException("KnowledgeDataInvalid", ErrorKind.InvalidData, $"The differences data file cannot be read: {ex.Message}", "differences.yaml", ex);
        }

        var facts = new List<DifferenceFact>();
        int index = 0;
        foreach (var row in file.Differences ?? new List<RowDto>())
        {
            index++;
            string where = $"differences[{index - 1}] ({row.Topic ?? "no topic"})";
            string area = Require(row.Area, where, "area");
            string impact = Require(row.Impact, where, "impact");
            if (!Areas.Contains(area))
            {
                throw Invalid($"{where}: area '{area}' is not one of {string.Join(", ", Areas)}.");
            }

            if (!Impacts.Contains(impact))
            {
                throw Invalid($"{where}: impact '{impact}' is not one of {string.Join(", ", Impacts)}.");
            }

            var history = (row.History ?? new List<HistoryDto>())
                .Select(h => new DifferenceHistoryEntry(ParseDate(h.AsOf, where), Require(h.AutoMode, where, "history.autoMode"), RequireUrl(h.SourceUrl, where)))
                .OrderBy(h => h.AsOf)
                .ToArray();
            facts.Add(new DifferenceFact(
                area,
                Require(row.Topic, where, "topic"),
                Require(row.StandardMode, where, "standardMode"),
                Require(row.AutoMode, where, "autoMode"),
                impact,
                ParseDate(row.AsOf, where),
                RequireUrl(row.SourceUrl, where),
                history));
        }

        return facts;
    }

    private static readonly CatalogueFields Fields = new(Invalid);

    private static string Require(string? value, string where, string field) => Fields.Require(value, where, field);

    private static string RequireUrl(string? value, string where) => Fields.HttpsUrl(value, where, "sourceUrl");

    private static DateTime ParseDate(string? value, string where) => Fields.Date(value, where, "asOf");

    private static EngineException Invalid(string message) =>
        new("KnowledgeDataInvalid", ErrorKind.InvalidData, message, "differences.yaml");

    private sealed class FileDto
    {
        public int SchemaVersion { get; set; }
        public string? AsOf { get; set; }
        public List<RowDto>? Differences { get; set; }
    }

    private sealed class RowDto
    {
        public string? Area { get; set; }
        public string? Topic { get; set; }
        public string? StandardMode { get; set; }
        public string? AutoMode { get; set; }
        public string? Impact { get; set; }
        public string? AsOf { get; set; }
        public string? SourceUrl { get; set; }
        public List<HistoryDto>? History { get; set; }
    }

    private sealed class HistoryDto
    {
        public string? AsOf { get; set; }
        public string? AutoMode { get; set; }
        public string? SourceUrl { get; set; }
    }
}
