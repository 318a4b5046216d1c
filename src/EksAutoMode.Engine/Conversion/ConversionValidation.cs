using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Engine.Conversion;

/// <summary>The target-schema check of converted documents, by the validation engine (<see cref="ManifestValidator"/>).</summary>
internal static class ConversionValidation
{
    /// <summary>
    /// Error findings of the converted document as "path: message (rule)". Warnings and infos are not failures
    /// (they are the validator's advice, e.g. about fields newer than its bundled schema). NodePools are checked
    /// for the world their nodeClassRef points at (Auto Mode or Karpenter).
    /// </summary>
    public static IReadOnlyList<string> Check(ManifestDocument document) =>
        ManifestValidator.Validate(document)
            .Where(f => f.Severity == FindingSeverity.Error)
            .Select(f => $"{f.ApiServerText} ({f.RuleId})")
            .ToList();

    /// <summary>All findings (any severity), for tests and diagnostics.</summary>
    internal static IReadOnlyList<ManifestFinding> Findings(ManifestDocument document) => ManifestValidator.Validate(document);
}
