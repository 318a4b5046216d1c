using System.Reflection;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EksAutoMode.Engine.Conversion;

/// <summary>The conversion tables (Data/Conversion/*.yaml), loaded once from embedded resources.</summary>
internal sealed class ConversionData
{
    private static readonly Lazy<ConversionData> s_instance = new(Load);

    public static ConversionData Instance => s_instance.Value;

    public required LabelKeyTable Labels { get; init; }
    public required NodeClassFieldTable Fields { get; init; }
    public required DefaultsTable Defaults { get; init; }

    /// <summary>Auto Mode key → OSS key.</summary>
    public IReadOnlyDictionary<string, string> AutoToOssKeys { get; private init; } = new Dictionary<string, string>();

    /// <summary>OSS key → Auto Mode key.</summary>
    public IReadOnlyDictionary<string, string> OssToAutoKeys { get; private init; } = new Dictionary<string, string>();

    private static ConversionData Load()
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build();
        T Read<T>(string file)
        {
            using Stream stream = EmbeddedData.Open("Conversion", file);
            using var reader = new StreamReader(stream);
            return deserializer.Deserialize<T>(reader);
        }

        var labels = Read<LabelKeyTable>("label-keys.yaml");
        return new ConversionData
        {
            Labels = labels,
            Fields = Read<NodeClassFieldTable>("nodeclass-fields.yaml"),
            Defaults = Read<DefaultsTable>("defaults.yaml"),
            AutoToOssKeys = new Dictionary<string, string>(labels.Pairs, StringComparer.Ordinal),
            OssToAutoKeys = labels.Pairs.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal),
        };
    }
}

internal sealed class LabelKeyTable
{
    public List<string> Sources { get; set; } = new();
    public string AsOf { get; set; } = "";
    public Dictionary<string, string> Pairs { get; set; } = new();
    public Dictionary<string, string> AutoOnly { get; set; } = new();
    public Dictionary<string, string> OssOnly { get; set; } = new();
    public Dictionary<string, Dictionary<string, string>> UnsupportedValues { get; set; } = new();
}

internal sealed class FieldNote
{
    public string Path { get; set; } = "";
    public string? AutoPath { get; set; }
    public string? Default { get; set; }
    public string? DefaultMessage { get; set; }
    public string Message { get; set; } = "";
}

internal sealed class NodeClassFieldTable
{
    public List<string> Sources { get; set; } = new();
    public string AsOf { get; set; } = "";
    public List<FieldNote> AutoOnly { get; set; } = new();
    public List<FieldNote> OssOnly { get; set; } = new();
    public List<FieldNote> Unverified { get; set; } = new();

    public FieldNote Auto(string path) => AutoOnly.First(f => f.Path == path);
    public FieldNote Oss(string path) => OssOnly.First(f => f.Path == path);
    public FieldNote Unverifed(string path) => Unverified.First(f => f.Path == path);
}

internal sealed class GroupInfo
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Group { get; set; } = "";
}

internal sealed class AmiFamilyInfo
{
    public string AmiFamily { get; set; } = "";
    public string DataDevice { get; set; } = "";
    public bool RootVolume { get; set; }
    public OsVolumeInfo? OsVolume { get; set; }
    public string? Warning { get; set; }
}

internal sealed class OsVolumeInfo
{
    public string DeviceName { get; set; } = "";
    public string VolumeSize { get; set; } = "";
}

internal sealed class EphemeralDefaults
{
    public string Size { get; set; } = "80Gi";
    public long Iops { get; set; } = 3000;
    public long Throughput { get; set; } = 125;
    public List<long> IopsRange { get; set; } = new();
    public List<long> ThroughputRange { get; set; } = new();
}

internal sealed class LifetimeInfo
{
    public int MaxTotalHours { get; set; } = 504;
    public string DefaultTerminationGracePeriod { get; set; } = "24h";
}

internal sealed class ControllerMetadata
{
    public List<string> Fields { get; set; } = new();
    public List<string> Annotations { get; set; } = new();
    public Dictionary<string, string> Labels { get; set; } = new();
}

internal sealed class DefaultsTable
{
    public List<string> Sources { get; set; } = new();
    public string AsOf { get; set; } = "";
    public Dictionary<string, GroupInfo> Groups { get; set; } = new();
    public EphemeralDefaults EphemeralStorage { get; set; } = new();
    public string DefaultAmiAlias { get; set; } = "bottlerocket@latest";
    public Dictionary<string, AmiFamilyInfo> AmiFamilies { get; set; } = new();
    public List<string> RejectedAmiFamilies { get; set; } = new();
    public Dictionary<string, string> MetadataOptions { get; set; } = new();
    public LifetimeInfo Lifetime { get; set; } = new();
    public Dictionary<string, List<string>> RestrictedTags { get; set; } = new();
    public string DiscoveryTagKey { get; set; } = "karpenter.sh/discovery";
    public string BuiltInNodeClass { get; set; } = "default";
    public string ReservedNameSuffix { get; set; } = "-migrated";
    public List<string> BuiltInNodePools { get; set; } = new();
    public ControllerMetadata ControllerMetadata { get; set; } = new();

    public GroupInfo AutoNodeClass => Groups["autoNodeClass"];
    public GroupInfo OssNodeClass => Groups["ossNodeClass"];
    public GroupInfo NodePool => Groups["nodePool"];

    public static bool MatchesRestricted(IEnumerable<string> patterns, string key) =>
        patterns.Any(p => p.EndsWith('*') ? key.StartsWith(p[..^1], StringComparison.Ordinal) : key == p);
}
