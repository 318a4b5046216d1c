using System.Management.Automation;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists NodePools with their class, limits against usage, expiry and maximum node life, disruption settings, readiness and diagnosis.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNodePool")]
[OutputType(typeof(AutoModeNodePool))]
public sealed class GetAutoModeNodePoolCommand : ClusterFanOutCmdlet
{
    private WildcardPattern[]? _names;

    /// <summary>NodePool names to keep (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _names = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
    }

    protected override async Task ReadClusterAsync(ClusterTarget target, KubernetesListReader reader, ClusterSink sink, CancellationToken cancellationToken)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        sink.Progress(target.Name, "Reading NodePools", null);
        AutoModeObjects objects = await new InventoryDiagnosis(reader).ReadAsync(target.Name, AutoModeObjectKinds.NodePools | AutoModeObjectKinds.NodeClasses | AutoModeObjectKinds.NodeClaims | AutoModeObjectKinds.PendingPods, now, cancellationToken).ConfigureAwait(false);
        foreach (var item in objects.NodePools)
        {
            if (_names is null || _names.Any(p => p.IsMatch(item.Name)))
            {
                sink.Emit(InventoryMapping.ToOutput(item));
            }
        }
    }
}
