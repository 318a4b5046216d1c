using System.Management.Automation;
using EksAutoMode.Engine.Operations;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Restores what Suspend-AutoModeNodePool recorded (spec.limits byte-for-byte, spec.replicas of a static pool) and
/// removes the record; Auto Mode then launches nodes again as pods need them. A pool that was never suspended is
/// an error.
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "AutoModeNodePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EksAutoMode.NodePoolSuspension))]
public sealed class ResumeAutoModeNodePoolCommand : NodePoolChangeCmdlet
{
    protected override void ProcessPool(string name, Engine.Operations.NodePoolSuspension suspension, string cluster)
    {
        string plan = RunAws(ct => suspension.DescribeResumeAsync(name, ct));
        if (!ShouldChange($"NodePool {name} ({cluster})", $"Resume: {plan}"))
        {
            return;
        }

        NodePoolOperationResult result = RunAws(ct => suspension.ResumeAsync(name, ct));
        WriteVerbose(result.Message);
        WriteObject(ToOutput(result, cluster));
    }
}
