using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

internal sealed class SelectorException(string message) : Exception(message);

/// <summary>
/// Kubernetes label selector as k8s.io/apimachinery/pkg/labels parses it: a lexer (identifiers end at whitespace or one
/// of <c>=!(),&lt;&gt;</c>), requirements <c>key</c>, <c>!key</c>, <c>key=v</c>, <c>key==v</c>, <c>key!=v</c>,
/// <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key&gt;N</c>, <c>key&lt;N</c>, keys and values validated like label
/// keys and values. Anything else is a <see cref="SelectorException"/> (the apiserver's 400 BadRequest).
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _terms = new();
    public bool Empty => _terms.Count == 0;

    private enum Tok { End, Identifier, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, In, LessThan, NotEquals, NotIn, OpenPar }

    private static readonly Regex NamePart = new("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$", RegexOptions.CultureInvariant);
    private static readonly Regex Dns1123Subdomain = new("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant);
    private static readonly Regex LabelValue = new("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$", RegexOptions.CultureInvariant);

    private static List<(Tok Kind, string Text)> Lex(string s)
    {
        var list = new List<(Tok, string)>();
        var i = 0;
        while (i < s.Length)
        {
            var ch = s[i];
            if (char.IsWhiteSpace(ch)) { i++; continue; }
            if (ch is '=' or '!' or '(' or ')' or ',' or '>' or '<')
            {
                var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
                if (two == "==") { list.Add((Tok.DoubleEquals, two)); i += 2; continue; }
                if (two == "!=") { list.Add((Tok.NotEquals, two)); i += 2; continue; }
                list.Add((ch switch { '=' => Tok.Equals, '!' => Tok.DoesNotExist, '(' => Tok.OpenPar, ')' => Tok.ClosedPar, ',' => Tok.Comma, '>' => Tok.GreaterThan, _ => Tok.LessThan }, ch.ToString()));
                i++;
                continue;
            }
            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('=' or '!' or '(' or ')' or ',' or '>' or '<')) i++;
            var word = s[start..i];
            list.Add((word switch { "in" => Tok.In, "notin" => Tok.NotIn, _ => Tok.Identifier }, word));
        }
        list.Add((Tok.End, ""));
        return list;
    }

    public static LabelSelector Parse(string? s)
    {
        var sel = new LabelSelector();
        if (string.IsNullOrWhiteSpace(s)) return sel;
        var toks = Lex(s);
        var p = 0;
        (Tok Kind, string Text) Next() => toks[Math.Min(p++, toks.Count - 1)];
        (Tok Kind, string Text) Peek() => toks[Math.Min(p, toks.Count - 1)];
        static string Shown((Tok Kind, string Text) t) => t.Kind == Tok.End ? "" : t.Text;
        while (true)
        {
            var t = Next();
            if (t.Kind == Tok.DoesNotExist)
            {
                var k = Next();
                if (k.Kind != Tok.Identifier) throw new SelectorException($"unable to parse requirement: found '{Shown(k)}', expected: identifier");
                Key(k.Text);
                var key = k.Text;
                sel._terms.Add(l => l is null || !l.ContainsKey(key));
            }
            else
            {
                if (t.Kind != Tok.Identifier) throw new SelectorException($"unable to parse requirement: found '{Shown(t)}', expected: identifier");
                var key = t.Text;
                Key(key);
                var op = Peek();
                if (op.Kind is Tok.End or Tok.Comma)
                    sel._terms.Add(l => l is not null && l.ContainsKey(key));
                else
                {
                    p++;
                    switch (op.Kind)
                    {
                        case Tok.Equals or Tok.DoubleEquals or Tok.NotEquals:
                        {
                            var v = Peek();
                            var value = "";
                            if (v.Kind == Tok.Identifier) { value = v.Text; p++; }
                            else if (v.Kind is not (Tok.End or Tok.Comma)) throw new SelectorException($"unable to parse requirement: found '{Shown(v)}', expected: identifier");
                            Value(key, 0, value);
                            if (op.Kind == Tok.NotEquals) sel._terms.Add(l => l.Str(key) != value);
                            else sel._terms.Add(l => l.Str(key) == value);
                            break;
                        }
                        case Tok.In or Tok.NotIn:
                        {
                            var open = Next();
                            if (open.Kind != Tok.OpenPar) throw new SelectorException($"unable to parse requirement: found '{Shown(open)}', expected: '('");
                            var values = new HashSet<string>(StringComparer.Ordinal);
                            while (true)
                            {
                                var v = Next();
                                if (v.Kind == Tok.ClosedPar) break;
                                if (v.Kind == Tok.Comma) { values.Add(""); continue; }
                                if (v.Kind != Tok.Identifier) throw new SelectorException($"unable to parse requirement: found '{Shown(v)}', expected: ',', ')' or identifier");
                                Value(key, values.Count, v.Text);
                                values.Add(v.Text);
                                var sep = Next();
                                if (sep.Kind == Tok.ClosedPar) break;
                                if (sep.Kind != Tok.Comma) throw new SelectorException($"unable to parse requirement: found '{Shown(sep)}', expected: ',' or ')'");
                            }
                            if (values.Count == 0) throw new SelectorException($"unable to parse requirement: values: Invalid value: []string{{}}: for 'in', 'notin' operators, values set can't be empty");
                            if (op.Kind == Tok.NotIn) sel._terms.Add(l => l.Str(key) is not { } x || !values.Contains(x));
                            else sel._terms.Add(l => l.Str(key) is { } x && values.Contains(x));
                            break;
                        }
                        case Tok.GreaterThan or Tok.LessThan:
                        {
                            var v = Next();
                            if (v.Kind != Tok.Identifier || !long.TryParse(v.Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
                                throw new SelectorException($"unable to parse requirement: values[0]: Invalid value: \"{Shown(v)}\": for 'Gt', 'Lt' operators, the value must be an integer");
                            var gt = op.Kind == Tok.GreaterThan;
                            sel._terms.Add(l => long.TryParse(l.Str(key), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var x) && (gt ? x > n : x < n));
                            break;
                        }
                        default:
                            throw new SelectorException($"unable to parse requirement: found '{Shown(op)}', expected: in, notin, =, ==, !=, gt, lt");
                    }
                }
            }
            var after = Next();
            if (after.Kind == Tok.End) break;
            if (after.Kind != Tok.Comma) throw new SelectorException($"found '{Shown(after)}', expected: ',' or 'end of string'");
        }
        return sel;
    }

    /// <summary>A label key: optional DNS-subdomain prefix and '/', then a name part of at most 63 characters.</summary>
    private static void Key(string k)
    {
        var slash = k.IndexOf('/');
        var name = slash < 0 ? k : k[(slash + 1)..];
        var prefix = slash < 0 ? null : k[..slash];
        string? why = null;
        if (prefix != null && (prefix.Length == 0 || prefix.Length > 253 || !Dns1123Subdomain.IsMatch(prefix)))
            why = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        else if (name.Length == 0) why = "name part must be non-empty";
        else if (name.Length > 63) why = "name part must be no more than 63 characters";
        else if (!NamePart.IsMatch(name))
            why = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        if (why != null) throw new SelectorException($"unable to parse requirement: key: Invalid value: \"{k}\": {why}");
    }

    private static void Value(string key, int index, string v)
    {
        if (v.Length > 63)
            throw new SelectorException($"unable to parse requirement: values[{index}][{key}]: Invalid value: \"{v}\": must be no more than 63 characters");
        if (!LabelValue.IsMatch(v))
            throw new SelectorException($"unable to parse requirement: values[{index}][{key}]: Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
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
