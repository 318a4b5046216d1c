using System.Globalization;
using System.Management.Automation;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// An empty -Count ('' or $null, as Import-Csv gives for an empty or missing column, e.g.
/// <c>-Count $row.Count</c>) means one instance, like an empty Count column read from a CSV file. Anything
/// else is left to the normal int conversion and its error.
/// </summary>
public sealed class EmptyCountTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value is null || (value is string text && string.IsNullOrWhiteSpace(text)) ? 1 : inputData;
    }
}

/// <summary>
/// Turns a discount given as a fraction (0.3), a percentage (30) or text ("30%", "0.3") into a fraction.
/// Numbers below 1 are fractions; 1 and above are percentages (so 1 means 1 %, 100 means 100 %).
/// </summary>
public sealed class DiscountTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is null)
        {
            return null;
        }

        double number;
        bool percentSign = false;
        if (value is string text)
        {
            text = text.Trim();
            if (text.EndsWith('%'))
            {
                percentSign = true;
                text = text[..^1].Trim();
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
            {
                throw new ArgumentTransformationMetadataException($"'{value}' is not a discount; use a fraction (0.3), a percentage (30) or text such as '30%'.");
            }
        }
        else
        {
            try
            {
                number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
            {
                throw new ArgumentTransformationMetadataException($"'{value}' is not a discount; use a fraction (0.3) or a percentage (30).", ex);
            }
        }

        return percentSign || Math.Abs(number) >= 1.0 ? number / 100.0 : number;
    }
}

/// <summary>Rejects discounts below 0 % or above 100 % (after <see cref="DiscountTransformationAttribute"/>).</summary>
public sealed class ValidateDiscountAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        double fraction = Convert.ToDouble(arguments is PSObject ps ? ps.BaseObject : arguments, CultureInfo.InvariantCulture);
        if (fraction < 0.0)
        {
            throw new ValidationMetadataException($"The discount {fraction * 100.0:0.##} % is negative; give a discount from 0 to 100 %.");
        }

        if (fraction > 1.0)
        {
            throw new ValidationMetadataException($"The discount {fraction * 100.0:0.##} % is more than 100 %; give a discount from 0 to 100 % (or a fraction below 1).");
        }
    }
}

/// <summary>Rejects negative prices and hours.</summary>
public sealed class ValidateNonNegativeAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object? value = arguments is PSObject ps ? ps.BaseObject : arguments;
        if (value is not null && Convert.ToDecimal(value, CultureInfo.InvariantCulture) < 0m)
        {
            throw new ValidationMetadataException($"The value {value} is negative; prices and hours must be 0 or more.");
        }
    }
}

internal static class PricingMapping
{
    /// <summary>-Region, else $env:AWS_REGION, else $env:AWS_DEFAULT_REGION (AWS SDK/CLI order).</summary>
    public static string? DefaultRegion(string? region) =>
        !string.IsNullOrWhiteSpace(region) ? region
        : Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } r ? r
        : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 } d ? d
        : null;

    /// <summary>Percentages to 2 decimal places (112.00); prices and costs stay exact.</summary>
    private static decimal? Percent(decimal? value) => value is { } v ? Math.Round(v, 2, MidpointRounding.AwayFromZero) : null;

    public static CostLine ToOutput(Engine.Pricing.CostLineResult l) => new()
    {
        InstanceType = l.InstanceType,
        NodePool = l.NodePool,
        Region = l.Region,
        Count = l.Count,
        CapacityType = l.CapacityType.ToString(),
        LaunchType = l.LaunchType.ToString(),
        FeeApplies = l.FeeApplies,
        FeeReason = l.FeeReason,
        Ec2HourlyPrice = l.Ec2HourlyPrice,
        EffectiveEc2HourlyPrice = l.EffectiveEc2HourlyPrice,
        FeeHourlyPrice = l.FeeHourlyPrice,
        TotalHourlyPrice = l.TotalHourlyPrice,
        OverheadPercent = Percent(l.OverheadPercent),
        TotalPercentOfEc2 = Percent(l.TotalPercentOfEc2),
        Period = l.Period,
        Hours = l.Hours,
        Ec2Cost = l.Ec2Cost,
        FeeCost = l.FeeCost,
        TotalCost = l.TotalCost,
        Currency = l.Currency,
        Ec2Discount = l.Ec2Discount,
        PriceSource = l.PriceSource.ToString(),
        Ec2PriceSource = l.Ec2PriceSource.ToString(),
        FeePriceSource = l.FeePriceSource.ToString(),
        AsOf = l.AsOf,
        SourceDetail = l.SourceDetail,
    };

    public static CostSummary ToOutput(Engine.Pricing.CostSummaryResult s) => new()
    {
        Currency = s.Currency,
        Period = s.Period,
        Hours = s.Hours,
        InstanceCount = s.InstanceCount,
        FeeInstanceCount = s.FeeInstanceCount,
        Ec2Cost = s.Ec2Cost,
        FeeCost = s.FeeCost,
        TotalCost = s.TotalCost,
        OverheadPercent = Percent(s.OverheadPercent),
        Ec2Discount = s.Ec2Discount,
        Regions = s.Regions.ToArray(),
        PriceSource = s.PriceSource.ToString(),
        EstimatedFeeCount = s.EstimatedFeeCount,
        AsOf = s.AsOf,
    };

    public static AutoModePrice ToOutput(Engine.Pricing.PriceRowResult r) => new()
    {
        InstanceType = r.InstanceType,
        Region = r.Region,
        Currency = r.Currency,
        Ec2HourlyPrice = r.Ec2HourlyPrice,
        FeeHourlyPrice = r.FeeHourlyPrice,
        TotalHourlyPrice = r.TotalHourlyPrice,
        FeePercent = Percent(r.FeePercent),
        Ec2PriceSource = r.Ec2PriceSource.ToString(),
        FeePriceSource = r.FeePriceSource.ToString(),
        FeeVerified = r.FeeVerified,
        Ec2AsOf = r.Ec2AsOf,
        FeeAsOf = r.FeeAsOf,
        Ec2Origin = r.Ec2Origin,
        FeeOrigin = r.FeeOrigin,
    };
}
