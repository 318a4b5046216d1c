using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Tests.Unit.Pricing;

public class CostCalculatorTests
{
    private static CostCalculator Calc(CostOptions? options = null, PriceCatalogue? catalogue = null) =>
        new(catalogue ?? PriceCatalogue.EmbeddedOnly, options ?? new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None });

    [Fact]
    public void ArticleExample_C6gLargeTokyo_Is112PercentOfEc2()
    {
        CostLineResult line = Calc().Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1" })!;

        Assert.Equal(0.0856m, line.Ec2HourlyPrice);
        Assert.Equal(0.01027m, line.FeeHourlyPrice);
        Assert.Equal(0.09587m, line.TotalHourlyPrice);
        Assert.Equal(112.0m, Math.Round(line.TotalPercentOfEc2!.Value, 1));   // the article misprints 119.9 %
        Assert.Equal(12.0m, Math.Round(line.OverheadPercent!.Value, 1));
        Assert.Equal(PriceSource.Embedded, line.FeePriceSource);
        Assert.Contains("UNVERIFIED", line.SourceDetail);
        Assert.Equal("USD", line.Currency);
        Assert.True(line.FeeApplies);
    }

    [Fact]
    public void UsEast1_UsesEmbeddedEc2_AndEstimatesFeeAt12Percent()
    {
        var calc = Calc();
        CostLineResult line = calc.Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", Count = 2 })!;

        Assert.Equal(0.096m, line.Ec2HourlyPrice);
        Assert.Equal(0.01152m, line.FeeHourlyPrice);
        Assert.Equal(PriceSource.Estimated, line.FeePriceSource);
        Assert.Equal(PriceSource.Estimated, line.PriceSource);
        Assert.Equal(PriceSource.Embedded, line.Ec2PriceSource);
        Assert.Equal(new DateTimeOffset(2026, 7, 20, 0, 0, 0, TimeSpan.Zero), line.AsOf);
        Assert.Equal(2m * 0.10752m, line.TotalCost);
        Assert.Equal(new[] { "m5.large in us-east-1" }, calc.EstimatedFees);
    }

    [Fact]
    public void RegionWithoutPrices_IsAnError_NotAUsEast1Fallback()
    {
        var ex = Assert.Throws<EngineException>(() => Calc().Add(new CostInput { InstanceType = "m5.large", Region = "eu-west-1" }));
        Assert.Equal("UnknownRegion", ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains("Update-AutoModePriceCache -Region eu-west-1", ex.Message);
        Assert.Contains("-Ec2HourlyPrice", ex.Message);
        Assert.Equal("eu-west-1", ex.Target);
    }

    [Fact]
    public void UnknownInstanceType_NamesTheTypeAndTheRemedy()
    {
        var ex = Assert.Throws<EngineException>(() => Calc().Add(new CostInput { InstanceType = "m99.huge", Region = "us-east-1" }));
        Assert.Equal("UnknownInstanceType", ex.ErrorId);
        Assert.Contains("m99.huge", ex.Message);
        Assert.Contains("Update-AutoModePriceCache", ex.RecommendedAction);
    }

    [Fact]
    public void Ec2HourlyPriceOverride_PricesAnUnknownRegion()
    {
        CostLineResult line = Calc().Add(new CostInput { InstanceType = "m5.large", Region = "eu-west-1", Ec2HourlyPrice = 0.107m })!;
        Assert.Equal(PriceSource.Override, line.Ec2PriceSource);
        Assert.Equal(0.107m * 0.12m, line.FeeHourlyPrice);
        Assert.Equal(PriceSource.Estimated, line.FeePriceSource);
        Assert.Null(line.AsOf);
    }

    [Fact]
    public void China_IsPricedInCny_AndSummariesNeverMixCurrencies()
    {
        var calc = Calc(new CostOptions { Period = CostPeriod.Hour });
        calc.Add(new CostInput { InstanceType = "m5.large", Region = "cn-north-1" });
        calc.Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1" });
        var lines = calc.CompleteLines();
        var summaries = calc.Summaries();

        Assert.Equal(2, lines.Count);
        Assert.Equal(1.013m, lines.Single(l => l.Currency == "CNY").Ec2HourlyPrice);
        Assert.Equal(2, summaries.Count);
        Assert.Equal(1.013m * 1.12m, summaries.Single(s => s.Currency == "CNY").TotalCost);
        Assert.Equal(0.096m * 1.12m, summaries.Single(s => s.Currency == "USD").TotalCost);
        Assert.Equal(new DateTimeOffset(2024, 11, 6, 0, 0, 0, TimeSpan.Zero), summaries.Single(s => s.Currency == "CNY").AsOf);
    }

    [Fact]
    public void Discount_AppliesToEc2Only_NeverToTheFee()
    {
        CostLineResult line = Calc(new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None, Ec2Discount = 0.30m })
            .Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1" })!;

        Assert.Equal(0.0856m, line.Ec2HourlyPrice);
        Assert.Equal(0.0856m * 0.7m, line.EffectiveEc2HourlyPrice);
        Assert.Equal(0.01027m, line.FeeHourlyPrice);
        Assert.True(line.OverheadPercent > 17m); // the fee weighs more once EC2 is discounted
    }

    [Fact]
    public void Spot_PaysTheFullFee_OnTheSpotPrice()
    {
        var calc = Calc(new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None, Ec2Discount = 0.5m });
        CostLineResult line = calc.Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1", CapacityType = CapacityType.Spot, SpotPrice = 0.03m })!;

        Assert.Equal(0.03m, line.EffectiveEc2HourlyPrice); // no discount on spot
        Assert.Equal(0.01027m, line.FeeHourlyPrice);
        Assert.Equal(CapacityType.Spot, line.CapacityType);
        Assert.Empty(calc.SpotPricedAtOnDemand);
    }

    [Fact]
    public void Spot_WithoutAPrice_IsPricedAtOnDemand_AndReported()
    {
        var calc = Calc();
        CostLineResult line = calc.Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", CapacityType = CapacityType.Spot })!;
        Assert.Equal(0.096m, line.EffectiveEc2HourlyPrice);
        Assert.Equal(new[] { "m5.large in us-east-1" }, calc.SpotPricedAtOnDemand);
    }

    [Theory]
    [InlineData(LaunchType.ManagedNodeGroup, "managed node group")]
    [InlineData(LaunchType.SelfManaged, "self-managed")]
    [InlineData(LaunchType.Karpenter, "OSS Karpenter")]
    [InlineData(LaunchType.Fargate, "Fargate")]
    public void NonAutoModeLaunches_PayNoFee_AndSayWhy(LaunchType launch, string reason)
    {
        CostLineResult line = Calc().Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", LaunchType = launch })!;
        Assert.False(line.FeeApplies);
        Assert.Equal(0m, line.FeeHourlyPrice);
        Assert.Contains(reason, line.FeeReason);
        Assert.Equal(PriceSource.Embedded, line.PriceSource);
        Assert.Equal(PriceSource.None, line.FeePriceSource);
    }

    [Theory]
    [InlineData(LaunchType.AutoModeBuiltIn, "built-in")]
    [InlineData(LaunchType.AutoModeCustom, "custom")]
    public void AutoModeLaunches_PayTheFee(LaunchType launch, string reason)
    {
        CostLineResult line = Calc().Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1", LaunchType = launch })!;
        Assert.True(line.FeeApplies);
        Assert.Contains(reason, line.FeeReason);
    }

    [Fact]
    public void AssumeAutoMode_PricesAManagedNodeGroupAsIfAutoModeRanIt()
    {
        CostLineResult line = Calc(new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None, AssumeAutoMode = true })
            .Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1", LaunchType = LaunchType.ManagedNodeGroup })!;
        Assert.True(line.FeeApplies);
        Assert.Equal(0.01027m, line.FeeHourlyPrice);
        Assert.Contains("-AssumeAutoMode", line.FeeReason);
    }

    [Theory]
    [InlineData(CostPeriod.Hour, 1)]
    [InlineData(CostPeriod.Day, 24)]
    [InlineData(CostPeriod.Month, 730)]
    [InlineData(CostPeriod.Year, 8760)]
    public void Periods_UseTheirHours(CostPeriod period, int hours)
    {
        CostLineResult line = Calc(new CostOptions { Period = period, GroupBy = CostGrouping.None })
            .Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1", Count = 2 })!;
        Assert.Equal(hours, line.Hours);
        Assert.Equal(2m * 0.09587m * hours, line.TotalCost);
        Assert.Equal(2m * 0.01027m * hours, line.FeeCost);
    }

    [Fact]
    public void Hours_BeatPeriod()
    {
        CostLineResult line = Calc(new CostOptions { Period = CostPeriod.Year, Hours = 10m, GroupBy = CostGrouping.None })
            .Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1" })!;
        Assert.Equal(0.9587m, line.TotalCost);
        Assert.Equal("10 h", line.Period);
    }

    [Fact]
    public void GroupByInstanceType_AddsCounts()
    {
        var calc = Calc(new CostOptions { Period = CostPeriod.Hour });
        Assert.Null(calc.Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1", Count = 2 }));
        calc.Add(new CostInput { InstanceType = "C6G.LARGE", AvailabilityZone = "ap-northeast-1c" });
        calc.Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", LaunchType = LaunchType.ManagedNodeGroup });

        var lines = calc.CompleteLines();
        Assert.Equal(2, lines.Count);
        Assert.Equal(3, lines[0].Count);
        Assert.Equal(3m * 0.09587m, lines[0].TotalCost);
        var summary = Assert.Single(calc.Summaries());
        Assert.Equal(4, summary.InstanceCount);
        Assert.Equal(3, summary.FeeInstanceCount);
        Assert.Equal(3m * 0.01027m, summary.FeeCost);
        Assert.Equal(3m * 0.0856m + 0.096m, summary.Ec2Cost);
    }

    [Fact]
    public void GroupByNodePool_MixesTypesInOneLine_WithWeightedAveragePrices()
    {
        var calc = Calc(new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.NodePool });
        calc.Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", NodePool = "web", Ec2HourlyPrice = 0.1m, FeeHourlyPrice = 0.01m });
        calc.Add(new CostInput { InstanceType = "m5.xlarge", Region = "us-east-1", NodePool = "web", Count = 3, Ec2HourlyPrice = 0.2m, FeeHourlyPrice = 0.02m });
        calc.Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", NodePool = "batch", Ec2HourlyPrice = 0.1m, FeeHourlyPrice = 0.01m });

        var lines = calc.CompleteLines();
        Assert.Equal(2, lines.Count);
        CostLineResult web = lines[0];
        Assert.Equal("web", web.NodePool);
        Assert.Equal("m5.large,m5.xlarge", web.InstanceType);
        Assert.Equal(4, web.Count);
        Assert.Equal(0.7m / 4m, web.Ec2HourlyPrice);
        Assert.Equal(0.77m, web.TotalCost);
        Assert.Equal(PriceSource.Override, web.PriceSource);
    }

    [Fact]
    public void ZeroCount_IsPricedAsZeroCostButShowsUnitPrices()
    {
        CostLineResult line = Calc().Add(new CostInput { InstanceType = "c6g.large", Region = "ap-northeast-1", Count = 0 })!;
        Assert.Equal(0m, line.TotalCost);
        Assert.Equal(0.09587m, line.TotalHourlyPrice);
    }

    [Fact]
    public void NegativeCount_AndBadDiscount_AreRejected()
    {
        Assert.Equal("InvalidCount", Assert.Throws<EngineException>(() => Calc().Add(new CostInput { InstanceType = "m5.large", Region = "us-east-1", Count = -1 })).ErrorId);
        Assert.Equal("InvalidDiscount", Assert.Throws<EngineException>(() => Calc(new CostOptions { Ec2Discount = 1.5m })).ErrorId);
    }

    [Fact]
    public void MissingRegion_SaysHowToSupplyIt()
    {
        var ex = Assert.Throws<EngineException>(() => Calc().Add(new CostInput { InstanceType = "m5.large" }));
        Assert.Equal("RegionRequired", ex.ErrorId);
        Assert.Contains("-Region", ex.RecommendedAction);
    }

    [Fact]
    public void CommandLineRegion_BeatsTheItemsOwnZone_WhenAskedTo()
    {
        CostLineResult line = Calc(new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None, Region = "ap-northeast-1", RegionOverridesItems = true })
            .Add(new CostInput { InstanceType = "c6g.large", AvailabilityZone = "us-east-1a" })!;
        Assert.Equal("ap-northeast-1", line.Region);

        CostLineResult own = Calc(new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None, Region = "ap-northeast-1" })
            .Add(new CostInput { InstanceType = "c6g.large", AvailabilityZone = "us-east-1a" })!;
        Assert.Equal("us-east-1", own.Region);
        Assert.Equal(0.068m, own.Ec2HourlyPrice);
    }

    [Theory]
    [InlineData("ap-northeast-1a", "ap-northeast-1")]
    [InlineData("us-west-2-lax-1a", "us-west-2")]
    [InlineData("us-gov-west-1b", "us-gov-west-1")]
    [InlineData("us-east-1-wl1-bos-wlz-1", "us-east-1")]
    public void RegionOfZone_HandlesZoneKinds(string zone, string region) => Assert.Equal(region, PriceCatalogue.RegionOfZone(zone));
}
