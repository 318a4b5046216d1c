using System.Management.Automation;
using EksAutoMode.Engine.Inventory;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists NodeClaims with pool, node, instance, lifecycle conditions (Launched, Registered, Initialized, Ready) and a diagnosis of why a claim is stuck or failing.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNodeClaim")]
[OutputType(typeof(AutoModeNodeClaim))]
public sealed class GetAutoModeNodeClaimCommand : InventoryObjectCommandBase
{
    private protected override AutoModeObjectKinds Kinds => AutoModeObjectKinds.NodeClaims | AutoModeObjectKinds.NodeClasses;

    private protected override IEnumerable<(string Name, object Output)> Select(AutoModeObjects objects, DateTimeOffset now) =>
        objects.NodeClaims.Select(c => (c.Name, (object)InventoryMapping.ToOutput(c, now)));
}
