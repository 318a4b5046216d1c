using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Knowledge;

namespace EksAutoMode.Engine.Common;

/// <summary>
/// Values for tab completion, all from embedded data: completion must answer at once and never reach AWS or a
/// cluster (no credentials chain, no network wait, no prompt while a user presses Tab).
/// </summary>
public static class CompletionValues
{
    /// <summary>The built-in Auto Mode NodePools (system, general-purpose).</summary>
    public static IReadOnlyList<string> BuiltInNodePools => ComputeTypeResolver.BuiltInNodePools;

    /// <summary>The built-in Auto Mode NodeClass.</summary>
    public static IReadOnlyList<string> BuiltInNodeClasses => new[] { ConversionData.Instance.Defaults.BuiltInNodeClass };

    /// <summary>family@latest for every AMI family ConvertTo-OssKarpenter accepts, with its note (deprecation).</summary>
    public static IEnumerable<(string Alias, string Description)> AmiAliases =>
        ConversionData.Instance.Defaults.AmiFamilies.Select(kv => ($"{kv.Key}@latest", kv.Value.Warning ?? $"amiFamily {kv.Value.AmiFamily}"));

    /// <summary>Taint effects Kubernetes accepts.</summary>
    public static IReadOnlyList<string> TaintEffects => TaintSpec.Effects;

    /// <summary>Topics of the differences catalogue (Get-AutoModeDifference -Topic).</summary>
    public static IEnumerable<string> DifferenceTopics => DifferenceCatalog.All.Select(f => f.Topic);
}
