using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Readiness;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Judges whether a standard EKS cluster is ready for Auto Mode: one finding per catalogue check (Pass, Fail,
/// Warn, Skipped with the reason) with the objects that triggered it. -Quiet returns $true only when no Blocker
/// fails. -ListAvailable lists the catalogue without connecting.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AutoModeReadiness", DefaultParameterSetName = CheckSet)]
[OutputType(typeof(AutoModeReadinessFinding), ParameterSetName = new[] { CheckSet })]
[OutputType(typeof(bool), ParameterSetName = new[] { CheckSet })]
[OutputType(typeof(AutoModeReadinessCheck), ParameterSetName = new[] { ListSet })]
public sealed class TestAutoModeReadinessCommand : KubernetesCmdlet
{
    private const string CheckSet = "Check";
    private const string ListSet = "ListAvailable";
    private const string Activity = "Checking Auto Mode readiness";

    /// <summary>The Kubernetes version the cluster will run under Auto Mode (default: its current version).</summary>
    [Parameter(ParameterSetName = CheckSet)]
    [ValidatePattern(@"^v?\d{1,3}\.\d{1,3}")]
    public string? TargetKubernetesVersion { get; set; }

    [Parameter(ParameterSetName = CheckSet)]
    [Parameter(ParameterSetName = ListSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? CheckId { get; set; }

    [Parameter(ParameterSetName = CheckSet)]
    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet("Networking", "LoadBalancing", "Storage", "Compute", "Workloads", "Security", "Addons", "Cluster")]
    public string[]? Category { get; set; }

    [Parameter(ParameterSetName = CheckSet)]
    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet("Blocker", "Warning", "Info")]
    public string[]? Severity { get; set; }

    /// <summary>Return only $true (no Blocker fails) or $false.</summary>
    [Parameter(ParameterSetName = CheckSet)]
    public SwitchParameter Quiet { get; set; }

    /// <summary>List the check catalogue instead of checking a cluster.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ListSet)]
    public SwitchParameter ListAvailable { get; set; }

    protected override void ProcessRecord()
    {
        ReadinessFilter filter = ReadinessOutput.Filter(CheckId, Category, Severity);
        if (ListAvailable)
        {
            foreach (ReadinessCheck check in ReadinessCatalogue.Readiness.Where(filter.Selects))
            {
                WriteObject(ReadinessOutput.Check(check));
            }

            return;
        }

        // With a kubeconfig: one cluster (the first -ClusterName, if any, names it for the EKS checks).
        // Otherwise one run per -ClusterName (pipeline input from Get-EKSCluster / Get-AutoModeCluster works).
        IReadOnlyList<string?> names = UsesKubeConfig || ClusterName is not { Length: > 0 }
            ? new[] { ClusterName?.FirstOrDefault() }
            : ClusterName.Select(n => (string?)n).ToArray();
        foreach (string? name in names)
        {
            AwsSession? session = name is null ? null : GetAwsSession();
            KubernetesConnection? connection = TryOpenConnection(name, session, out EngineException? error);
            if (connection is null)
            {
                WriteEngineError(error!);
                continue;
            }

            using (connection)
            {
                foreach (string warning in connection.Warnings)
                {
                    WriteWarning(warning);
                }

                Check(connection, session, name, filter);
            }
        }
    }

    private void Check(KubernetesConnection connection, AwsSession? session, string? clusterName, ReadinessFilter filter)
    {
        var source = new LiveReadinessSource(connection, session, clusterName, line => WriteVerboseLater(line));
        ReadinessPlan plan;
        try
        {
            plan = RunAws(ct => ReadinessEngine.PlanAsync(source, filter, TargetKubernetesVersion, DateTimeOffset.UtcNow, ct));
        }
        catch (EngineException ex)
        {
            WriteEngineError(ex);
            return;
        }

        string label = clusterName ?? connection.ClusterName ?? connection.Server;
        WriteVerbose($"{label}: target Kubernetes version {plan.Target?.ToString() ?? "unknown"}; {plan.Steps.Count} check(s).");
        bool blocked = false;
        for (int i = 0; i < plan.Steps.Count; i++)
        {
            ReadinessPlan.Step step = plan.Steps[i];
            WriteItemProgress(Activity, i, plan.Steps.Count, $"{label}: {step.Check.Id} {step.Check.Title}");
            ReadinessResult result = step.Preset ?? RunAws(ct => ReadinessEngine.EvaluateAsync(step.Check, plan.Data, ct));
            DrainLater();
            blocked |= result.IsBlockingFailure;
            if (result.Status == ReadinessStatus.Skipped)
            {
                WriteVerbose($"{result.Check.Id} skipped: {result.SkipReason}");
            }

            if (!Quiet)
            {
                WriteObject(ReadinessOutput.Finding(result, clusterName ?? connection.ClusterName));
            }
        }

        CompleteProgress(Activity);
        if (Quiet)
        {
            WriteObject(!blocked);
        }
    }

    protected override void EndProcessing() => CompleteProgress(Activity);

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _later = new();

    private void WriteVerboseLater(string line) => _later.Enqueue(line);

    private void DrainLater()
    {
        while (_later.TryDequeue(out string? line))
        {
            WriteVerbose(line);
        }
    }
}
