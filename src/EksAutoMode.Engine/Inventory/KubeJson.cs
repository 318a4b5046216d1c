using System.Globalization;
using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Inventory;

/// <summary>Small readers for Kubernetes objects as JSON (absent or wrongly typed fields read as null, never throw).</summary>
internal static class KubeJson
{
    public static JsonElement? Path(this JsonElement e, params string[] names)
    {
        JsonElement current = e;
        foreach (string name in names)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current;
    }

    public static string? Str(this JsonElement e, params string[] names) =>
        e.Path(names) is { ValueKind: JsonValueKind.String } s ? s.GetString()
        : e.Path(names) is { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v ? v.GetRawText() : null;

    public static int? Int(this JsonElement e, params string[] names) =>
        e.Path(names) is { } v ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
            : v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int j) ? j : null
        : null;

    public static DateTimeOffset? Time(this JsonElement e, params string[] names) =>
        e.Str(names) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t) ? t : null;

    public static decimal? Quantity(this JsonElement e, params string[] names) => KubernetesQuantity.Parse(e.Str(names));

    public static IReadOnlyDictionary<string, string> Map(this JsonElement e, params string[] names)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.Path(names) is { ValueKind: JsonValueKind.Object } o)
        {
            foreach (JsonProperty p in o.EnumerateObject())
            {
                map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText();
            }
        }

        return map;
    }

    public static IEnumerable<JsonElement> Array(this JsonElement e, params string[] names) =>
        e.Path(names) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray() : Enumerable.Empty<JsonElement>();

    public static string Name(this JsonElement e) => e.Str("metadata", "name") ?? "";

    public static IReadOnlyList<KubernetesCondition> Conditions(this JsonElement e) =>
        e.Array("status", "conditions")
            .Where(c => c.Str("type") is not null)
            .Select(c => new KubernetesCondition(c.Str("type")!, c.Str("status") ?? "Unknown", NullIfEmpty(c.Str("reason")), NullIfEmpty(c.Str("message")), c.Time("lastTransitionTime")))
            .ToArray();

    public static KubernetesCondition? Find(this IReadOnlyList<KubernetesCondition> conditions, string type) =>
        conditions.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>True / False from a condition's status; null when Unknown or absent.</summary>
    public static bool? State(this IReadOnlyList<KubernetesCondition> conditions, string type) =>
        conditions.Find(type)?.Status switch { "True" => true, "False" => false, _ => null };

    public static IReadOnlyList<string> Taints(this JsonElement e, params string[] names) =>
        e.Array(names).Select(t =>
        {
            string key = t.Str("key") ?? "";
            string? value = t.Str("value");
            string effect = t.Str("effect") ?? "";
            return value is { Length: > 0 } ? $"{key}={value}:{effect}" : $"{key}:{effect}";
        }).ToArray();

    public static IReadOnlyList<string> Requirements(this JsonElement e, params string[] names) =>
        e.Array(names).Select(r =>
        {
            string values = string.Join(",", r.Array("values").Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()));
            string text = $"{r.Str("key")} {r.Str("operator")}" + (values.Length > 0 ? $" [{values}]" : "");
            return r.Int("minValues") is { } min ? text + $" (minValues {min})" : text;
        }).ToArray();

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
