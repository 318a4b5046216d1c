using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

internal sealed class SelectorException(string message) : Exception(message);

/// <summary>Kubernetes label selector (equality- and set-based).</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _terms = new();
    public bool Empty => _terms.Count == 0;

    public static LabelSelector Parse(string? s)
    {
        var sel = new LabelSelector();
        if (string.IsNullOrWhiteSpace(s)) return sel;
        foreach (var raw in Split(s))
        {
            var t = raw.Trim();
            if (t.Length == 0) throw new SelectorException($"unable to parse requirement: found '', expected: identifier");
            var inIdx = IndexOfWord(t, " in ");
            var notinIdx = IndexOfWord(t, " notin ");
            if (notinIdx > 0 || inIdx > 0)
            {
                var not = notinIdx > 0;
                var idx = not ? notinIdx : inIdx;
                var key = t[..idx].Trim();
                var rest = t[(idx + (not ? 7 : 4))..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')')) throw new SelectorException($"unable to parse requirement: found '{rest}', expected: '('");
                var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                Key(key);
                sel._terms.Add(l => { var v = l.Str(key); return not ? v == null || !values.Contains(v) : v != null && values.Contains(v); });
            }
            else if (t.Contains("!=", StringComparison.Ordinal))
            {
                var i = t.IndexOf("!=", StringComparison.Ordinal);
                var (k, v) = (t[..i].Trim(), t[(i + 2)..].Trim());
                Key(k);
                sel._terms.Add(l => l.Str(k) != v);
            }
            else if (t.Contains('='))
            {
                var i = t.IndexOf('=');
                var k = t[..i].Trim();
                var v = t[(i + 1)..].TrimStart('=').Trim();
                Key(k);
                sel._terms.Add(l => l.Str(k) == v);
            }
            else if (t.StartsWith('!'))
            {
                var k = t[1..].Trim();
                Key(k);
                sel._terms.Add(l => l is null || !l.ContainsKey(k));
            }
            else
            {
                Key(t);
                sel._terms.Add(l => l is not null && l.ContainsKey(t));
            }
        }
        return sel;
    }

    private static void Key(string k)
    {
        if (k.Length == 0 || k.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
            throw new SelectorException($"unable to parse requirement: invalid label key \"{k}\": name part must consist of alphanumeric characters, '-', '_' or '.'");
    }

    private static int IndexOfWord(string t, string w) => t.IndexOf(w, StringComparison.Ordinal);

    private static IEnumerable<string> Split(string s)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }

    public bool Matches(JsonObject obj) => _terms.All(t => t(obj["metadata"]?["labels"] as JsonObject));
}

/// <summary>Field selectors for the fields the real apiserver supports on the served types.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> _terms = new();
    public bool Empty => _terms.Count == 0;

    public static FieldSelector Parse(string? s, ResourceType type)
    {
        var sel = new FieldSelector();
        if (string.IsNullOrWhiteSpace(s)) return sel;
        foreach (var raw in s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ne = raw.IndexOf("!=", StringComparison.Ordinal);
            string f, v;
            bool eq;
            if (ne > 0) { f = raw[..ne]; v = raw[(ne + 2)..]; eq = false; }
            else
            {
                var i = raw.IndexOf('=');
                if (i <= 0) throw new SelectorException($"invalid selector: '{s}'; can't understand '{raw}'");
                f = raw[..i]; v = raw[(i + 1)..].TrimStart('='); eq = true;
            }
            var ok = f is "metadata.name" or "metadata.namespace"
                || type.Plural == "pods" && f is "spec.nodeName" or "status.phase" or "spec.schedulerName" or "spec.serviceAccountName" or "status.podIP"
                || type.Plural == "nodes" && f is "spec.unschedulable"
                || type.Plural == "secrets" && f is "type"
                || type.Plural == "events" && f.StartsWith("involvedObject.", StringComparison.Ordinal);
            if (!ok) throw new SelectorException($"field label not supported: {f}");
            sel._terms.Add((f, eq, v));
        }
        return sel;
    }

    public bool Matches(JsonObject o) => _terms.All(t =>
    {
        JsonNode? cur = o;
        foreach (var part in t.Field.Split('.')) cur = cur is JsonObject jo && jo.TryGetPropertyValue(part, out var n) ? n : null;
        var actual = cur switch { null => t.Field == "spec.unschedulable" ? "false" : "", JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false", _ => cur.ToString() };
        return t.Equal ? actual == t.Value : actual != t.Value;
    });
}
