namespace EksAutoMode;

/// <summary>The period Measure-AutoModeCost reports costs for (Month = 730 hours, Year = 8760 hours).</summary>
public enum CostPeriod
{
    Hour,
    Day,
    Month,
    Year,
}

/// <summary>How Measure-AutoModeCost groups its input into lines.</summary>
public enum CostGroupBy
{
    InstanceType,
    NodePool,
    None,
}

/// <summary>One line of Measure-AutoModeCost: an instance type (or NodePool, or single item) priced for a period.</summary>
public sealed class CostLine
{
    public string InstanceType { get; set; } = "";
    public string? NodePool { get; set; }
    public string Region { get; set; } = "";
    public int Count { get; set; }
    public string CapacityType { get; set; } = "";
    public string LaunchType { get; set; } = "";
    public bool FeeApplies { get; set; }
    public string FeeReason { get; set; } = "";
    public decimal? Ec2HourlyPrice { get; set; }
    public decimal EffectiveEc2HourlyPrice { get; set; }
    public decimal FeeHourlyPrice { get; set; }
    public decimal TotalHourlyPrice { get; set; }
    public decimal? OverheadPercent { get; set; }
    public decimal? TotalPercentOfEc2 { get; set; }
    public string Period { get; set; } = "";
    public decimal Hours { get; set; }
    public decimal Ec2Cost { get; set; }
    public decimal FeeCost { get; set; }
    public decimal TotalCost { get; set; }
    public string Currency { get; set; } = "";
    public decimal Ec2Discount { get; set; }
    public string PriceSource { get; set; } = "";
    public string Ec2PriceSource { get; set; } = "";
    public string FeePriceSource { get; set; } = "";
    public DateTimeOffset? AsOf { get; set; }
    public string SourceDetail { get; set; } = "";
}

/// <summary>Totals of one Measure-AutoModeCost call for one currency (USD and CNY are never added together).</summary>
public sealed class CostSummary
{
    public string Currency { get; set; } = "";
    public string Period { get; set; } = "";
    public decimal Hours { get; set; }
    public int InstanceCount { get; set; }
    public int FeeInstanceCount { get; set; }
    public decimal Ec2Cost { get; set; }
    public decimal FeeCost { get; set; }
    public decimal TotalCost { get; set; }
    public decimal? OverheadPercent { get; set; }
    public decimal Ec2Discount { get; set; }
    public string[] Regions { get; set; } = Array.Empty<string>();
    public string PriceSource { get; set; } = "";
    public int EstimatedFeeCount { get; set; }
    public DateTimeOffset? AsOf { get; set; }
}

/// <summary>What the price catalogue would use for one instance type in one Region (Get-AutoModePrice).</summary>
public sealed class AutoModePrice
{
    public string InstanceType { get; set; } = "";
    public string Region { get; set; } = "";
    public string Currency { get; set; } = "";
    public decimal Ec2HourlyPrice { get; set; }
    public decimal FeeHourlyPrice { get; set; }
    public decimal TotalHourlyPrice { get; set; }
    public decimal? FeePercent { get; set; }
    public string Ec2PriceSource { get; set; } = "";
    public string FeePriceSource { get; set; } = "";
    public bool FeeVerified { get; set; }
    public DateTimeOffset? Ec2AsOf { get; set; }
    public DateTimeOffset? FeeAsOf { get; set; }
    public string Ec2Origin { get; set; } = "";
    public string FeeOrigin { get; set; } = "";
}

/// <summary>What Update-AutoModePriceCache wrote for one Region.</summary>
public sealed class PriceCacheUpdate
{
    public string Region { get; set; } = "";
    public string Currency { get; set; } = "";
    public int Ec2PriceCount { get; set; }
    public int FeePriceCount { get; set; }
    public string PricingEndpoint { get; set; } = "";
    public DateTimeOffset AsOf { get; set; }
    public string? PublicationDate { get; set; }
    public string Path { get; set; } = "";
}
