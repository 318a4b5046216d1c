using EksAutoMode.Engine;
using EksAutoMode.Engine.Knowledge;

namespace EksAutoMode.Tests.Unit.Knowledge;

public class DifferenceCatalogTests
{
    [Fact]
    public void EmbeddedKnowledgeLoadsAndCoversEveryArea()
    {
        var all = DifferenceCatalog.All;
        Assert.True(all.Count >= 40, $"expected the full knowledge base, got {all.Count} rows");
        Assert.Equal(DifferenceCatalog.Areas.OrderBy(a => a), all.Select(f => f.Area).Distinct().OrderBy(a => a));
        Assert.All(all, f => Assert.StartsWith("https://", f.SourceUrl));
        Assert.Equal(all.Count, all.Select(f => f.Topic).Distinct().Count());
    }

    [Fact]
    public void CostAreaStatesTheFeeAndThatDiscountsDoNotApplyToIt()
    {
        var cost = DifferenceCatalog.All.Where(f => f.Area == "Cost").ToList();
        Assert.Contains(cost, f => f.AutoMode.Contains("EKSAutoUsage", StringComparison.Ordinal));
        Assert.Contains(cost, f => f.Topic.StartsWith("Discounts", StringComparison.Ordinal) && f.AutoMode.Contains("not the fee", StringComparison.Ordinal));
        Assert.Contains(cost, f => f.AutoMode.Contains("112.0 %", StringComparison.Ordinal));
    }

    [Fact]
    public void ChangedFactsKeepOlderStatementsOldestFirst()
    {
        var tgb = DifferenceCatalog.All.Single(f => f.Topic == "TargetGroupBinding");
        Assert.Contains("eks.amazonaws.com/v1", tgb.AutoMode, StringComparison.Ordinal);
        Assert.True(tgb.History.Count >= 2);
        Assert.True(tgb.History.Zip(tgb.History.Skip(1)).All(p => p.First.AsOf <= p.Second.AsOf));
        Assert.All(tgb.History, h => Assert.True(h.AsOf < tgb.AsOf));
    }

    [Fact]
    public void CapacityReservationRowWarnsThatOneSelectorStopsOpenOdcrUseClusterWide()
    {
        var odcr = DifferenceCatalog.All.Single(f => f.Topic == "Capacity reservations and Capacity Blocks");
        Assert.Contains("capacityReservationSelectorTerms", odcr.AutoMode, StringComparison.Ordinal);
        Assert.Contains("reserved", odcr.AutoMode, StringComparison.Ordinal);
        Assert.Contains("WHOLE cluster", odcr.AutoMode, StringComparison.Ordinal);
        Assert.NotEmpty(odcr.History);
    }

    [Theory]
    [InlineData("Node auto-repair", "Operations", "Benefit")]
    [InlineData("ARC zonal shift", "Operations", "Benefit")]
    [InlineData("Hybrid nodes", "Compute", "Caveat")]
    [InlineData("AWS Outposts", "Compute", "Unsupported")]
    [InlineData("EFA and Dynamic Resource Allocation (DRA)", "Compute", "Caveat")]
    [InlineData("Static-capacity node pools", "Compute", "Benefit")]
    [InlineData("Security groups for pods", "Networking", "Changed")]
    [InlineData("Default consolidation policy", "Compute", "Changed")]
    public void Issue13RowsExistWithAreaImpactAndSource(string topic, string area, string impact)
    {
        var fact = DifferenceCatalog.All.Single(f => f.Topic == topic);
        Assert.Equal(area, fact.Area);
        Assert.Equal(impact, fact.Impact);
        Assert.StartsWith("https://", fact.SourceUrl);
    }

    [Fact]
    public void UnconfirmedClaimsAreMarkedUnverified()
    {
        // EFA per-device settings and placement groups come only from third-party manifests (automode-facts §1.1).
        var efa = DifferenceCatalog.All.Single(f => f.Topic.StartsWith("EFA", StringComparison.Ordinal));
        Assert.Contains("UNVERIFIED", efa.AutoMode, StringComparison.Ordinal);
        Assert.Contains("UNVERIFIED", DifferenceCatalog.All.Single(f => f.Topic == "Hybrid nodes").AutoMode, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("area: Compute", "area: Gpu", "area 'Gpu' is not one of")]
    [InlineData("impact: Caveat", "impact: Maybe", "impact 'Maybe' is not one of")]
    [InlineData("sourceUrl: https://docs.aws.amazon.com/eks/latest/userguide/automode.html", "sourceUrl: http://example.com/x", "is not an https URL")]
    [InlineData("asOf: 2026-11-27", "asOf: 27/11/2026", "is not a yyyy-MM-dd date")]
    [InlineData("topic: Something", "topic: ''", "'topic' is empty")]
    public void InvalidRowsAreRejectedWithAClearMessage(string original, string replacement, string expected)
    {
        Assert.Contains(original, ValidRow, StringComparison.Ordinal);
        var ex = Assert.Throws<EngineException>(() => DifferenceCatalog.Parse(ValidRow.Replace(original, replacement, StringComparison.Ordinal)));
        Assert.Equal("KnowledgeDataInvalid", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValidRowParses()
    {
        var fact = Assert.Single(DifferenceCatalog.Parse(ValidRow));
        Assert.Equal("Compute", fact.Area);
        Assert.Equal(new DateTime(2026, 11, 27), fact.AsOf);
    }

    [Fact]
    public void MalformedYamlIsAnEngineErrorNotACrash()
    {
        var ex = Assert.Throws<EngineException>(() => DifferenceCatalog.Parse("differences: [ {area: Compute"));
        Assert.Equal("KnowledgeDataInvalid", ex.ErrorId);
    }

    private const string ValidRow = """
        schemaVersion: 1
        differences:
          - area: Compute
            topic: Something
            standardMode: a
            autoMode: b
            impact: Caveat
            asOf: 2026-11-27
            sourceUrl: https://docs.aws.amazon.com/eks/latest/userguide/automode.html
        """;
}
