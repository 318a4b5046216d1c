using System.Globalization;
using System.Text;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>A finding before the document context (file, kind, name) is attached.</summary>
internal sealed record RawFinding(string RuleId, FindingSeverity Severity, string Path, string Message, ManifestNode? At, string? SourceUrl = null, string? AsOf = null)
{
    public string? Hint { get; set; }

    /// <summary>The API server's exact wording, when <see cref="Message"/> adds to it.</summary>
    public string? ApiServerMessage { get; init; }
}

/// <summary>
/// Validates a document against a structural schema with the API server's rules and wording, then evaluates
/// the x-kubernetes-validations CEL rules. Like the API server, CEL rules are not run when a "blocking" error
/// (Required, Unsupported value, Too long, Too many, wrong type) was found; that is reported as
/// <c>&lt;nil&gt;: Invalid value: "null": some validation rules were not checked because the object was invalid; ...</c>.
/// </summary>
internal sealed class SchemaValidator
{
    public const string CelSkippedMessage = "Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

    private readonly KindSchema _schema;
    private readonly List<RawFinding> _findings = new();
    private bool _blocking;

    private SchemaValidator(KindSchema schema) => _schema = schema;

    public static List<RawFinding> Validate(ManifestDocument doc, KindSchema schema)
    {
        var v = new SchemaValidator(schema);
        v.ValidateRoot(doc.Root);
        if (v._blocking)
        {
            if (schema.Root.HasCelBelow)
            {
                v._findings.Add(new RawFinding("K8S-CelNotChecked", FindingSeverity.Info, "<nil>", CelSkippedMessage, doc.Root, schema.SourceUrl, schema.AsOf));
            }
        }
        else if (schema.Root.HasCelBelow)
        {
            object? celRoot = CelValue.From(doc.Root, schema.Root);
            v.EvaluateCel(doc.Root, celRoot, schema.Root, string.Empty, doc.Root);
        }

        return v._findings;
    }

    private void ValidateRoot(MappingNode root)
    {
        var s = _schema.Root;
        foreach (var entry in root.Entries)
        {
            string key = entry.KeyText;
            if (key is "apiVersion" or "kind" or "metadata" or "status")
            {
                continue; // metadata is ObjectMeta (checked separately); status is ignored on create/update
            }

            if (s.Properties is not null && s.Properties.TryGetValue(key, out var child))
            {
                ValidateNode(entry.Value, child, key);
            }
            else if (!s.PreserveUnknownFields)
            {
                Unknown(entry, key);
            }
        }

        CheckRequired(root, s, string.Empty);
    }

    private void Add(string ruleId, string path, string message, ManifestNode? at, bool blocking, FindingSeverity severity = FindingSeverity.Error)
    {
        _findings.Add(new RawFinding(ruleId, severity, path, message, at, _schema.SourceUrl, _schema.AsOf));
        _blocking |= blocking;
    }

    private void Unknown(MappingEntry entry, string path) =>
        _findings.Add(new RawFinding("K8S-UnknownField", FindingSeverity.Warning, path,
            $"unknown field \"{path}\": not a field of {_schema.Kind} as of {_schema.AsOf ?? "the schema in use"} (a newer {_schema.Kind} may have it; check 'kubectl explain')",
            entry.Key, _schema.SourceUrl, _schema.AsOf));

    private void CheckRequired(MappingNode map, SchemaNode s, string path)
    {
        if (s.Required is null)
        {
            return;
        }

        foreach (string r in s.Required)
        {
            var present = map[r];
            if (present is null || present is ScalarNode { IsNull: true } && !(s.Properties?.GetValueOrDefault(r)?.Nullable ?? false))
            {
                if (s.Properties?.GetValueOrDefault(r)?.Default is not null)
                {
                    continue; // defaulted by the API server before validation
                }

                Add("K8S-Required", Join(path, r), "Required value", map, blocking: true);
            }
        }
    }

    private void ValidateNode(ManifestNode node, SchemaNode s, string path)
    {
        if (node is ScalarNode { IsNull: true })
        {
            // The API server drops nulls of non-nullable fields before validation (absent = not set).
            return;
        }

        string? actual = ActualType(node);
        if (!TypeMatches(node, s, actual))
        {
            string expected = s.IntOrString ? "integer or string" : s.Type!;
            Add("K8S-Type", path, $"Invalid value: \"{actual}\": {path} in body must be of type {expected}: \"{actual}\"", node, blocking: true);
            return;
        }

        switch (node)
        {
            case MappingNode map:
                ValidateMapping(map, s, path);
                break;
            case SequenceNode seq:
                ValidateSequence(seq, s, path);
                break;
            case ScalarNode scalar:
                ValidateScalar(scalar, s, path);
                break;
        }
    }

    private void ValidateMapping(MappingNode map, SchemaNode s, string path)
    {
        if (s.MaxProperties is long maxP && map.Count > maxP)
        {
            Add("K8S-MaxProperties", path, $"Too many: {map.Count}: must have at most {maxP} items", map, blocking: true);
        }

        if (s.MinProperties is long minP && map.Count < minP)
        {
            Add("K8S-MinProperties", path, $"Invalid value: {map.Count}: {path} in body should have at least {minP} properties", map, blocking: false);
        }

        foreach (var entry in map.Entries)
        {
            string key = entry.KeyText;
            if (s.Properties is not null && s.Properties.TryGetValue(key, out var child))
            {
                ValidateNode(entry.Value, child, Join(path, key));
            }
            else if (s.AdditionalProperties is not null)
            {
                ValidateNode(entry.Value, s.AdditionalProperties, path + "[" + key + "]");
            }
            else if (s.Properties is not null && !s.PreserveUnknownFields && !s.AdditionalPropertiesAllowed)
            {
                Unknown(entry, Join(path, key));
            }
        }

        CheckRequired(map, s, path);
        CheckEnum(map, s, path);
    }

    private void ValidateSequence(SequenceNode seq, SchemaNode s, string path)
    {
        if (s.MaxItems is long maxI && seq.Count > maxI)
        {
            Add("K8S-MaxItems", path, $"Too many: {seq.Count}: must have at most {maxI} items", seq, blocking: true);
        }

        if (s.MinItems is long minI && seq.Count < minI)
        {
            Add("K8S-MinItems", path, $"Invalid value: {seq.Count}: {path} in body should have at least {minI} items", seq, blocking: false);
        }

        if (s.Items is not null)
        {
            for (int i = 0; i < seq.Count; i++)
            {
                ValidateNode(seq[i], s.Items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
            }
        }

        if (s.ListType == "set")
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < seq.Count; i++)
            {
                if (seq[i] is ScalarNode sc && !seen.Add(sc.ResolvedType + ":" + sc.Value))
                {
                    Add("K8S-Duplicate", path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", $"Duplicate value: {GoValue(sc)}", sc, blocking: false);
                }
            }
        }
    }

    private void ValidateScalar(ScalarNode scalar, SchemaNode s, string path)
    {
        CheckEnum(scalar, s, path);
        var type = scalar.ResolvedType;
        if (type == ScalarType.String && scalar.Value is string text)
        {
            int length = -1;
            if (s.MaxLength is long maxL && (length = RuneCount(text)) > maxL)
            {
                Add("K8S-MaxLength", path, $"Too long: may not be more than {maxL} bytes", scalar, blocking: true);
            }

            if (s.MinLength is long minL && (length < 0 ? RuneCount(text) : length) < minL)
            {
                Add("K8S-MinLength", path, $"Invalid value: {GoString(text)}: {path} in body should be at least {minL} chars long", scalar, blocking: false);
            }

            if (s.PatternRegex is not null)
            {
                bool matches;
                try
                {
                    matches = s.PatternRegex.IsMatch(text);
                }
                catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    matches = false;
                }

                if (!matches)
                {
                    string apiServer = $"Invalid value: {GoString(text)}: {path} in body should match '{s.Pattern}'";
                    if (PatternHints.For(s.Pattern) is var (allowed, example))
                    {
                        // The message says the allowed form; ApiServerText keeps the API server's line with the regex.
                        _findings.Add(new RawFinding("K8S-Pattern", FindingSeverity.Error, path, $"Invalid value: {GoString(text)}: {allowed}", scalar, _schema.SourceUrl, _schema.AsOf)
                        {
                            ApiServerMessage = apiServer,
                            Hint = LastSegment(path) is { } field ? $"For example: {field}: {example}" : $"For example: {example}",
                        });
                    }
                    else
                    {
                        Add("K8S-Pattern", path, apiServer, scalar, blocking: false);
                    }
                }
            }
        }
        else if ((type == ScalarType.Integer || type == ScalarType.Float) && scalar.TryGetDouble(out double number))
        {
            string shown = scalar.Value ?? "0";
            if (s.Minimum is double min && (s.ExclusiveMinimum ? number <= min : number < min))
            {
                Add("K8S-Minimum", path, $"Invalid value: {shown}: {path} in body should be greater than {(s.ExclusiveMinimum ? string.Empty : "or equal to ")}{FormatNumber(min)}", scalar, blocking: false);
            }

            if (s.Maximum is double max && (s.ExclusiveMaximum ? number >= max : number > max))
            {
                Add("K8S-Maximum", path, $"Invalid value: {shown}: {path} in body should be less than {(s.ExclusiveMaximum ? string.Empty : "or equal to ")}{FormatNumber(max)}", scalar, blocking: false);
            }
        }
    }

    private void CheckEnum(ManifestNode node, SchemaNode s, string path)
    {
        if (s.Enum is null || s.Enum.Count == 0 || node is not ScalarNode scalar)
        {
            return;
        }

        foreach (var allowed in s.Enum)
        {
            if (allowed is ScalarNode a && a.Value == scalar.Value && (a.ResolvedType == ScalarType.String) == (scalar.ResolvedType == ScalarType.String))
            {
                return;
            }
        }

        string supported = string.Join(", ", s.Enum.OfType<ScalarNode>().Select(GoValue));
        Add("K8S-Enum", path, $"Unsupported value: {GoValue(scalar)}: supported values: {supported}", scalar, blocking: true);
    }

    private static bool TypeMatches(ManifestNode node, SchemaNode s, string? actual)
    {
        if (s.IntOrString)
        {
            return actual is "integer" or "string";
        }

        return s.Type switch
        {
            null or "" => true,
            "object" => node is MappingNode,
            "array" => node is SequenceNode,
            "string" => actual == "string",
            "integer" => actual == "integer",
            "number" => actual is "integer" or "number",
            "boolean" => actual == "boolean",
            _ => true,
        };
    }

    private static string? ActualType(ManifestNode node) => node.JsonTypeName;

    // ---- CEL ----

    private void EvaluateCel(ManifestNode? node, object? value, SchemaNode s, string path, ManifestNode positionFallback)
    {
        var at = node ?? positionFallback;
        foreach (var rule in s.Validations)
        {
            if (rule.IsTransition)
            {
                continue; // oldSelf rules need the stored object; there is none offline
            }

            string typeName = s.IntOrString ? (value is string ? "string" : "integer") : s.Type ?? "object";
            string rulePath = path.Length == 0 ? "<nil>" : path;
            if (rule.FieldPath is { Length: > 0 } fp)
            {
                rulePath = (path + (fp.StartsWith('.') || fp.StartsWith('[') ? fp : "." + fp)).TrimStart('.');
            }

            if (rule.Program is null)
            {
                _findings.Add(new RawFinding("K8S-CelNotCompiled", FindingSeverity.Warning, rulePath,
                    $"rule could not be checked offline ({rule.CompileError}): {rule.Rule}", at, rule.SourceUrl, rule.AsOf));
                continue;
            }

            var (result, error) = CelEngine.EvaluateMemoized(rule.Program, value);
            string ruleId = rule.RuleId ?? "K8S-Cel";
            if (error is not null)
            {
                string detail = error.StartsWith("no such overload", StringComparison.Ordinal)
                    ? $"'{error}': call arguments did not match a supported operator, function or macro signature for rule: {rule.ErrorString}"
                    : $"{error} evaluating rule: {rule.ErrorString}";
                // The API server prints the evaluator's own error (ApiServerText keeps it); the message says it in
                // the user's terms, without the evaluator's internals (protobuf type names, overload signatures).
                _findings.Add(new RawFinding(ruleId, FindingSeverity.Error, rulePath,
                    $"Invalid value: \"{typeName}\": {rule.ErrorString} (the rule cannot be evaluated: {PlainCelError(error)})", at, rule.SourceUrl, rule.AsOf)
                {
                    ApiServerMessage = $"Invalid value: \"{typeName}\": {detail}",
                });
            }
            else if (result is not true)
            {
                string message = rule.MessageOrDefault;
                if (rule.MessageExpression is not null)
                {
                    try
                    {
                        var (m, e) = CelEngine.Evaluate(CelEngine.Compile(rule.MessageExpression), value);
                        if (e is null && m is string ms && ms.Trim().Length > 0)
                        {
                            message = ms.Trim();
                        }
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // keep the static message
                    }
                }

                string formatted = rule.Reason switch
                {
                    "FieldValueForbidden" => "Forbidden: " + message,
                    "FieldValueRequired" => "Required value: " + message,
                    "FieldValueDuplicate" => "Duplicate value: " + message,
                    _ => $"Invalid value: \"{typeName}\": {message}",
                };
                _findings.Add(new RawFinding(ruleId, FindingSeverity.Error, rulePath, formatted, at, rule.SourceUrl, rule.AsOf));
            }
        }

        switch (value)
        {
            case Dictionary<string, object?> dict when s.Properties is not null:
                foreach (var (key, child) in s.Properties)
                {
                    if (child.HasCelBelow && dict.TryGetValue(key, out var childValue))
                    {
                        EvaluateCel((node as MappingNode)?[key], childValue, child, Join(path, key), at);
                    }
                }

                break;
            case Dictionary<string, object?> map when s.AdditionalProperties is { HasCelBelow: true } ap:
                foreach (var (key, childValue) in map)
                {
                    EvaluateCel((node as MappingNode)?[key], childValue, ap, path + "[" + key + "]", at);
                }

                break;
            case List<object?> list when s.Items is { HasCelBelow: true } items:
                for (int i = 0; i < list.Count; i++)
                {
                    var itemNode = node is SequenceNode seq && i < seq.Count ? seq[i] : null;
                    EvaluateCel(itemNode, list[i], items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", at);
                }

                break;
        }
    }

    // ---- formatting helpers (Go's %q / %v) ----

    /// <summary>The field name a path ends with ("expireAfter" of spec.template.spec.expireAfter); null for a list item or map key.</summary>
    private static string? LastSegment(string path)
    {
        string last = path[(path.LastIndexOf('.') + 1)..];
        return last.Length == 0 || last.Contains('[') ? null : last;
    }

    internal static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static int RuneCount(string text)
    {
        int n = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            n++;
        }

        return n;
    }

    internal static string GoValue(ScalarNode s) => s.ResolvedType == ScalarType.String ? GoString(s.Value ?? string.Empty) : s.Value ?? "null";

    /// <summary>A CEL evaluation error in plain words.</summary>
    internal static string PlainCelError(string error)
    {
        if (error.StartsWith("type conversion error from 'string' to 'google.protobuf.Duration'", StringComparison.Ordinal))
        {
            return "a value is not a duration such as 336h or 30m";
        }

        if (error.StartsWith("type conversion error from 'string' to 'google.protobuf.Timestamp'", StringComparison.Ordinal))
        {
            return "a value is not a timestamp such as 2026-01-31T00:00:00Z";
        }

        if (error.StartsWith("type conversion error", StringComparison.Ordinal) || error.StartsWith("no such overload", StringComparison.Ordinal))
        {
            return "a value has a type the rule does not accept";
        }

        if (error.StartsWith("no such key: ", StringComparison.Ordinal))
        {
            return $"the field {error["no such key: ".Length..]} is missing";
        }

        if (error.Contains("division by zero", StringComparison.Ordinal) || error.Contains("modulus by zero", StringComparison.Ordinal))
        {
            return "it divides by zero for this value";
        }

        return "the value is outside what the rule can handle";
    }

    internal static string GoString(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static string FormatNumber(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Converts a manifest subtree into the values CEL sees, the way the API server does: unknown fields pruned, defaults applied.</summary>
internal static class CelValue
{
    public static object? From(ManifestNode? node, SchemaNode? s)
    {
        if (node is null || node is ScalarNode { IsNull: true })
        {
            return null;
        }

        switch (node)
        {
            case MappingNode map:
            {
                var dict = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
                if (s?.Properties is not null)
                {
                    foreach (var (key, child) in s.Properties)
                    {
                        var v = map[key];
                        if (v is null || v is ScalarNode { IsNull: true })
                        {
                            if (child.Default is not null)
                            {
                                dict[key] = From(child.Default, child);
                            }

                            continue;
                        }

                        dict[key] = From(v, child);
                    }

                    if (s.PreserveUnknownFields)
                    {
                        foreach (var e in map.Entries)
                        {
                            if (!s.Properties.ContainsKey(e.KeyText))
                            {
                                dict[e.KeyText] = From(e.Value, null);
                            }
                        }
                    }
                }
                else
                {
                    foreach (var e in map.Entries)
                    {
                        if (e.Value is ScalarNode { IsNull: true })
                        {
                            continue;
                        }

                        dict[e.KeyText] = From(e.Value, s?.AdditionalProperties);
                    }
                }

                return dict;
            }

            case SequenceNode seq:
            {
                var list = new List<object?>(seq.Count);
                foreach (var item in seq.Items)
                {
                    list.Add(From(item, s?.Items));
                }

                return list;
            }

            case ScalarNode scalar:
                switch (scalar.ResolvedType)
                {
                    case ScalarType.Boolean:
                        return scalar.TryGetBoolean(out bool b) && b;
                    case ScalarType.Integer:
                        if (s?.Type == "number")
                        {
                            return scalar.TryGetDouble(out double dn) ? dn : 0d;
                        }

                        return scalar.TryGetInt64(out long l) ? l : scalar.TryGetDouble(out double d) ? d : 0L;
                    case ScalarType.Float:
                        return scalar.TryGetDouble(out double f) ? f : 0d;
                    default:
                        return scalar.Value;
                }

            default:
                return null;
        }
    }
}
