using System.Management.Automation;
using EksAutoMode.Engine.Inventory;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists NodePools with their class, limits against usage, expiry and maximum node life, disruption settings, readiness and diagnosis.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNodePool")]
[OutputType(typeof(AutoModeNodePool))]
public sealed class GetAutoModeNodePoolCommand : InventoryObjectCommandBase
{
    private protected override AutoModeObjectKinds Kinds => AutoModeObjectKinds.NodePools | AutoModeObjectKinds.NodeClasses | AutoModeObjectKinds.NodeClaims | AutoModeObjectKinds.PendingPods;

    private protected override IEnumerable<(string Name, object Output)> Select(AutoModeObjects objects, DateTimeOffset now) =>
        objects.NodePools.Select(p => (p.Name, (object)InventoryMapping.ToOutput(p)));
}
