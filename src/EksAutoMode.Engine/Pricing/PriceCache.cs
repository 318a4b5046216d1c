using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EksAutoMode.Engine.Pricing;

/// <summary>
/// The per-user price cache written by Update-AutoModePriceCache: versioned JSON, one entry per Region with its
/// own AsOf (when it was fetched) and source (which Price List endpoint). Prices are kept in the Region's currency.
/// </summary>
public sealed class PriceCacheDocument
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    [JsonPropertyName("generator")]
    public string Generator { get; set; } = "EksAutoMode Update-AutoModePriceCache";

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; set; }

    [JsonPropertyName("regions")]
    public Dictionary<string, PriceCacheRegion> Regions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class PriceCacheRegion
{
    [JsonPropertyName("asOf")]
    public DateTimeOffset AsOf { get; set; }

    [JsonPropertyName("source")]
    public string Source { get; set; } = "";

    [JsonPropertyName("currency")]
    public string Currency { get; set; } = "USD";

    /// <summary>Price List publication date of the offers read (from the items' publicationDate), when present.</summary>
    [JsonPropertyName("publicationDate")]
    public string? PublicationDate { get; set; }

    /// <summary>EC2 Linux on-demand price per instance-hour, by instance type.</summary>
    [JsonPropertyName("ec2")]
    public SortedDictionary<string, decimal> Ec2 { get; set; } = new(StringComparer.Ordinal);

    /// <summary>EKS Auto Mode fee (AmazonEKS, EKSAutoUsage) per instance-hour, by instance type.</summary>
    [JsonPropertyName("fee")]
    public SortedDictionary<string, decimal> Fee { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Reads and atomically writes the price cache file.</summary>
public static class PriceCacheStore
{
    /// <summary>Environment variable that overrides the cache file path (tests, shared build agents).</summary>
    public const string PathVariable = "EKSAUTOMODE_PRICE_CACHE";

    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// $env:EKSAUTOMODE_PRICE_CACHE if set, else &lt;local application data&gt;/EksAutoMode/price-cache.json
    /// (%LOCALAPPDATA% on Windows, ~/.local/share on Linux, ~/Library/Application Support on macOS).
    /// </summary>
    public static string DefaultPath
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(overridden))
            {
                return Path.GetFullPath(overridden);
            }

            string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }

            return Path.Combine(root, "EksAutoMode", "price-cache.json");
        }
    }

    /// <summary>Null when the file does not exist. Throws <see cref="EngineException"/> PriceCacheInvalid when it cannot be read.</summary>
    public static PriceCacheDocument? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
            PriceCacheDocument? document = JsonSerializer.Deserialize<PriceCacheDocument>(stream, s_options);
            if (document is null)
            {
                throw new JsonException("empty document");
            }

            if (document.SchemaVersion != PriceCacheDocument.CurrentSchemaVersion)
            {
                throw new EngineException("PriceCacheVersionUnsupported", ErrorKind.InvalidData,
                    $"The price cache '{path}' has schema version {document.SchemaVersion}; this module reads version {PriceCacheDocument.CurrentSchemaVersion}. It is ignored.",
                    path) { RecommendedAction = "Run Update-AutoModePriceCache to rewrite it." };
            }

            // Dictionaries deserialize with the default comparer; restore case-insensitive region keys.
            document.Regions = new Dictionary<string, PriceCacheRegion>(document.Regions, StringComparer.OrdinalIgnoreCase);
            return document;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new EngineException("PriceCacheInvalid", ErrorKind.InvalidData,
                $"The price cache '{path}' cannot be read ({ex.Message}). It is ignored; embedded prices are used.", path, ex)
            { RecommendedAction = "Run Update-AutoModePriceCache to rewrite it, or delete the file." };
        }
    }

    /// <summary>Writes to a temporary file in the same directory, then renames it over the target, so readers never see a partial file.</summary>
    public static void Write(string path, PriceCacheDocument document)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            byte[] bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(document, s_options));
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Best effort: the temporary file is hidden and uniquely named.
            }

            throw new EngineException("PriceCacheWriteFailed", ErrorKind.WriteError,
                $"Cannot write the price cache '{path}': {ex.Message}", path, ex)
            { RecommendedAction = $"Check permissions, or point ${PathVariable} at a writable file." };
        }
    }

    /// <summary>
    /// Merges a freshly fetched Region into the document. A full refresh (no instance-type filter) replaces the
    /// Region's entries; a filtered refresh updates only the types it fetched and keeps the others.
    /// </summary>
    public static void Merge(PriceCacheDocument document, string region, PriceCacheRegion fetched, bool replace)
    {
        if (replace || !document.Regions.TryGetValue(region, out PriceCacheRegion? existing))
        {
            document.Regions[region] = fetched;
        }
        else
        {
            foreach (var (type, price) in fetched.Ec2)
            {
                existing.Ec2[type] = price;
            }

            foreach (var (type, price) in fetched.Fee)
            {
                existing.Fee[type] = price;
            }

            // The Region's AsOf stays the oldest data it holds: types not in this refresh keep their older prices.
            existing.AsOf = existing.AsOf < fetched.AsOf ? existing.AsOf : fetched.AsOf;
            existing.Source = fetched.Source;
            existing.Currency = fetched.Currency;
            existing.PublicationDate = fetched.PublicationDate ?? existing.PublicationDate;
        }

        document.UpdatedAt = fetched.AsOf;
    }
}
