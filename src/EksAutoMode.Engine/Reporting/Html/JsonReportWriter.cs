using System.Text.Json;
using System.Text.Json.Serialization;

namespace EksAutoMode.Engine.Reporting.Html;

/// <summary>
/// The report as one JSON document (Export-AutoModeReport -Format Json): the same <see cref="FleetReport"/> the HTML
/// page shows, with every node of the expiry timeline (the page lists a bounded number). camelCase names, exact
/// decimals, ISO 8601 UTC times, TimeSpans as "d.hh:mm:ss".
/// </summary>
public static class JsonReportWriter
{
    /// <summary>Version of the document's shape; bumped when a property changes meaning or disappears.</summary>
    public const string SchemaVersion = "1";

    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Render(FleetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var document = new Document(SchemaVersion, "EksAutoMode.FleetReport", report);
        return JsonSerializer.Serialize(document, s_options);
    }

    private sealed record Document(string SchemaVersion, string Kind, FleetReport Report);
}
