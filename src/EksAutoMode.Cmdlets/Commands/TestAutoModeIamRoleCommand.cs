using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Readiness;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Audits the IAM side of Auto Mode: the cluster role's managed policies and trust (sts:AssumeRole and
/// sts:TagSession), the node role's policies and trust, node role ≠ cluster role, EC2 access entries for custom
/// NodeClass roles and the tag-propagation statements custom tags need. Each finding names what is missing and
/// carries the JSON to add (PolicyJson).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AutoModeIamRole")]
[OutputType(typeof(AutoModeReadinessFinding), typeof(bool))]
public sealed class TestAutoModeIamRoleCommand : KubernetesCmdlet
{
    private const string Activity = "Auditing Auto Mode IAM roles";

    /// <summary>The cluster IAM role name (or ARN); default: DescribeCluster's roleArn.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ClusterRoleName { get; set; }

    /// <summary>The Auto Mode node IAM role name (or ARN); default: DescribeCluster's computeConfig.nodeRoleArn.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? NodeRoleName { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? CheckId { get; set; }

    /// <summary>Return only $true (no Blocker fails) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        AwsSession session = GetAwsSession();
        var filter = ReadinessOutput.Filter(CheckId, null, null);
        IReadOnlyList<string?> names = ClusterName is { Length: > 0 } ? ClusterName.Select(n => (string?)n).ToArray() : new string?[] { null };
        foreach (string? name in names)
        {
            IReadinessSource? source = null;
            KubernetesConnection? connection = null;
            if (name is not null || UsesKubeConfig)
            {
                connection = TryOpenConnection(name, session, out EngineException? error);
                if (error is not null)
                {
                    WriteVerbose($"Kubernetes objects will not be read: {error.Message}");
                }

                source = new LiveReadinessSource(connection, session, name, null, error);
            }

            using (connection)
            {
                var audit = new IamAudit(session, new IamAuditInput
                {
                    ClusterRoleName = IamAudit.RoleName(ClusterRoleName),
                    NodeRoleName = IamAudit.RoleName(NodeRoleName),
                    Cluster = source,
                }, DateTimeOffset.UtcNow);
                WriteItemProgress(Activity, 0, 1, name ?? ClusterRoleName ?? NodeRoleName ?? "roles");
                IReadOnlyList<ReadinessResult> results;
                try
                {
                    results = RunAws(ct => audit.RunAsync(filter, ct));
                }
                catch (EngineException ex)
                {
                    WriteEngineError(ex);
                    continue;
                }

                CompleteProgress(Activity);
                foreach (ReadinessResult r in results.Where(r => r.Status == ReadinessStatus.Skipped))
                {
                    WriteVerbose($"{r.Check.Id} skipped: {r.SkipReason}");
                }

                if (Quiet)
                {
                    WriteObject(!results.Any(r => r.IsBlockingFailure));
                }
                else
                {
                    foreach (ReadinessResult r in results)
                    {
                        WriteObject(ReadinessOutput.Finding(r, name, r.PolicyJson));
                    }
                }
            }
        }
    }

    protected override void EndProcessing() => CompleteProgress(Activity);
}
