namespace EksAutoMode.Engine.Pricing;

/// <summary>Where a price came from, strongest claim first. <see cref="None"/>: no price needed (no fee).</summary>
public enum PriceSource
{
    None,
    Override,
    Cache,
    Embedded,
    Estimated,
}

/// <summary>How an instance was launched; decides whether the Auto Mode fee applies.</summary>
public enum LaunchType
{
    /// <summary>Nothing said how the instance is launched; priced as Auto Mode-launched (the question this module answers).</summary>
    Unknown,
    AutoMode,
    AutoModeBuiltIn,
    AutoModeCustom,
    ManagedNodeGroup,
    SelfManaged,
    Karpenter,
    Fargate,
    /// <summary>An EC2 managed instance whose operator is another AWS service (not EKS).</summary>
    OtherManaged,
}

public enum CapacityType
{
    OnDemand,
    Spot,
}

public enum CostPeriod
{
    Hour,
    Day,
    Month,
    Year,
}

public enum CostGrouping
{
    InstanceType,
    NodePool,
    None,
}

/// <summary>One hourly price and where it came from.</summary>
public sealed record PriceQuote(decimal HourlyPrice, string Currency, PriceSource Source, DateTimeOffset? AsOf, string Origin, bool Verified);
