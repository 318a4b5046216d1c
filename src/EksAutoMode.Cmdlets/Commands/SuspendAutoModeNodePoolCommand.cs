using System.Management.Automation;
using EksAutoMode.Engine.Operations;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Nightly or weekend stop for an Auto Mode NodePool: records the pool's spec.limits (and spec.replicas of a static
/// pool) in an annotation, blocks launches (limits cpu/memory 0; a static pool's replicas 0, its limits untouched),
/// and deletes the pool's NodeClaims so Auto Mode drains their nodes honouring PDBs. Idempotent; built-in pools need -Force; refuses instead of prompting in
/// non-interactive hosts unless -Confirm:$false.
/// </summary>
[Cmdlet(VerbsLifecycle.Suspend, "AutoModeNodePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EksAutoMode.NodePoolSuspension))]
public sealed class SuspendAutoModeNodePoolCommand : NodePoolChangeCmdlet
{
    /// <summary>Allows suspending the built-in system and general-purpose pools.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits until the pool has no NodeClaims left.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (default 15 minutes).</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    protected override void ProcessPool(string name, Engine.Operations.NodePoolSuspension suspension, string cluster)
    {
        if (Engine.Operations.NodePoolSuspension.BuiltInPools.Contains(name) && !Force)
        {
            // Refused before asking: the answer would not matter.
            RunAws(ct => suspension.SuspendAsync(name, force: false, ct));
        }

        string plan = RunAws(ct => suspension.DescribeSuspendAsync(name, ct));
        if (!ShouldChange($"NodePool {name} ({cluster})", $"Suspend: {plan}"))
        {
            return;
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

        WriteObject(ToOutput(result, cluster));
    }
}
