namespace EksAutoMode.Engine.Pricing;

/// <summary>One priced item: an instance type and how many, where, how bought, and who launched it.</summary>
public sealed class CostInput
{
    public required string InstanceType { get; init; }
    public int Count { get; init; } = 1;
    public string? Region { get; init; }
    public string? AvailabilityZone { get; init; }
    public CapacityType CapacityType { get; init; }
    public LaunchType LaunchType { get; init; }
    public string? NodePool { get; init; }

    /// <summary>Overrides the catalogue's on-demand price (per instance-hour).</summary>
    public decimal? Ec2HourlyPrice { get; init; }

    /// <summary>Overrides the catalogue's Auto Mode fee (per instance-hour).</summary>
    public decimal? FeeHourlyPrice { get; init; }

    /// <summary>Spot price per instance-hour, used when <see cref="CapacityType"/> is Spot.</summary>
    public decimal? SpotPrice { get; init; }

    /// <summary>Where the item came from (e.g. "prices.csv line 4"), for error messages.</summary>
    public string? Origin { get; init; }
}

public sealed class CostOptions
{
    /// <summary>Region for items that carry none.</summary>
    public string? Region { get; init; }

    /// <summary>When true, -Region beats the item's own Region/AvailabilityZone (it was given on the command line).</summary>
    public bool RegionOverridesItems { get; init; }

    public CostPeriod Period { get; init; } = CostPeriod.Month;

    /// <summary>Explicit hours; beats <see cref="Period"/>.</summary>
    public decimal? Hours { get; init; }

    /// <summary>Discount on on-demand EC2 (Savings Plans, RIs, EDP) as a fraction 0..1. Never applied to the fee or to spot.</summary>
    public decimal Ec2Discount { get; init; }

    /// <summary>Price every item as Auto Mode-launched (the "what would migrating cost" question).</summary>
    public bool AssumeAutoMode { get; init; }

    public CostGrouping GroupBy { get; init; } = CostGrouping.InstanceType;

    public decimal EffectiveHours => Hours ?? PricingRules.HoursIn(Period);

    public string PeriodLabel => Hours is { } h ? $"{h:0.##} h" : Period.ToString();
}

/// <summary>One output line: a single item or a group of items.</summary>
public sealed class CostLineResult
{
    public string InstanceType { get; init; } = "";
    public string? NodePool { get; init; }
    public string Region { get; init; } = "";
    public int Count { get; init; }
    public CapacityType CapacityType { get; init; }
    public LaunchType LaunchType { get; init; }
    public bool FeeApplies { get; init; }
    public string FeeReason { get; init; } = "";

    /// <summary>On-demand price per instance-hour (count-weighted average for a mixed group); null when not needed and unknown.</summary>
    public decimal? Ec2HourlyPrice { get; init; }

    /// <summary>What EC2 really costs per instance-hour: the spot price, or on-demand less the discount.</summary>
    public decimal EffectiveEc2HourlyPrice { get; init; }

    public decimal FeeHourlyPrice { get; init; }
    public decimal TotalHourlyPrice { get; init; }

    /// <summary>Fee ÷ effective EC2 × 100; null when effective EC2 is 0.</summary>
    public decimal? OverheadPercent { get; init; }

    /// <summary>(Effective EC2 + fee) ÷ effective EC2 × 100, e.g. 112.0; null when effective EC2 is 0.</summary>
    public decimal? TotalPercentOfEc2 { get; init; }

    public string Period { get; init; } = "";
    public decimal Hours { get; init; }
    public decimal Ec2Cost { get; init; }
    public decimal FeeCost { get; init; }
    public decimal TotalCost { get; init; }
    public string Currency { get; init; } = "USD";
    public decimal Ec2Discount { get; init; }

    /// <summary>The weakest source behind the line's numbers (Estimated &gt; Embedded &gt; Cache &gt; Override).</summary>
    public PriceSource PriceSource { get; init; }
    public PriceSource Ec2PriceSource { get; init; }
    public PriceSource FeePriceSource { get; init; }

    /// <summary>Oldest as-of date behind the line's catalogue numbers; null when all came from overrides.</summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>Where each number came from, in words.</summary>
    public string SourceDetail { get; init; } = "";
}

/// <summary>Totals for one currency (currencies are never summed together).</summary>
public sealed class CostSummaryResult
{
    public string Currency { get; init; } = "USD";
    public string Period { get; init; } = "";
    public decimal Hours { get; init; }
    public int InstanceCount { get; init; }
    public int FeeInstanceCount { get; init; }
    public decimal Ec2Cost { get; init; }
    public decimal FeeCost { get; init; }
    public decimal TotalCost { get; init; }
    public decimal? OverheadPercent { get; init; }
    public decimal Ec2Discount { get; init; }
    public IReadOnlyList<string> Regions { get; init; } = Array.Empty<string>();
    public PriceSource PriceSource { get; init; }
    public int EstimatedFeeCount { get; init; }
    public DateTimeOffset? AsOf { get; init; }
}
