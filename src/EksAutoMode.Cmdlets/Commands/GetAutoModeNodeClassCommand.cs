using System.Management.Automation;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists Auto Mode NodeClasses and OSS Karpenter EC2NodeClasses with role, instance profile, resolved subnets and security groups, storage, tags, readiness and diagnosis.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNodeClass")]
[OutputType(typeof(AutoModeNodeClass))]
public sealed class GetAutoModeNodeClassCommand : ClusterFanOutCmdlet
{
    private WildcardPattern[]? _names;

    /// <summary>NodeClass names to keep (wildcards).</summary>
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
        sink.Progress(target.Name, "Reading NodeClasses", null);
        AutoModeObjects objects = await new InventoryDiagnosis(reader).ReadAsync(target.Name, AutoModeObjectKinds.NodeClasses, now, cancellationToken).ConfigureAwait(false);
        foreach (var item in objects.NodeClasses)
        {
            if (_names is null || _names.Any(p => p.IsMatch(item.Name)))
            {
                sink.Emit(InventoryMapping.ToOutput(item));
            }
        }
    }
}
