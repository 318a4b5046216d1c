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

    /// <summary>A cache file larger than this is not read (the full cache for every Region is a few MB).</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>How long <see cref="Update"/> waits for another process's update to finish.</summary>
    public static TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Null when the file does not exist. Throws <see cref="EngineException"/> PriceCacheInvalid when it cannot be
    /// read or does not hold a valid cache (bad JSON, missing or null sections, non-Region keys, negative or absurd
    /// prices, a currency that is not the Region's), so callers fall back to the embedded catalogue.
    /// </summary>
    public static PriceCacheDocument? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        PriceCacheDocument? document;
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > MaxFileBytes)
            {
                throw Invalid(path, $"it is {stream.Length / (1024 * 1024)} MB, more than the {MaxFileBytes / (1024 * 1024)} MB a price cache can be", null);
            }

            document = JsonSerializer.Deserialize<PriceCacheDocument>(stream, s_options);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw Invalid(path, ex is JsonException json ? JsonProblem(json) : ex.Message, ex);
        }

        if (document is null)
        {
            throw Invalid(path, "it holds no JSON object", null);
        }

        if (document.SchemaVersion != PriceCacheDocument.CurrentSchemaVersion)
        {
            throw new EngineException("PriceCacheVersionUnsupported", ErrorKind.InvalidData,
                $"The price cache '{path}' has schema version {document.SchemaVersion}; this module reads version {PriceCacheDocument.CurrentSchemaVersion}. It is ignored; embedded prices are used.",
                path) { RecommendedAction = "Run Update-AutoModePriceCache to rewrite it." };
        }

        string? problem = Validate(document);
        if (problem is not null)
        {
            throw Invalid(path, problem, null);
        }

        // Dictionaries deserialize with the default comparer; restore case-insensitive region keys.
        document.Regions = new Dictionary<string, PriceCacheRegion>(document.Regions, StringComparer.OrdinalIgnoreCase);
        return document;
    }

    /// <summary>What is wrong with a deserialized cache, or null when it can be used.</summary>
    internal static string? Validate(PriceCacheDocument document)
    {
        if (document.Regions is null)
        {
            return "\"regions\" is missing or null";
        }

        foreach (var (region, entry) in document.Regions)
        {
            if (region is null || !PriceCatalogue.IsRegionCode(region))
            {
                return $"'{Shorten(region)}' under \"regions\" is not an AWS Region code";
            }

            if (entry is null)
            {
                return $"region '{region}' is null";
            }

            if (entry.Ec2 is null || entry.Fee is null)
            {
                return $"region '{region}' has no \"{(entry.Ec2 is null ? "ec2" : "fee")}\" prices (null)";
            }

            entry.Source ??= "";
            string expected = PriceCatalogue.CurrencyFor(region);
            if (!string.Equals(entry.Currency, expected, StringComparison.Ordinal))
            {
                return $"region '{region}' is priced in '{Shorten(entry.Currency)}', but prices there are in {expected}";
            }

            foreach (var (section, prices) in new[] { ("ec2", entry.Ec2), ("fee", entry.Fee) })
            {
                foreach (var (type, price) in prices)
                {
                    if (string.IsNullOrWhiteSpace(type) || type.Length > 64)
                    {
                        return $"region '{region}' has an empty or over-long instance type under \"{section}\"";
                    }

                    if (price < 0 || price > MaxHourlyPrice)
                    {
                        return $"region '{region}' has {section} price {price} for '{Shorten(type)}' (prices must be between 0 and {MaxHourlyPrice} per hour)";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>No EC2 instance costs more than this per hour in any currency we price (the largest are ~USD 400 / CNY 3,000).</summary>
    private const decimal MaxHourlyPrice = 100_000m;

    private static string Shorten(string? text) =>
        text is null ? "null" : text.Length <= 40 ? text : text[..40] + "…";

    private static string JsonProblem(JsonException ex) =>
        ex.LineNumber is { } line ? $"invalid JSON at line {line + 1}: {ex.Message.Split('.')[0]}" : ex.Message;

    private static EngineException Invalid(string path, string problem, Exception? inner) =>
        new("PriceCacheInvalid", ErrorKind.InvalidData,
            $"The price cache '{path}' cannot be used ({problem}). It is ignored; embedded prices are used.", path, inner)
        { RecommendedAction = "Run Update-AutoModePriceCache to rewrite it, or delete the file." };

    /// <summary>
    /// Read-modify-write under an exclusive lock, so two processes refreshing at once never lose each other's
    /// Regions: takes <c>.&lt;file&gt;.lock</c> (waiting up to <see cref="LockTimeout"/>), reads the current file (an
    /// unusable one is reported through <paramref name="warn"/> and replaced), applies <paramref name="change"/>, and
    /// writes atomically. Returns the document written.
    /// </summary>
    public static PriceCacheDocument Update(string path, Action<PriceCacheDocument> change, Action<EngineException>? warn = null,
        CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(path);
        using FileStream lockHandle = AcquireLock(full, cancellationToken);
        PriceCacheDocument document;
        try
        {
            document = Read(full) ?? new PriceCacheDocument();
        }
        catch (EngineException unreadable)
        {
            warn?.Invoke(unreadable);
            document = new PriceCacheDocument();
        }

        change(document);
        WriteLocked(full, document);
        return document;
    }

    private static FileStream AcquireLock(string path, CancellationToken cancellationToken)
    {
        string directory = Path.GetDirectoryName(path)!;
        string lockPath = Path.Combine(directory, $".{Path.GetFileName(path)}.lock");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(path, ex);
        }

        DateTime giveUp = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // FileShare.None is an exclusive lock for every other opener, in this or another process (flock on Unix).
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                cancellationToken.WaitHandle.WaitOne(50);
            }
            catch (IOException ex)
            {
                throw new EngineException("PriceCacheLocked", ErrorKind.ResourceUnavailable,
                    $"Another process has been updating the price cache '{path}' for more than {LockTimeout.TotalSeconds:0} s (lock file '{lockPath}').", path, ex)
                { RecommendedAction = "Wait for the other Update-AutoModePriceCache to finish and run it again." };
            }
            catch (UnauthorizedAccessException ex)
            {
                throw WriteFailed(path, ex);
            }
        }
    }

    /// <summary>Writes the document atomically, under the same lock <see cref="Update"/> takes.</summary>
    public static void Write(string path, PriceCacheDocument document)
    {
        string full = Path.GetFullPath(path);
        using FileStream lockHandle = AcquireLock(full, CancellationToken.None);
        WriteLocked(full, document);
    }

    /// <summary>
    /// Writes to a temporary file in the same directory, then renames it over the target, so readers never see a
    /// partial file. Temporary files of writers that were killed mid-write are deleted first (only lock holders
    /// write temporary files, so under the lock every one that exists is stale). Source texts are redacted.
    /// </summary>
    private static void WriteLocked(string path, PriceCacheDocument document)
    {
        string directory = Path.GetDirectoryName(path)!;
        string prefix = $".{Path.GetFileName(path)}.";
        string temp = Path.Combine(directory, $"{prefix}{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            RemoveStaleTemporaryFiles(directory, prefix);
            foreach (PriceCacheRegion region in document.Regions.Values)
            {
                region.Source = Redaction.Redact(region.Source) ?? "";
            }

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
                // Best effort: the next write removes it.
            }

            throw WriteFailed(path, ex);
        }
    }

    /// <summary>Temporary files this store left behind (none unless a writer was killed mid-write).</summary>
    public static IReadOnlyList<string> TemporaryFiles(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, $".{Path.GetFileName(full)}.*.tmp")
            : Array.Empty<string>();
    }

    private static void RemoveStaleTemporaryFiles(string directory, string prefix)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string stale in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
        {
            try
            {
                File.Delete(stale);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's file or in use: leave it.
            }
        }
    }

    private static EngineException WriteFailed(string path, Exception ex) =>
        new("PriceCacheWriteFailed", ErrorKind.WriteError, $"Cannot write the price cache '{path}': {ex.Message}", path, ex)
        { RecommendedAction = $"Check permissions, or point ${PathVariable} at a writable file." };

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
