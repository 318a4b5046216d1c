using System.Management.Automation;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Completers;

/// <summary>Completes -KarpenterVersion with the Karpenter minor versions whose CRD schemas are bundled (newest first).</summary>
public sealed class KarpenterVersionCompleter : OfflineCompleter
{
    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string commandName, string word) =>
        KarpenterVersions.All.Reverse().Select(v => (v, v == KarpenterVersions.Default ? $"Karpenter {v} (bundled, default)" : $"Karpenter {v} (bundled)"));
}

/// <summary>
/// The ValidateSet of -KarpenterVersion, built from the bundled versions (1.15, v1.15 and 1.15.0 all mean 1.15).
/// A version without a bundled schema is a parameter validation error that lists the bundled ones.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateKarpenterVersionAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        string? text = (arguments is PSObject p ? p.BaseObject : arguments)?.ToString();
        if (KarpenterVersions.TryResolve(text) is null || string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationMetadataException(
                $"'{text}' is not a bundled Karpenter version. Bundled: {string.Join(", ", KarpenterVersions.All)} (default {KarpenterVersions.Default}). For another version pass its CRDs with -CrdPath, or validate against the cluster with -ClusterName or -KubeConfigPath.");
        }
    }
}
