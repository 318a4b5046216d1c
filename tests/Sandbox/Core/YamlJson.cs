using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EksAutoMode.Sandbox.Core;

/// <summary>Converts YAML documents to System.Text.Json nodes (YAML 1.2 core schema for plain scalars).</summary>
internal static class YamlJson
{
    public static JsonNode? ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => ConvertMapping(m),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
        YamlScalarNode sc => ConvertScalar(sc),
        _ => null,
    };

    private static JsonObject ConvertMapping(YamlMappingNode m)
    {
        var o = new JsonObject();
        foreach (var (k, v) in m.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            if (key == "<<" && v is YamlMappingNode merge)
            {
                foreach (var kv in ConvertMapping(merge)) o[kv.Key] = kv.Value?.DeepClone();
                continue;
            }
            o[key] = Convert(v);
        }
        return o;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        if (s.Tag == "!!str") return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (IsInteger(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (IsFloat(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    private static bool IsInteger(string v)
    {
        var i = v[0] is '-' or '+' ? 1 : 0;
        if (i >= v.Length) return false;
        if (v.Length - i > 1 && v[i] == '0') return false; // "0123" stays a string
        for (; i < v.Length; i++) if (!char.IsAsciiDigit(v[i])) return false;
        return true;
    }

    private static bool IsFloat(string v)
    {
        var i = v[0] is '-' or '+' ? 1 : 0;
        bool digit = false, dot = false;
        for (; i < v.Length; i++)
        {
            if (char.IsAsciiDigit(v[i])) digit = true;
            else if (v[i] == '.' && !dot) dot = true;
            else if (v[i] is 'e' or 'E' && digit) return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            else return false;
        }
        return digit && dot;
    }
}

internal static class J
{
    public static string? Str(this JsonNode? n, string key) => n is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonValue jv ? jv.ToString() : null;

    public static string Str(this JsonNode? n, string key, string fallback) => n.Str(key) ?? fallback;

    public static bool? Bool(this JsonNode? n, string key) => n is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonValue jv && jv.TryGetValue<bool>(out var b) ? b : null;

    public static long? Long(this JsonNode? n, string key)
    {
        if (n is not JsonObject o || !o.TryGetPropertyValue(key, out var v) || v is not JsonValue jv) return null;
        if (jv.TryGetValue<long>(out var l)) return l;
        if (jv.TryGetValue<int>(out var i)) return i;
        if (jv.TryGetValue<double>(out var d)) return (long)d;
        return long.TryParse(jv.ToString(), CultureInfo.InvariantCulture, out l) ? l : null;
    }

    public static JsonObject? Obj(this JsonNode? n, string key) => n is JsonObject o && o.TryGetPropertyValue(key, out var v) ? v as JsonObject : null;

    public static JsonArray Arr(this JsonNode? n, string key) => n is JsonObject o && o.TryGetPropertyValue(key, out var v) && v is JsonArray a ? a : new JsonArray();

    public static IEnumerable<string> Strings(this JsonNode? n, string key) => n.Arr(key).Select(x => x?.ToString() ?? "");

    public static JsonObject EnsureObj(this JsonObject o, string key)
    {
        if (o[key] is JsonObject x) return x;
        var n = new JsonObject();
        o[key] = n;
        return n;
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Time(this JsonNode? n, string key)
    {
        var s = n.Str(key);
        return s != null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }

    /// <summary>RFC 7386 JSON merge patch.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject po) return patch?.DeepClone();
        var to = target as JsonObject ?? new JsonObject();
        foreach (var (k, v) in po.ToList())
        {
            if (v is null) to.Remove(k);
            else
            {
                var existing = to.TryGetPropertyValue(k, out var e) ? e : null;
                var merged = MergePatch(existing, v);
                if (!ReferenceEquals(merged, existing)) to[k] = merged;
            }
        }
        return to;
    }
}
