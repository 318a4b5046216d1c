using System.Management.Automation;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists NodeClaims with pool, node, instance, lifecycle conditions (Launched, Registered, Initialized, Ready) and a diagnosis of why a claim is stuck or failing.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNodeClaim")]
[OutputType(typeof(AutoModeNodeClaim))]
public sealed class GetAutoModeNodeClaimCommand : ClusterFanOutCmdlet
{
    private WildcardPattern[]? _names;

    /// <summary>NodeClaim names to keep (wildcards).</summary>
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
        sink.Progress(target.Name, "Reading NodeClaims", null);
        AutoModeObjects objects = await new InventoryDiagnosis(reader).ReadAsync(target.Name, AutoModeObjectKinds.NodeClaims | AutoModeObjectKinds.NodeClasses, now, cancellationToken).ConfigureAwait(false);
        foreach (var item in objects.NodeClaims)
        {
            if (_names is null || _names.Any(p => p.IsMatch(item.Name)))
            {
                sink.Emit(InventoryMapping.ToOutput(item, now));
            }
        }
    }
}
