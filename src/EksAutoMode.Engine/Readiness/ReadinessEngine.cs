namespace EksAutoMode.Engine.Readiness;

/// <summary>One evaluated check.</summary>
public sealed record ReadinessResult(ReadinessCheck Check, ReadinessStatus Status, string Message, IReadOnlyList<ReadinessEvidence> Evidence, string? SkipReason,
    string? PolicyJson = null)
{
    public bool IsBlockingFailure => Status == ReadinessStatus.Fail && Check.Severity == ReadinessSeverity.Blocker;
}

/// <summary>The rows to evaluate against one cluster, with the shared data cache.</summary>
public sealed record ReadinessPlan(ReadinessData Data, KubernetesMinor? Target, IReadOnlyList<ReadinessPlan.Step> Steps)
{
    /// <summary>A row; <see cref="Preset"/> is its result when it is not evaluated (version out of range).</summary>
    public sealed record Step(ReadinessCheck Check, ReadinessResult? Preset);
}

/// <summary>Which rows to evaluate.</summary>
public sealed record ReadinessFilter
{
    /// <summary>Ids or wildcard patterns (<c>AMR-NET-*</c>); empty = all.</summary>
    public IReadOnlyList<string> CheckIds { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Categories { get; init; } = Array.Empty<string>();
    public IReadOnlyList<ReadinessSeverity> Severities { get; init; } = Array.Empty<ReadinessSeverity>();

    public bool Selects(ReadinessCheck check) =>
        (CheckIds.Count == 0 || CheckIds.Any(p => Wildcard(p, check.Id)))
        && (Categories.Count == 0 || Categories.Contains(check.Category, StringComparer.OrdinalIgnoreCase))
        && (Severities.Count == 0 || Severities.Contains(check.Severity));

    /// <summary>True when the id was named exactly (not by a pattern or no filter).</summary>
    public bool NamesExactly(ReadinessCheck check) => CheckIds.Any(p => string.Equals(p.Trim(), check.Id, StringComparison.OrdinalIgnoreCase));

    private static bool Wildcard(string pattern, string id) =>
        System.Text.RegularExpressions.Regex.IsMatch(id, "^" + System.Text.RegularExpressions.Regex.Escape(pattern.Trim()).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking);
}

/// <summary>
/// Runs the readiness rows (AMR-*) of the catalogue against a cluster. Rows whose Kubernetes version range does not
/// include the target are left out (or Skipped when named exactly with -CheckId). A data source failure (403,
/// AccessDenied, no cluster name …) makes the rows that need it Skipped with the reason, never Pass.
/// </summary>
public static class ReadinessEngine
{
    public static async Task<IReadOnlyList<ReadinessResult>> RunAsync(IReadinessSource source, ReadinessFilter filter, string? targetKubernetesVersion,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ReadinessPlan plan = await PlanAsync(source, filter, targetKubernetesVersion, now, cancellationToken).ConfigureAwait(false);
        var results = new List<ReadinessResult>();
        foreach (ReadinessPlan.Step step in plan.Steps)
        {
            results.Add(step.Preset ?? await EvaluateAsync(step.Check, plan.Data, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Resolves the target version and the rows to evaluate (callers evaluate step by step, e.g. to report progress).</summary>
    public static async Task<ReadinessPlan> PlanAsync(IReadinessSource source, ReadinessFilter filter, string? targetKubernetesVersion,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        KubernetesMinor? target = null;
        if (!string.IsNullOrWhiteSpace(targetKubernetesVersion))
        {
            target = KubernetesMinor.Parse(targetKubernetesVersion)
                ?? throw new EngineException("InvalidKubernetesVersion", ErrorKind.InvalidArgument, $"'{targetKubernetesVersion}' is not a Kubernetes version such as 1.31.", targetKubernetesVersion);
        }

        var data = new ReadinessData(source, target, now);
        if (target is null)
        {
            try
            {
                target = (await data.CurrentVersionAsync(cancellationToken).ConfigureAwait(false)).Version;
                data = new ReadinessData(source, target, now, data);
            }
            catch (EngineException)
            {
                target = null; // every row applies; the version check itself reports why
            }
        }

        var steps = new List<ReadinessPlan.Step>();
        foreach (ReadinessCheck check in ReadinessCatalogue.Readiness.Where(filter.Selects))
        {
            if (check.AppliesTo(target))
            {
                steps.Add(new ReadinessPlan.Step(check, null));
            }
            else if (filter.NamesExactly(check))
            {
                string reason = $"Applies to Kubernetes {check.KubernetesVersions}; the target is {target}.";
                steps.Add(new ReadinessPlan.Step(check, new ReadinessResult(check, ReadinessStatus.Skipped, reason, Array.Empty<ReadinessEvidence>(), reason)));
            }
        }

        return new ReadinessPlan(data, target, steps);
    }

    public static Task<ReadinessResult> EvaluateAsync(ReadinessCheck check, ReadinessData data, CancellationToken cancellationToken) =>
        GuardAsync(check, ct => ReadinessEvaluators.EvaluateAsync(check, data, ct), cancellationToken);

    /// <summary>Runs one evaluation: no evidence = Pass, evidence = the row's onMatch (or the outcome's status), a data failure = Skipped with the reason.</summary>
    public static async Task<ReadinessResult> GuardAsync(ReadinessCheck check, Func<CancellationToken, Task<ReadinessOutcome>> evaluate, CancellationToken cancellationToken)
    {
        try
        {
            ReadinessOutcome outcome = await evaluate(cancellationToken).ConfigureAwait(false);
            ReadinessStatus status = outcome.Evidence.Count == 0 ? outcome.Status ?? ReadinessStatus.Pass : outcome.Status ?? check.OnMatch;
            return new ReadinessResult(check, status, outcome.Message, outcome.Evidence, status == ReadinessStatus.Skipped ? outcome.Message : null, outcome.PolicyJson);
        }
        catch (EngineException ex) when (!cancellationToken.IsCancellationRequested)
        {
            string reason = ex.Kind == ErrorKind.PermissionDenied ? "No permission: " + ex.Message : ex.Message;
            return new ReadinessResult(check, ReadinessStatus.Skipped, "Not evaluated. " + reason, Array.Empty<ReadinessEvidence>(), reason);
        }
    }
}
