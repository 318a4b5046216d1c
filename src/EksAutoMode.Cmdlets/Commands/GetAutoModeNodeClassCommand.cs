using System.Management.Automation;
using EksAutoMode.Engine.Inventory;

namespace EksAutoMode.Commands;

/// <summary>
/// Lists Auto Mode NodeClasses and OSS Karpenter EC2NodeClasses with role, instance profile, resolved subnets and security groups, storage, tags, readiness and diagnosis.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeNodeClass")]
[OutputType(typeof(AutoModeNodeClass))]
public sealed class GetAutoModeNodeClassCommand : InventoryObjectCommandBase
{
    private protected override AutoModeObjectKinds Kinds => AutoModeObjectKinds.NodeClasses;

    private protected override IEnumerable<(string Name, object Output)> Select(AutoModeObjects objects, DateTimeOffset now) =>
        objects.NodeClasses.Select(c => (c.Name, (object)InventoryMapping.ToOutput(c)));
}
