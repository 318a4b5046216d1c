using System.Management.Automation;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Commands;

/// <summary>Validates eks.amazonaws.com/v1 NodeClass and karpenter.k8s.aws/v1 EC2NodeClass manifests offline.</summary>
[Cmdlet(VerbsDiagnostic.Test, "NodeClassSpec", DefaultParameterSetName = "Path")]
[OutputType(typeof(ValidationFinding), typeof(bool))]
public sealed class TestNodeClassSpecCommand : TestManifestCommandBase
{
    protected override string Activity => "Validating NodeClass manifests";

    protected override string CheckedKinds => "NodeClass or EC2NodeClass";

    protected override bool Covers(ManifestDocument document) => document.Kind is "NodeClass" or "EC2NodeClass";
}
