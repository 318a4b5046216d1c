using System.Management.Automation;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>Converts Auto Mode NodeClass/NodePool manifests to OSS Karpenter EC2NodeClass/NodePool, with notes on everything that could not be carried over.</summary>
[Cmdlet(VerbsData.ConvertTo, "OssKarpenter", DefaultParameterSetName = "Path", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConversionResult), typeof(string))]
public sealed class ConvertToOssKarpenterCommand : ConversionCommandBase
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AmiAliasCompleter))]
    public string AmiAlias { get; set; } = "bottlerocket@latest";

    [Parameter]
    [ValidateRange(1, 64)]
    public int MetadataHopLimit { get; set; } = 1;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? SubnetSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? SecurityGroupSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClusterName { get; set; }

    protected override ConversionDirection Direction => ConversionDirection.AutoToOss;

    protected override string Activity => "Converting Auto Mode manifests to OSS Karpenter";

    protected override ConversionOptions BuildOptions() => new()
    {
        AmiAlias = AmiAlias,
        MetadataHopLimit = MetadataHopLimit,
        SubnetSelectorTerms = ToTerms(SubnetSelector, "subnet-", allowName: false, "-SubnetSelector"),
        SecurityGroupSelectorTerms = ToTerms(SecurityGroupSelector, "sg-", allowName: true, "-SecurityGroupSelector"),
        ClusterName = ClusterName,
        PassThruOtherKinds = PassThruOtherKinds,
    };
}
