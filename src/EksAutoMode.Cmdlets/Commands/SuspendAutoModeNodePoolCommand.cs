using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Operations;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Nightly or weekend stop for an Auto Mode NodePool: records the pool's spec.limits (and spec.replicas of a static
/// pool) in an annotation, sets limits so no node can launch, and deletes the pool's NodeClaims so Auto Mode drains
/// their nodes honouring PDBs. Idempotent; built-in pools need -Force; refuses instead of prompting in
/// non-interactive hosts unless -Confirm:$false.
/// </summary>
[Cmdlet(VerbsLifecycle.Suspend, "AutoModeNodePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(NodePoolSuspension))]
public sealed class SuspendAutoModeNodePoolCommand : KubernetesChangeCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodePool", "NodePoolName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Allows suspending the built-in system and general-purpose pools.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits until the pool has no NodeClaims left.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (default 15 minutes).</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    protected override void ProcessRecord()
    {
        var connection = GetKubernetesConnection();
        var suspension = new EksAutoMode.Engine.Operations.NodePoolSuspension(new KubernetesObjectClient(connection));
        foreach (string raw in Name)
        {
            string name = raw.Trim();
            try
            {
                if (EksAutoMode.Engine.Operations.NodePoolSuspension.BuiltInPools.Contains(name) && !Force)
                {
                    // Refused before asking: the answer would not matter.
                    RunAws(ct => suspension.SuspendAsync(name, force: false, ct));
                }

                string plan = RunAws(ct => suspension.DescribeSuspendAsync(name, ct));
                if (!ShouldChange($"NodePool {name} ({ClusterLabel(connection)})", $"Suspend: {plan}"))
                {
                    continue;
                }

                NodePoolOperationResult result = RunAws(ct => suspension.SuspendAsync(name, Force, ct));
                WriteVerbose(result.Message);
                if (Wait && result.RemainingNodeClaims > 0)
                {
                    WriteProgress(new ProgressRecord(1, "Suspending NodePool " + name, $"Waiting for {result.RemainingNodeClaims} NodeClaim(s) to drain"));
                    result = RunAws(ct => suspension.WaitEmptyAsync(result, Timeout, ct));
                    CompleteProgress("Suspending NodePool " + name);
                    if (result.TimedOut)
                    {
                        WriteError("NodePoolDrainTimeout", ErrorCategory.OperationTimeout, $"NodePool '{name}': {result.Message}", name,
                            "Resolve the PodDisruptionBudget or karpenter.sh/do-not-disrupt pods listed, or wait longer; Auto Mode finishes the drain on its own.");
                    }
                }

                WriteObject(ToOutput(result, ClusterLabel(connection)));
            }
            catch (EngineException ex)
            {
                WriteEngineError(ex);
            }
        }
    }

    internal static EksAutoMode.NodePoolSuspension ToOutput(NodePoolOperationResult r, string cluster) => new()
    {
        ClusterName = cluster,
        Name = r.NodePool,
        Action = r.Action,
        OriginalLimits = r.OriginalLimits,
        OriginalReplicas = r.OriginalReplicas,
        SuspendedAt = r.SuspendedAt,
        NodeClaimsDeleted = r.NodeClaimsDeleted,
        RemainingNodeClaims = r.RemainingNodeClaims,
        HeldBy = r.HeldBy.ToArray(),
        TimedOut = r.TimedOut,
        Message = r.Message,
    };
}
