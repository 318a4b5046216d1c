using System.Text;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// The API server's checks of labels and annotations (k8s.io/apimachinery validation: IsQualifiedName,
/// IsValidLabelValue, IsDNS1123Subdomain, ValidateAnnotationsSize), with its exact wording:
/// <c>metadata.labels: Invalid value: "a/b/c": a qualified name must consist of …</c>.
/// Applied to metadata.labels/annotations of every checked object, and to the label and annotation keys of a
/// NodePool's spec.template.metadata (they become the nodes' labels and annotations, which the API server checks
/// the same way when the node is created).
/// Source: https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go (as of 2026-01-31).
/// </summary>
internal static class ObjectMetaRules
{
    private const string SourceUrl = "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set";
    private const string AsOf = "2026-01-31";
    private const int NameMaxLength = 63;
    private const int PrefixMaxLength = 253;
    private const int LabelValueMaxLength = 63;

    /// <summary>Largest total size (keys + values, bytes) of an object's annotations: 256 KiB.</summary>
    internal const int TotalAnnotationSizeLimit = 256 * 1024;

    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string QualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFormat = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFormat = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /// <summary>Go's validation.RegexError text: message, examples, and the regex.</summary>
    internal static string RegexError(string message, string format, params string[] examples)
    {
        var sb = new StringBuilder(message).Append(" (e.g. ");
        for (int i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }

            sb.Append('\'').Append(examples[i]).Append("', ");
        }

        return sb.Append("regex used for validation is '").Append(format).Append("')").ToString();
    }

    /// <summary>IsDNS1123Subdomain's messages (empty when valid).</summary>
    internal static List<string> Dns1123Subdomain(string value)
    {
        var errors = new List<string>();
        if (Encoding.UTF8.GetByteCount(value) > PrefixMaxLength)
        {
            errors.Add($"must be no more than {PrefixMaxLength} characters");
        }

        if (!IsDns1123Subdomain(value))
        {
            errors.Add(RegexError(Dns1123SubdomainMessage, Dns1123SubdomainFormat, "example.com"));
        }

        return errors;
    }

    /// <summary>IsQualifiedName's messages (empty when valid).</summary>
    internal static List<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        string[] parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                errors.Add("a qualified name " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (Encoding.UTF8.GetByteCount(name) > NameMaxLength)
        {
            errors.Add($"name part must be no more than {NameMaxLength} characters");
        }

        if (!IsQualifiedNamePart(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }

        return errors;
    }

    /// <summary>IsValidLabelValue's messages (empty when valid).</summary>
    internal static List<string> LabelValue(string value)
    {
        var errors = new List<string>();
        if (Encoding.UTF8.GetByteCount(value) > LabelValueMaxLength)
        {
            errors.Add($"must be no more than {LabelValueMaxLength} characters");
        }

        if (value.Length > 0 && !IsQualifiedNamePart(value))
        {
            errors.Add(RegexError(LabelValueMessage, LabelValueFormat, "MyValue", "my_value", "12345"));
        }

        return errors;
    }

    /// <summary>Checks metadata.labels and metadata.annotations (and, for NodePools, the template's keys).</summary>
    public static void Check(ManifestDocument document, List<RawFinding> raw)
    {
        var metadata = document.Root["metadata"] as MappingNode;
        CheckLabels(metadata?["labels"], "metadata.labels", values: true, raw);
        CheckAnnotations(metadata?["annotations"], "metadata.annotations", raw);
        if (document.Kind == "NodePool")
        {
            // Values are checked by the NodePool schema (pattern, maxLength); the keys only here.
            var template = (document.Root["spec"] as MappingNode)?["template"] as MappingNode;
            var templateMetadata = template?["metadata"] as MappingNode;
            CheckLabels(templateMetadata?["labels"], "spec.template.metadata.labels", values: false, raw);
            CheckAnnotations(templateMetadata?["annotations"], "spec.template.metadata.annotations", raw, typesChecked: true);
        }
    }

    private static void CheckLabels(ManifestNode? node, string path, bool values, List<RawFinding> raw)
    {
        if (node is not MappingNode labels)
        {
            if (values)
            {
                MapTypeError(node, path, raw);
            }

            return;
        }

        foreach (var entry in labels.Entries)
        {
            foreach (string message in QualifiedName(entry.KeyText))
            {
                raw.Add(Invalid("K8S-LabelKey", path, entry.KeyText, message, entry.Key));
            }

            if (!values)
            {
                continue;
            }

            if (ValueTypeError(entry.Value, $"{path}[{entry.KeyText}]", raw))
            {
                continue;
            }

            string text = (entry.Value as ScalarNode)?.Value ?? string.Empty;
            foreach (string message in LabelValue(text))
            {
                raw.Add(Invalid("K8S-LabelValue", path, text, message, entry.Value));
            }
        }
    }

    private static void CheckAnnotations(ManifestNode? node, string path, List<RawFinding> raw, bool typesChecked = false)
    {
        if (node is not MappingNode annotations)
        {
            if (!typesChecked)
            {
                MapTypeError(node, path, raw);
            }

            return;
        }

        long total = 0;
        foreach (var entry in annotations.Entries)
        {
            foreach (string message in QualifiedName(entry.KeyText.ToLowerInvariant()))
            {
                raw.Add(Invalid("K8S-AnnotationKey", path, entry.KeyText, message, entry.Key));
            }

            if (!typesChecked)
            {
                ValueTypeError(entry.Value, $"{path}[{entry.KeyText}]", raw);
            }

            total += Encoding.UTF8.GetByteCount(entry.KeyText) + (entry.Value is ScalarNode s ? Encoding.UTF8.GetByteCount(s.Value ?? string.Empty) : 0);
        }

        if (total > TotalAnnotationSizeLimit)
        {
            raw.Add(new RawFinding("K8S-AnnotationsTooLong", FindingSeverity.Error, path,
                $"Too long: may not be more than {TotalAnnotationSizeLimit} bytes", annotations, SourceUrl, AsOf)
            {
                Hint = $"The annotations add up to {total:N0} bytes (keys and values); the API server allows 256 KiB in total.",
            });
        }
    }

    /// <summary>A labels/annotations map that is not an object (absent and null are fine).</summary>
    private static void MapTypeError(ManifestNode? node, string path, List<RawFinding> raw)
    {
        if (node is not null and not ScalarNode { IsNull: true } and not MappingNode)
        {
            raw.Add(TypeError(node, path, "object"));
        }
    }

    /// <summary>A label/annotation value that is not a string (null reads as "", as in Go).</summary>
    private static bool ValueTypeError(ManifestNode node, string path, List<RawFinding> raw)
    {
        if (node is ScalarNode { IsNull: true } or ScalarNode { ResolvedType: ScalarType.String })
        {
            return false;
        }

        raw.Add(TypeError(node, path, "string"));
        return true;
    }

    private static RawFinding TypeError(ManifestNode node, string path, string expected) =>
        new("K8S-Type", FindingSeverity.Error, path, $"Invalid value: \"{node.JsonTypeName}\": {path} in body must be of type {expected}: \"{node.JsonTypeName}\"", node, SourceUrl, AsOf);

    private static RawFinding Invalid(string ruleId, string path, string value, string message, ManifestNode at) =>
        new(ruleId, FindingSeverity.Error, path, $"Invalid value: {SchemaValidator.GoString(value)}: {message}", at, SourceUrl, AsOf);

    // The three formats above, matched by hand as Go's regexp does (whole text, no trailing-newline allowance):
    // scanning is linear and costs nothing to set up, where a regex costs its construction on the first call.
    // QualifiedNameFormat: an alphanumeric first and last character, '-', '_', '.' or alphanumerics between.
    private static bool IsQualifiedNamePart(string s)
    {
        if (s.Length == 0 || !char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1]))
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    // Dns1123SubdomainFormat: dot-separated labels of [a-z0-9] and '-', each starting and ending with [a-z0-9].
    private static bool IsDns1123Subdomain(string s)
    {
        var rest = s.AsSpan();
        while (true)
        {
            int dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.Length == 0 || !IsLowerAlnum(label[0]) || !IsLowerAlnum(label[^1]))
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!(IsLowerAlnum(c) || c == '-'))
                {
                    return false;
                }
            }

            if (dot < 0)
            {
                return true;
            }

            rest = rest[(dot + 1)..];
        }

        static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
    }
}
