using Amazon;

namespace EksAutoMode.Engine.Aws;

/// <summary>An AWS Region as AWSSDK.Core knows it.</summary>
public sealed record AwsRegionInfo(string SystemName, string DisplayName);

/// <summary>The Regions known to the bundled AWSSDK.Core (used by -Region completion).</summary>
public static class AwsRegions
{
    private static readonly Lazy<IReadOnlyList<AwsRegionInfo>> s_all = new(() =>
        RegionEndpoint.EnumerableAllRegions
            .Select(r => new AwsRegionInfo(r.SystemName, r.DisplayName))
            .OrderBy(r => r.SystemName, StringComparer.Ordinal)
            .ToArray());

    public static IReadOnlyList<AwsRegionInfo> All => s_all.Value;

    /// <summary>Where the SDK that answered was loaded from (diagnostics and the isolation tests).</summary>
    public static string SdkAssemblyLocation => typeof(RegionEndpoint).Assembly.Location;
}
