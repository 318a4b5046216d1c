using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Operations;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Restores what Suspend-AutoModeNodePool recorded (spec.limits byte-for-byte, spec.replicas of a static pool) and
/// removes the record; Auto Mode then launches nodes again as pods need them. A pool that was never suspended is
/// an error.
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "AutoModeNodePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(NodePoolSuspension))]
public sealed class ResumeAutoModeNodePoolCommand : KubernetesChangeCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodePool", "NodePoolName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        var connection = GetKubernetesConnection();
        var suspension = new EksAutoMode.Engine.Operations.NodePoolSuspension(new KubernetesObjectClient(connection));
        foreach (string raw in Name)
        {
            string name = raw.Trim();
            try
            {
                string plan = RunAws(ct => suspension.DescribeResumeAsync(name, ct));
                if (!ShouldChange($"NodePool {name} ({ClusterLabel(connection)})", $"Resume: {plan}"))
                {
                    continue;
                }

                NodePoolOperationResult result = RunAws(ct => suspension.ResumeAsync(name, ct));
                WriteVerbose(result.Message);
                WriteObject(SuspendAutoModeNodePoolCommand.ToOutput(result, ClusterLabel(connection)));
            }
            catch (EngineException ex)
            {
                WriteEngineError(ex);
            }
        }
    }
}
