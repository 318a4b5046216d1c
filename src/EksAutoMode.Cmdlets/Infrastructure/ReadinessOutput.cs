using EksAutoMode.Engine.Readiness;

namespace EksAutoMode.Infrastructure;

/// <summary>Engine readiness results → the output types PowerShell sees (shared by the readiness and IAM cmdlets).</summary>
internal static class ReadinessOutput
{
    public static AutoModeReadinessFinding Finding(ReadinessResult r, string? cluster, string? policyJson = null) => new()
    {
        CheckId = r.Check.Id,
        Category = r.Check.Category,
        Title = r.Check.Title,
        Status = ((AutoModeCheckStatus)(int)r.Status).ToString(),
        Severity = ((AutoModeCheckSeverity)(int)r.Check.Severity).ToString(),
        Message = r.Message,
        Evidence = r.Evidence.Select(e => new AutoModeCheckEvidence { Kind = e.Kind, Namespace = e.Namespace, Name = e.Name, Value = e.Value }).ToArray(),
        Remediation = r.Check.Remediation,
        DocUrl = r.Check.DocUrl,
        SkipReason = r.SkipReason,
        PolicyJson = policyJson,
        ClusterName = cluster,
        Source = r.Check.Source,
        AsOf = r.Check.AsOf,
    };

    public static AutoModeReadinessCheck Check(ReadinessCheck c) => new()
    {
        Id = c.Id,
        Category = c.Category,
        Title = c.Title,
        Severity = ((AutoModeCheckSeverity)(int)c.Severity).ToString(),
        KubernetesVersions = c.KubernetesVersions,
        AppliesSince = c.AppliesSince,
        Remediation = c.Remediation,
        DocUrl = c.DocUrl,
        Source = c.Source,
        AsOf = c.AsOf,
    };

    public static ReadinessFilter Filter(string[]? ids, string[]? categories, string[]? severities) => new()
    {
        CheckIds = ids ?? Array.Empty<string>(),
        Categories = categories ?? Array.Empty<string>(),
        Severities = (severities ?? Array.Empty<string>()).Select(s => Enum.Parse<ReadinessSeverity>(s, true)).ToArray(),
    };
}
