using System.Text.Json;
using System.Text.Json.Nodes;

namespace EksAutoMode.Engine.Pricing;

/// <summary>Sends one signed GetProducts request to the Price List endpoint of <paramref name="pricingRegion"/> and returns the JSON answer.</summary>
public delegate Task<JsonDocument> GetProductsCall(string pricingRegion, JsonObject request, CancellationToken cancellationToken);

/// <summary>Progress of a refresh: Region, what is being read, pages read so far.</summary>
public sealed record PriceRefreshProgress(string Region, string Service, int Pages, int Prices);

/// <summary>
/// Fetches EC2 on-demand prices and the Auto Mode fee for Regions from the Price List Query API and turns them into
/// cache entries. The transport (signing, retries, endpoint overrides) is the caller's <see cref="GetProductsCall"/>.
/// </summary>
public sealed class PriceListRefresher
{
    private readonly GetProductsCall _call;
    private readonly TimeProvider _time;

    public PriceListRefresher(GetProductsCall call, TimeProvider? time = null)
    {
        _call = call;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Maximum pages per query; a guard against an endpoint that never stops paginating.</summary>
    public int MaxPages { get; init; } = 1000;

    /// <summary>
    /// Prices for <paramref name="region"/>. <paramref name="instanceTypePattern"/> (wildcards * and ?) limits the
    /// types; an exact type is also sent as a filter. <paramref name="endpointDescription"/> is recorded as the source.
    /// </summary>
    public async Task<PriceCacheRegion> FetchRegionAsync(string region, string? instanceTypePattern, string endpointDescription,
        IProgress<PriceRefreshProgress>? progress, CancellationToken cancellationToken)
    {
        region = region.Trim().ToLowerInvariant();
        if (!PriceCatalogue.IsRegionCode(region))
        {
            throw new EngineException("InvalidRegion", ErrorKind.InvalidArgument, $"'{region}' is not an AWS Region code (for example ap-northeast-1).", region);
        }

        string pricingRegion = PricingEndpoint.RegionFor(region);
        string currency = PriceCatalogue.CurrencyFor(region);
        Func<string, bool> matches = Wildcard(instanceTypePattern);
        string? exact = instanceTypePattern is not null && instanceTypePattern.IndexOfAny(new[] { '*', '?' }) < 0 ? instanceTypePattern.Trim().ToLowerInvariant() : null;

        var result = new PriceCacheRegion
        {
            AsOf = _time.GetUtcNow(),
            Currency = currency,
            Source = $"AWS Price List Query API GetProducts ({PriceListParser.Ec2ServiceCode} Linux on-demand + {PriceListParser.EksServiceCode} {PriceListParser.AutoModeOperation}/{PriceListParser.EksProductTypeAttribute}={PriceListParser.AutoModeProductType}) via {endpointDescription}",
        };

        var ec2Operations = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (JsonObject ec2Request in PriceListParser.Ec2Requests(region, exact))
        await foreach (PriceListPrice price in QueryAsync(pricingRegion, ec2Request, region, "AmazonEC2", progress, cancellationToken))
        {
            if (!Accept(price, region, currency, matches))
            {
                continue;
            }

            result.PublicationDate ??= price.PublicationDate;

            // Prefer the plain RunInstances operation (Linux/UNIX) when the filters still let variants through.
            bool plain = IsPlain(price.Operation);
            bool replace;
            if (!result.Ec2.TryGetValue(price.InstanceType, out decimal existing))
            {
                replace = true;
            }
            else
            {
                bool existingPlain = IsPlain(ec2Operations[price.InstanceType]);
                replace = (plain && !existingPlain) || (plain == existingPlain && price.HourlyPrice < existing);
            }

            if (replace)
            {
                result.Ec2[price.InstanceType] = price.HourlyPrice;
                ec2Operations[price.InstanceType] = price.Operation;
            }
        }

        await foreach (PriceListPrice price in QueryAsync(pricingRegion, PriceListParser.FeeRequest(region, exact), region, "AmazonEKS", progress, cancellationToken))
        {
            // The endpoint applied the filters; check them again so a wider answer (another product type or
            // operation in the same service) never becomes a fee.
            if (Accept(price, region, currency, matches) &&
                (price.Operation is null || string.Equals(price.Operation, PriceListParser.AutoModeOperation, StringComparison.Ordinal)) &&
                (price.ProductType is null || string.Equals(price.ProductType, PriceListParser.AutoModeProductType, StringComparison.Ordinal)))
            {
                result.Fee[price.InstanceType] = price.HourlyPrice;
            }
        }

        if (result.Ec2.Count == 0 && result.Fee.Count == 0)
        {
            throw new EngineException("NoPricesFound", ErrorKind.ObjectNotFound,
                $"The Price List API returned no prices for {region}" + (instanceTypePattern is null ? "" : $" and instance types '{instanceTypePattern}'") + ". The cache is unchanged.",
                region) { RecommendedAction = "Check the Region code and the -InstanceType pattern." };
        }

        return result;
    }

    private static bool IsPlain(string? operation) => operation is null or "RunInstances";

    private static bool Accept(PriceListPrice price, string region, string currency, Func<string, bool> matches) =>
        string.Equals(price.RegionCode, region, StringComparison.Ordinal) &&
        string.Equals(price.Currency, currency, StringComparison.Ordinal) &&
        matches(price.InstanceType);

    private async IAsyncEnumerable<PriceListPrice> QueryAsync(string pricingRegion, JsonObject request, string region, string service,
        IProgress<PriceRefreshProgress>? progress, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        int pages = 0, count = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = (JsonObject)request.DeepClone();
            if (token is not null)
            {
                body["NextToken"] = token;
            }

            List<PriceListPrice> prices;
            using (JsonDocument page = await _call(pricingRegion, body, cancellationToken).ConfigureAwait(false))
            {
                (prices, string? next) = PriceListParser.ParsePage(page.RootElement);
                if (next is not null && next == token)
                {
                    throw new EngineException("PaginationLoop", ErrorKind.InvalidResult,
                        $"The Price List endpoint returned the same NextToken twice for {service} in {region}.", region);
                }

                token = next;
            }

            pages++;
            count += prices.Count;
            progress?.Report(new PriceRefreshProgress(region, service, pages, count));
            foreach (PriceListPrice price in prices)
            {
                yield return price;
            }

            if (pages >= MaxPages && token is not null)
            {
                throw new EngineException("PaginationLimit", ErrorKind.LimitsExceeded,
                    $"More than {MaxPages} pages of {service} prices for {region}; stopped.", region);
            }
        }
        while (token is not null);
    }

    private static Func<string, bool> Wildcard(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return _ => true;
        }

        string regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern.Trim().ToLowerInvariant()).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        var compiled = new System.Text.RegularExpressions.Regex(regex, System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        return compiled.IsMatch;
    }
}
