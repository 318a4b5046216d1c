using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Completers;

/// <summary>Completes -KarpenterVersion with the Karpenter minor versions whose CRD schemas are bundled (newest first).</summary>
public sealed class KarpenterVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (string version in KarpenterVersions.All.Reverse())
        {
            if (version.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            {
                string tip = version == KarpenterVersions.Default ? $"Karpenter {version} (bundled, default)" : $"Karpenter {version} (bundled)";
                yield return new CompletionResult(version, version, CompletionResultType.ParameterValue, tip);
            }
        }
    }
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
