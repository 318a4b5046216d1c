using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace EksAutoMode.Engine.Pricing;

/// <summary>
/// What the module knows about prices, in order of preference: the per-user cache (Update-AutoModePriceCache),
/// then the embedded snapshot, then (fee only) an estimate of 12 % of on-demand. Never uses one Region's prices for
/// another Region, and never mixes currencies: cn-* Regions are CNY, everything else USD.
/// </summary>
public sealed partial class PriceCatalogue
{
    private static readonly Lazy<EmbeddedPrices> s_embedded = new(EmbeddedPrices.Load);
    private readonly PriceCacheDocument? _cache;
    private readonly ConcurrentDictionary<(string Region, string Type), (PriceQuote? Ec2, PriceQuote? Fee)> _memo = new();

    private PriceCatalogue(PriceCacheDocument? cache, string? cachePath)
    {
        _cache = cache;
        CachePath = cachePath;
    }

    /// <summary>The cache file that was read, if any.</summary>
    public string? CachePath { get; }

    /// <summary>Problems met while loading (an unreadable cache); the catalogue still works from embedded data.</summary>
    public IReadOnlyList<EngineException> LoadWarnings { get; private init; } = Array.Empty<EngineException>();

    /// <summary>Embedded data only (no cache).</summary>
    public static PriceCatalogue EmbeddedOnly { get; } = new(null, null);

    /// <summary>The embedded snapshot plus the cache at <paramref name="cachePath"/> (default <see cref="PriceCacheStore.DefaultPath"/>) if it exists.</summary>
    public static PriceCatalogue Load(string? cachePath = null)
    {
        string path = cachePath ?? PriceCacheStore.DefaultPath;
        try
        {
            PriceCacheDocument? document = PriceCacheStore.Read(path);
            return new PriceCatalogue(document, document is null ? null : path);
        }
        catch (EngineException ex)
        {
            return new PriceCatalogue(null, null) { LoadWarnings = new[] { ex } };
        }
    }

    internal static PriceCatalogue FromDocument(PriceCacheDocument? document, string? path = null) => new(document, path);

    /// <summary>The currency prices for <paramref name="region"/> are quoted in: CNY for cn-* Regions, USD otherwise.</summary>
    public static string CurrencyFor(string region) =>
        region.StartsWith("cn-", StringComparison.OrdinalIgnoreCase) ? "CNY" : "USD";

    /// <summary>True when <paramref name="region"/> looks like an AWS Region code (e.g. ap-northeast-1, us-gov-west-1).</summary>
    public static bool IsRegionCode(string region) => RegionPattern().IsMatch(region);

    /// <summary>
    /// The Region of an Availability Zone or Local/Wavelength Zone name: ap-northeast-1a → ap-northeast-1,
    /// us-west-2-lax-1a → us-west-2. Null when the text does not start with a Region code.
    /// </summary>
    public static string? RegionOfZone(string zone)
    {
        Match match = ZonePrefixPattern().Match(zone);
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    /// <summary>Regions with at least one EC2 price (cache or embedded).</summary>
    public IReadOnlyList<string> KnownRegions =>
        s_embedded.Value.Ec2.Keys.Select(k => k.Region)
            .Concat(_cache?.Regions.Keys ?? Enumerable.Empty<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(r => r, StringComparer.Ordinal).ToList();

    /// <summary>Instance types with an EC2 price in <paramref name="region"/> (cache or embedded).</summary>
    public IReadOnlyList<string> InstanceTypes(string region)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in s_embedded.Value.Ec2.Keys)
        {
            if (string.Equals(key.Region, region, StringComparison.OrdinalIgnoreCase))
            {
                set.Add(key.Type);
            }
        }

        if (_cache is not null && _cache.Regions.TryGetValue(region, out PriceCacheRegion? cached))
        {
            set.UnionWith(cached.Ec2.Keys);
        }

        return set.ToList();
    }

    /// <summary>EC2 Linux on-demand hourly price: cache, then embedded; null when unknown.</summary>
    public PriceQuote? FindEc2(string region, string instanceType) => Lookup(region, instanceType).Ec2;

    /// <summary>Published Auto Mode fee: cache, then embedded; null when unknown (see <see cref="EstimateFee"/>).</summary>
    public PriceQuote? FindFee(string region, string instanceType) => Lookup(region, instanceType).Fee;

    /// <summary>The labelled fallback: 12 % of the on-demand price, PriceSource = Estimated.</summary>
    public static PriceQuote EstimateFee(decimal onDemandHourly, string currency, DateTimeOffset? asOf) =>
        new(onDemandHourly * PricingRules.FeeEstimateFraction, currency, PriceSource.Estimated, asOf,
            $"estimate: {PricingRules.FeeEstimateFraction * 100m:0.#} % of on-demand (no published fee in the catalogue)", false);

    private (PriceQuote? Ec2, PriceQuote? Fee) Lookup(string region, string instanceType)
    {
        var key = (region.ToLowerInvariant(), instanceType.ToLowerInvariant());
        if (_memo.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var result = (ResolveEc2(key.Item1, key.Item2), ResolveFee(key.Item1, key.Item2));
        _memo[key] = result;
        return result;
    }

    private PriceQuote? ResolveEc2(string region, string type)
    {
        if (_cache is not null && _cache.Regions.TryGetValue(region, out PriceCacheRegion? cached) && cached.Ec2.TryGetValue(type, out decimal price))
        {
            return new PriceQuote(price, cached.Currency, PriceSource.Cache, cached.AsOf, $"price cache {CachePath} ({cached.Source})", true);
        }

        return s_embedded.Value.Ec2.TryGetValue((region, type), out PriceQuote? embedded) ? embedded : null;
    }

    private PriceQuote? ResolveFee(string region, string type)
    {
        if (_cache is not null && _cache.Regions.TryGetValue(region, out PriceCacheRegion? cached) && cached.Fee.TryGetValue(type, out decimal price))
        {
            return new PriceQuote(price, cached.Currency, PriceSource.Cache, cached.AsOf, $"price cache {CachePath} ({cached.Source})", true);
        }

        return s_embedded.Value.Fee.TryGetValue((region, type), out PriceQuote? embedded) ? embedded : null;
    }

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)(?:[a-z]|-[a-z0-9-]+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ZonePrefixPattern();

    /// <summary>The embedded Price List snapshot that build/Update-PriceSnapshot.ps1 regenerates.</summary>
    internal const string SnapshotFile = "price-list-snapshot.csv";

    /// <summary>Prices of a snapshot table alone (tests of the snapshot format).</summary>
    internal static (IReadOnlyDictionary<(string Region, string Type), PriceQuote> Ec2, IReadOnlyDictionary<(string Region, string Type), PriceQuote> Fee) ReadSnapshot(PricingTable table)
    {
        var prices = new EmbeddedPrices();
        EmbeddedPrices.AddSnapshot(prices, table);
        return (prices.Ec2, prices.Fee);
    }

    /// <summary>The embedded snapshot, keyed by lower-case (region, instance type).</summary>
    internal sealed class EmbeddedPrices
    {
        public Dictionary<(string Region, string Type), PriceQuote> Ec2 { get; } = new();
        public Dictionary<(string Region, string Type), PriceQuote> Fee { get; } = new();

        public static EmbeddedPrices Load()
        {
            var prices = new EmbeddedPrices();
            AddEc2(prices, PricingTable.LoadEmbedded("ec2-ondemand-prices.csv"), "usd_per_hour");
            AddEc2(prices, PricingTable.LoadEmbedded("ec2-ondemand-prices-cn.csv"), "cny_per_hour");

            // The Price List snapshot (build/Update-PriceSnapshot.ps1) is newer and published by AWS: it wins over
            // the Karpenter tables above and over the seed article's unverified fee below.
            AddSnapshot(prices, PricingTable.LoadEmbedded(SnapshotFile));

            PricingTable fees = PricingTable.LoadEmbedded("automode-fees.csv");
            bool verified = !fees.Meta.TryGetValue("verified", out string? v) || !string.Equals(v, "false", StringComparison.OrdinalIgnoreCase);
            string origin = $"embedded {fees.Name}: {fees.Meta.GetValueOrDefault("source-id", "?")} <{fees.Meta.GetValueOrDefault("source-url", "?")}>"
                + (verified ? "" : " — UNVERIFIED by AWS publications");
            int region = fees.Column("region"), type = fees.Column("instance_type"), currency = fees.Column("currency");
            int ec2 = fees.Column("ec2_per_hour"), fee = fees.Column("fee_per_hour");
            foreach (string[] row in fees.Rows)
            {
                var key = (row[region].ToLowerInvariant(), row[type].ToLowerInvariant());
                string rowCurrency = row[currency];
                if (!string.Equals(rowCurrency, CurrencyFor(key.Item1), StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{fees.Name}: {key} is quoted in {rowCurrency}, but {key.Item1} prices are {CurrencyFor(key.Item1)}.");
                }

                if (!prices.Fee.ContainsKey(key))
                {
                    prices.Fee[key] = new PriceQuote(PricingTable.ParseDecimal(row[fee]), rowCurrency, PriceSource.Embedded, fees.AsOf, origin, verified);
                }

                if (row[ec2].Length > 0 && !prices.Ec2.ContainsKey(key))
                {
                    // The EC2 price the same source quotes next to the fee; only used where the main tables have none.
                    prices.Ec2[key] = new PriceQuote(PricingTable.ParseDecimal(row[ec2]), rowCurrency, PriceSource.Embedded, fees.AsOf, origin, verified);
                }
            }

            return prices;
        }

        /// <summary>
        /// Adds the rows of a Price List snapshot (columns region, instance_type, currency, ec2_per_hour,
        /// fee_per_hour, as_of; empty price = not published there), replacing older embedded prices.
        /// </summary>
        internal static void AddSnapshot(EmbeddedPrices prices, PricingTable table)
        {
            string origin = $"embedded {table.Name}: AWS Price List API ({table.Meta.GetValueOrDefault("source-url", "?")}) via {table.Meta.GetValueOrDefault("generator", "?")}";
            int region = table.Column("region"), type = table.Column("instance_type"), currency = table.Column("currency");
            int ec2 = table.Column("ec2_per_hour"), fee = table.Column("fee_per_hour"), asOf = table.Column("as_of");
            foreach (string[] row in table.Rows)
            {
                var key = (row[region].ToLowerInvariant(), row[type].ToLowerInvariant());
                if (!string.Equals(row[currency], CurrencyFor(key.Item1), StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{table.Name}: {key} is quoted in {row[currency]}, but {key.Item1} prices are {CurrencyFor(key.Item1)}.");
                }

                DateTimeOffset date = DateTimeOffset.Parse(row[asOf], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
                if (row[ec2].Length > 0)
                {
                    prices.Ec2[key] = new PriceQuote(PricingTable.ParseDecimal(row[ec2]), row[currency], PriceSource.Embedded, date, origin, true);
                }

                if (row[fee].Length > 0)
                {
                    prices.Fee[key] = new PriceQuote(PricingTable.ParseDecimal(row[fee]), row[currency], PriceSource.Embedded, date, origin, true);
                }
            }
        }

        private static void AddEc2(EmbeddedPrices prices, PricingTable table, string priceColumn)
        {
            string currency = table.Meta["currency"];
            string origin = $"embedded {table.Name}: {table.Meta.GetValueOrDefault("source-repo", "?")} @ {table.Meta.GetValueOrDefault("source-commit", "?")}";
            int region = table.Column("region"), type = table.Column("instance_type"), price = table.Column(priceColumn);
            DateTimeOffset? asOf = table.AsOf;
            foreach (string[] row in table.Rows)
            {
                var key = (row[region].ToLowerInvariant(), row[type].ToLowerInvariant());
                if (!string.Equals(currency, CurrencyFor(key.Item1), StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{table.Name}: {key.Item1} is not a {currency} Region.");
                }

                prices.Ec2[key] = new PriceQuote(PricingTable.ParseDecimal(row[price]), currency, PriceSource.Embedded, asOf, origin, true);
            }
        }
    }
}
