using System.Globalization;

namespace EksAutoMode.Engine;

/// <summary>
/// The field checks every data catalogue's loader makes (differences, readiness checks, diagnoses): text present,
/// dates as yyyy-MM-dd, links as https URLs. Each catalogue gives its own error (ErrorId and file).
/// </summary>
internal sealed class CatalogueFields(Func<string, EngineException> invalid)
{
    /// <summary>The trimmed value; an error naming the field when it is missing or blank.</summary>
    internal string Require(string? value, string where, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw invalid($"{where}: '{field}' is empty.") : value.Trim();

    internal DateTime Date(string? text, string where, string field) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime d)
            ? d
            : throw invalid($"{where}: {field} '{text}' is not a yyyy-MM-dd date.");

    internal string HttpsUrl(string? value, string where, string field)
    {
        string url = Require(value, where, field);
        return Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps
            ? url
            : throw invalid($"{where}: {field} '{url}' is not an https URL.");
    }
}
