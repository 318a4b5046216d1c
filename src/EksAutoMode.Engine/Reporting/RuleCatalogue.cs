using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Engine.Reporting;

/// <summary>What a rule checks, for the rule list of a report.</summary>
public sealed class RuleDescription
{
    public string Id { get; init; } = string.Empty;

    /// <summary>One line: what the rule finds.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>A paragraph: why it matters.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>What to do about it, when known.</summary>
    public string? Help { get; init; }
    public string? HelpUri { get; init; }
}

/// <summary>
/// Describes rule ids for reports: the Auto Mode policy rules from their own data file, the schema (K8S-*) and
/// input (INPUT-*) rules from Data/Reporting/rule-descriptions.yaml, and any other id from its first finding.
/// </summary>
public static class RuleCatalogue
{
    private static readonly Lazy<IReadOnlyList<RuleDescription>> EntriesLazy = new(Load);

    /// <summary>
    /// The description of <paramref name="ruleId"/>; <paramref name="example"/> (one of its findings) fills what the
    /// catalogue does not know, so an unknown rule (a newer cmdlet's) is still described.
    /// </summary>
    public static RuleDescription Describe(string ruleId, ReportFinding? example = null)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        string? exampleUri = example?.HelpUri;
        if (PolicyRules.All.TryGetValue(ruleId, out var policy))
        {
            string title = $"{policy.Kind}: {Template(policy.Message)}";
            string who = policy.Origin switch
            {
                PolicyRule.KarpenterControllerOrigin => $"Karpenter NodePool controller rule (the API server accepts the {policy.Kind}; the controller sets ValidationSucceeded=False)",
                PolicyRule.ApiServerOrigin => $"EKS Auto Mode API-server rule for {policy.Kind}",
                _ => $"EKS Auto Mode rule for {policy.Kind}",
            };
            return new RuleDescription
            {
                Id = ruleId,
                Title = title,
                Description = $"{who}: {Template(policy.Message)}. Source: {policy.SourceUrl} (as of {policy.AsOf}).",
                Help = Template(policy.Hint),
                HelpUri = policy.DocUrl ?? policy.SourceUrl ?? exampleUri,
            };
        }

        var entry = EntriesLazy.Value
            .Where(e => e.Id.EndsWith('*') ? ruleId.StartsWith(e.Id[..^1], StringComparison.Ordinal) : e.Id == ruleId)
            .OrderByDescending(e => e.Id.EndsWith('*') ? e.Id.Length - 1 : int.MaxValue)
            .FirstOrDefault();
        if (entry is not null)
        {
            return new RuleDescription
            {
                Id = ruleId,
                Title = entry.Title,
                Description = entry.Description,
                Help = entry.Help ?? example?.Hint,
                HelpUri = entry.HelpUri ?? exampleUri,
            };
        }

        string subject = example?.Kind is { Length: > 0 } k ? k + ": " : string.Empty;
        return new RuleDescription
        {
            Id = ruleId,
            Title = example is null ? ruleId : subject + FirstLine(example.Message),
            Description = example is null ? $"EksAutoMode check {ruleId}." : $"EksAutoMode check {ruleId}: {FirstLine(example.Text)}",
            Help = example?.Hint,
            HelpUri = exampleUri,
        };
    }

    /// <summary>A message template with its {placeholders} shown as "…".</summary>
    private static string Template(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"(?<!\$)\{[A-Za-z][A-Za-z0-9]*\}", "…").TrimEnd('.');

    private static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(new[] { '\r', '\n' });
        return nl < 0 ? text : text[..nl];
    }

    private static IReadOnlyList<RuleDescription> Load()
    {
        var doc = ManifestReader.ReadText(EmbeddedData.ReadText("Reporting", "rule-descriptions.yaml")).Documents.Single();
        return doc.Root.GetSequence("rules")!.Items.OfType<MappingNode>()
            .Select(r => new RuleDescription
            {
                Id = r.GetString("id")!,
                Title = r.GetString("title")!,
                Description = r.GetString("description")!,
                Help = r.GetString("help"),
                HelpUri = r.GetString("helpUri"),
            })
            .ToList();
    }
}
