using System.Management.Automation;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>Converts OSS Karpenter EC2NodeClass/NodePool manifests to Auto Mode NodeClass/NodePool, with notes on everything Auto Mode cannot express.</summary>
[Cmdlet(VerbsData.ConvertFrom, "OssKarpenter", DefaultParameterSetName = "Path", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ConversionResult), typeof(string))]
public sealed class ConvertFromOssKarpenterCommand : ConversionCommandBase
{
    [Parameter]
    public SwitchParameter KeepExpireAfter { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaintCompleter))]
    public string[]? Taint { get; set; }

    protected override ConversionDirection Direction => ConversionDirection.OssToAuto;

    protected override string Activity => "Converting OSS Karpenter manifests to Auto Mode";

    protected override ConversionOptions BuildOptions() => new()
    {
        KeepExpireAfter = KeepExpireAfter,
        Taints = (Taint ?? Array.Empty<string>()).Select(TaintSpec.Parse).ToList(),
        PassThruOtherKinds = PassThruOtherKinds,
    };
}
