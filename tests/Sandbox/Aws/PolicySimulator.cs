using System.Text;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Aws;

/// <summary>
/// IAM SimulatePrincipalPolicy for a role: evaluates the role's attached managed policies (documents from the catalog) and
/// inline policies for each action × resource with the request's context entries, as the IAM policy simulator does:
/// an explicit Deny wins, else any matching Allow, else implicitDeny. Action / NotAction, Resource / NotResource, and the
/// condition operators String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Like|Equals), Bool, Null with the ForAllValues: /
/// ForAnyValue: prefixes and the IfExists suffix; policy variables such as ${aws:PrincipalTag/k} are read from the context
/// (an unresolvable variable matches nothing). Keys a condition names that the context lacks are reported in
/// MissingContextValues. Permissions boundaries, SCPs and resource policies are not simulated.
/// </summary>
internal static class PolicySimulator
{
    public sealed record Source(string Id, string Type, JsonNode? Document);

    public sealed record Result(string Action, string Resource, string Decision, List<Source> Matched, List<string> Missing);

    public static List<Result> Evaluate(IReadOnlyList<Source> policies, IReadOnlyList<string> actions, IReadOnlyList<string> resources,
        IReadOnlyDictionary<string, List<string>> context)
    {
        var results = new List<Result>();
        foreach (var action in actions)
        {
            foreach (var resource in resources)
            {
                var allow = new List<Source>();
                var deny = new List<Source>();
                var missing = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var p in policies)
                {
                    foreach (var st in Statements(p.Document))
                    {
                        if (!ActionMatches(st, action) || !ResourceMatches(st, resource)) continue;
                        if (!ConditionsHold(st["Condition"] as JsonObject, context, missing)) continue;
                        (string.Equals(st.Str("Effect"), "Deny", StringComparison.Ordinal) ? deny : allow).Add(p);
                    }
                }
                var decision = deny.Count > 0 ? "explicitDeny" : allow.Count > 0 ? "allowed" : "implicitDeny";
                results.Add(new Result(action, resource, decision, deny.Count > 0 ? deny : allow, missing.ToList()));
            }
        }
        return results;
    }

    private static IEnumerable<JsonObject> Statements(JsonNode? doc) => doc?["Statement"] switch
    {
        JsonArray a => a.OfType<JsonObject>(),
        JsonObject o => [o],
        _ => [],
    };

    private static List<string> Values(JsonNode? n) => n switch
    {
        JsonArray a => a.Select(x => x?.ToString() ?? "").ToList(),
        null => [],
        _ => [n.ToString()],
    };

    private static bool ActionMatches(JsonObject st, string action) =>
        st["Action"] is { } a ? Values(a).Any(p => Glob.Match(p, action, true)) : st["NotAction"] is { } na && !Values(na).Any(p => Glob.Match(p, action, true));

    private static bool ResourceMatches(JsonObject st, string resource) =>
        st["Resource"] is { } r ? Values(r).Any(p => Glob.Match(p, resource, false)) : st["NotResource"] is { } nr && !Values(nr).Any(p => Glob.Match(p, resource, false));

    private static bool ConditionsHold(JsonObject? condition, IReadOnlyDictionary<string, List<string>> context, SortedSet<string> missing)
    {
        if (condition == null) return true;
        var holds = true;
        foreach (var (op, block) in condition)
        {
            if (block is not JsonObject keys) return false;
            foreach (var (key, expected) in keys)
            {
                var present = context.TryGetValue(key, out var actual);
                if (!present) missing.Add(key);
                if (!Holds(op, Values(expected), present ? actual! : null, context)) holds = false;
            }
        }
        return holds;
    }

    private static bool Holds(string op, List<string> expected, List<string>? actual, IReadOnlyDictionary<string, List<string>> context)
    {
        var set = "";
        if (op.StartsWith("ForAllValues:", StringComparison.Ordinal)) { set = "all"; op = op["ForAllValues:".Length..]; }
        else if (op.StartsWith("ForAnyValue:", StringComparison.Ordinal)) { set = "any"; op = op["ForAnyValue:".Length..]; }
        var ifExists = op.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists) op = op[..^"IfExists".Length];
        if (op == "Null") return expected.Any(e => string.Equals(e, "true", StringComparison.OrdinalIgnoreCase) == (actual == null));
        var negated = op.Contains("Not", StringComparison.Ordinal);
        if (actual == null) return ifExists || set == "all" || (negated && set == "");
        var resolved = expected.Select(e => Resolve(e, context)).Where(e => e != null).Select(e => e!).ToList();
        bool One(string value) => op switch
        {
            "StringEquals" or "ArnEquals" => resolved.Contains(value, StringComparer.Ordinal),
            "StringEqualsIgnoreCase" => resolved.Contains(value, StringComparer.OrdinalIgnoreCase),
            "StringNotEquals" or "ArnNotEquals" => !resolved.Contains(value, StringComparer.Ordinal),
            "StringNotEqualsIgnoreCase" => !resolved.Contains(value, StringComparer.OrdinalIgnoreCase),
            "StringLike" or "ArnLike" => resolved.Any(p => Glob.Match(p, value, false)),
            "StringNotLike" or "ArnNotLike" => !resolved.Any(p => Glob.Match(p, value, false)),
            "Bool" => resolved.Contains(value, StringComparer.OrdinalIgnoreCase),
            _ => false, // an operator the sandbox does not know never grants anything
        };
        return set switch
        {
            "all" => actual.All(One),
            "any" => actual.Any(One),
            _ => actual.Any(One),
        };
    }

    /// <summary>Substitutes ${key} policy variables from the context; null when one cannot be resolved.</summary>
    private static string? Resolve(string value, IReadOnlyDictionary<string, List<string>> context)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < value.Length)
        {
            var open = value.IndexOf("${", i, StringComparison.Ordinal);
            if (open < 0) { sb.Append(value, i, value.Length - i); break; }
            var close = value.IndexOf('}', open);
            if (close < 0) { sb.Append(value, i, value.Length - i); break; }
            sb.Append(value, i, open - i);
            var key = value[(open + 2)..close];
            if (key is "*" or "?" or "$") sb.Append(key);
            else if (context.TryGetValue(key, out var v) && v.Count == 1) sb.Append(v[0]);
            else return null;
            i = close + 1;
        }
        return sb.ToString();
    }
}
