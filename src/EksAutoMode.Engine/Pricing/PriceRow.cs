namespace EksAutoMode.Engine.Pricing;

/// <summary>What the catalogue would use for one instance type in one Region (Get-AutoModePrice).</summary>
public sealed class PriceRowResult
{
    public string InstanceType { get; init; } = "";
    public string Region { get; init; } = "";
    public string Currency { get; init; } = "USD";
    public decimal Ec2HourlyPrice { get; init; }
    public decimal FeeHourlyPrice { get; init; }
    public decimal TotalHourlyPrice => Ec2HourlyPrice + FeeHourlyPrice;
    public decimal? FeePercent => Ec2HourlyPrice == 0m ? null : FeeHourlyPrice / Ec2HourlyPrice * 100m;
    public PriceSource Ec2PriceSource { get; init; }
    public PriceSource FeePriceSource { get; init; }
    public bool FeeVerified { get; init; }
    public DateTimeOffset? Ec2AsOf { get; init; }
    public DateTimeOffset? FeeAsOf { get; init; }
    public string Ec2Origin { get; init; } = "";
    public string FeeOrigin { get; init; } = "";
}

public sealed partial class PriceCatalogue
{
    /// <summary>
    /// The EC2 price and fee the cost maths would use for <paramref name="instanceType"/> in <paramref name="region"/>
    /// (fee estimated at 12 % when none is published). Throws UnknownRegion / UnknownInstanceType when there is no EC2 price.
    /// </summary>
    public PriceRowResult Describe(string region, string instanceType)
    {
        string r = region.Trim().ToLowerInvariant(), t = instanceType.Trim().ToLowerInvariant();
        if (!IsRegionCode(r))
        {
            throw new EngineException("InvalidRegion", ErrorKind.InvalidArgument, $"'{region}' is not an AWS Region code (for example ap-northeast-1).", region);
        }

        PriceQuote ec2 = FindEc2(r, t) ?? throw Missing(r, t);
        PriceQuote fee = FindFee(r, t) ?? EstimateFee(ec2.HourlyPrice, ec2.Currency, ec2.AsOf);
        return new PriceRowResult
        {
            InstanceType = t,
            Region = r,
            Currency = ec2.Currency,
            Ec2HourlyPrice = ec2.HourlyPrice,
            FeeHourlyPrice = fee.HourlyPrice,
            Ec2PriceSource = ec2.Source,
            FeePriceSource = fee.Source,
            FeeVerified = fee.Verified,
            Ec2AsOf = ec2.AsOf,
            FeeAsOf = fee.AsOf,
            Ec2Origin = ec2.Origin,
            FeeOrigin = fee.Origin,
        };
    }

    /// <summary>The error for a missing EC2 price, naming what is missing and how to supply it.</summary>
    public EngineException Missing(string region, string instanceType)
    {
        string how = $"Run 'Update-AutoModePriceCache -Region {region}' to fetch published prices, or pass -Ec2HourlyPrice (and -FeeHourlyPrice) with your own prices.";
        bool regionKnown = KnownRegions.Contains(region, StringComparer.OrdinalIgnoreCase);
        return regionKnown
            ? new EngineException("UnknownInstanceType", ErrorKind.ObjectNotFound,
                $"No EC2 on-demand price for instance type '{instanceType}' in {region}. The catalogue (price cache, then embedded snapshot) has no such type there. {how}", instanceType)
            { RecommendedAction = how }
            : new EngineException("UnknownRegion", ErrorKind.ObjectNotFound,
                $"No EC2 prices for Region '{region}' (needed for {instanceType}). The catalogue covers only {string.Join(", ", KnownRegions)}; prices of one Region are never used for another. {how}", region)
            { RecommendedAction = how };
    }
}
