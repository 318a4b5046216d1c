using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>Server-side printing (meta.k8s.io/v1 Table), which kubectl asks for on "get".</summary>
internal static class Tables
{
    private static (string Name, string Type, string Format)[] Columns(ResourceType t) => t.Plural switch
    {
        "nodes" => [("Name", "string", "name"), ("Status", "string", ""), ("Roles", "string", ""), ("Age", "string", ""), ("Version", "string", "")],
        "pods" => [("Name", "string", "name"), ("Ready", "string", ""), ("Status", "string", ""), ("Restarts", "string", ""), ("Age", "string", "")],
        _ when t.PrinterColumns is { Length: > 0 } pc => [("Name", "string", "name"), .. pc.Select(c => (c.Name, c.Type, "")), ("Age", "date", "")],
        _ => [("Name", "string", "name"), ("Age", "string", "")],
    };

    public static void WriteColumns(Utf8JsonWriter wr, ResourceType t)
    {
        wr.WritePropertyName("columnDefinitions");
        wr.WriteStartArray();
        var i = 0;
        foreach (var (name, type, format) in Columns(t))
        {
            wr.WriteStartObject();
            wr.WriteString("name", name);
            wr.WriteString("type", type);
            wr.WriteString("format", format);
            wr.WriteString("description", name == "Name" ? "Name must be unique within a namespace." : name);
            wr.WriteNumber("priority", 0);
            wr.WriteEndObject();
            i++;
        }
        wr.WriteEndArray();
    }

    public static void WriteRow(Utf8JsonWriter wr, ResourceType t, JsonObject o, DateTimeOffset now, string? includeObject)
    {
        var meta = o["metadata"] as JsonObject;
        var age = meta.Time("creationTimestamp") is { } ct ? Human(now - ct) : "<unknown>";
        wr.WriteStartObject();
        wr.WritePropertyName("cells");
        wr.WriteStartArray();
        wr.WriteStringValue(meta.Str("name"));
        switch (t.Plural)
        {
            case "nodes":
                var ready = o["status"].Arr("conditions").FirstOrDefault(c => c.Str("type") == "Ready").Str("status") == "True" ? "Ready" : "NotReady";
                if (o["spec"].Bool("unschedulable") == true) ready += ",SchedulingDisabled";
                wr.WriteStringValue(ready);
                var roles = (meta?["labels"] as JsonObject)?.Where(kv => kv.Key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(kv => kv.Key[24..]).ToList() ?? [];
                wr.WriteStringValue(roles.Count == 0 ? "<none>" : string.Join(',', roles));
                wr.WriteStringValue(age);
                wr.WriteStringValue(o["status"]?["nodeInfo"].Str("kubeletVersion"));
                break;
            case "pods":
                var statuses = o["status"].Arr("containerStatuses");
                var total = o["spec"].Arr("containers").Count;
                wr.WriteStringValue($"{statuses.Count(s => s.Bool("ready") == true)}/{total}");
                wr.WriteStringValue(o["status"].Str("phase") ?? "Pending");
                wr.WriteStringValue(statuses.Sum(s => s.Long("restartCount") ?? 0).ToString(CultureInfo.InvariantCulture));
                wr.WriteStringValue(age);
                break;
            default:
                if (t.PrinterColumns is { Length: > 0 } pc)
                {
                    foreach (var c in pc)
                    {
                        var v = JsonPathLite.Eval(o, c.JsonPath);
                        if (v == null) wr.WriteNullValue(); else wr.WriteStringValue(v);
                    }
                    wr.WriteStringValue(age);
                }
                else wr.WriteStringValue(age);
                break;
        }
        wr.WriteEndArray();
        if (includeObject != "None")
        {
            wr.WritePropertyName("object");
            if (includeObject == "Object") o.WriteTo(wr);
            else
            {
                wr.WriteStartObject();
                wr.WriteString("kind", "PartialObjectMetadata");
                wr.WriteString("apiVersion", "meta.k8s.io/v1");
                wr.WritePropertyName("metadata");
                if (meta == null) wr.WriteNullValue(); else meta.WriteTo(wr);
                wr.WriteEndObject();
            }
        }
        wr.WriteEndObject();
    }

    /// <summary>Kubernetes' duration.HumanDuration.</summary>
    public static string Human(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        var s = (long)d.TotalSeconds;
        if (s < 120) return $"{s}s";
        var m = s / 60;
        if (m < 10) return s % 60 == 0 ? $"{m}m" : $"{m}m{s % 60}s";
        if (m < 180) return $"{m}m";
        var h = m / 60;
        if (h < 8) return m % 60 == 0 ? $"{h}h" : $"{h}h{m % 60}m";
        if (h < 48) return $"{h}h";
        if (h < 192) return h % 24 == 0 ? $"{h / 24}d" : $"{h / 24}d{h % 24}h";
        if (h < 24 * 365 * 2) return $"{h / 24}d";
        var y = h / 24 / 365;
        return h / 24 % 365 == 0 || y >= 8 ? $"{y}y" : $"{y}y{h / 24 % 365}d";
    }
}

/// <summary>The subset of JSONPath used by additionalPrinterColumns: .a.b, escaped dots, [?(@.k=="v")].</summary>
internal static class JsonPathLite
{
    public static string? Eval(JsonNode root, string path)
    {
        JsonNode? cur = root;
        var i = 0;
        while (cur != null && i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                var sb = new System.Text.StringBuilder();
                while (i < path.Length && path[i] != '.' && path[i] != '[')
                {
                    if (path[i] == '\\' && i + 1 < path.Length) { sb.Append(path[i + 1]); i += 2; continue; }
                    sb.Append(path[i++]);
                }
                cur = cur is JsonObject o && o.TryGetPropertyValue(sb.ToString(), out var v) ? v : null;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                var expr = path[(i + 1)..end];
                i = end + 1;
                var m = System.Text.RegularExpressions.Regex.Match(expr, "^\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)$");
                if (m.Success && cur is JsonArray arr) cur = arr.FirstOrDefault(x => x.Str(m.Groups[1].Value) == m.Groups[2].Value);
                else if (int.TryParse(expr, out var idx) && cur is JsonArray arr2 && idx < arr2.Count) cur = arr2[idx];
                else cur = null;
            }
            else return null;
        }
        return cur switch { null => null, JsonValue v => v.ToString(), _ => cur.ToJsonString() };
    }
}
