using System.Management.Automation;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Commands;

/// <summary>Validates any mix of NodeClass, EC2NodeClass and NodePool manifests offline (e.g. a whole GitOps folder).</summary>
[Cmdlet(VerbsDiagnostic.Test, "AutoModeManifest", DefaultParameterSetName = "Path")]
[OutputType(typeof(ValidationFinding), typeof(bool))]
public sealed class TestAutoModeManifestCommand : TestManifestCommandBase
{
    protected override string Activity => "Validating Auto Mode manifests";

    protected override bool Covers(ManifestDocument document) => true;
}
