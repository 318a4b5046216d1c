using System.Management.Automation;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Commands;

/// <summary>Validates karpenter.sh/v1 NodePool manifests offline, for Auto Mode or OSS Karpenter.</summary>
[Cmdlet(VerbsDiagnostic.Test, "NodePoolSpec", DefaultParameterSetName = "Path")]
[OutputType(typeof(ValidationFinding), typeof(bool))]
public sealed class TestNodePoolSpecCommand : TestManifestCommandBase
{
    protected override string Activity => "Validating NodePool manifests";

    protected override string CheckedKinds => "NodePool";

    protected override bool Covers(ManifestDocument document) => document.Kind == "NodePool";
}
