using System.Text.Json;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Tests.Unit.Pricing;

public sealed class CatalogueAndCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eam-price-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PriceCacheDocument Doc(string region, string type, decimal ec2, decimal fee) => new()
    {
        UpdatedAt = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero),
        Regions =
        {
            [region] = new PriceCacheRegion
            {
                AsOf = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero),
                Source = "test", Currency = PriceCatalogue.CurrencyFor(region),
                Ec2 = { [type] = ec2 }, Fee = { [type] = fee },
            },
        },
    };

    [Fact]
    public void EmbeddedSnapshot_HasTheBundledRegionsOnly()
    {
        Assert.Equal(new[] { "ap-northeast-1", "cn-north-1", "us-east-1", "us-gov-east-1", "us-gov-west-1" }, PriceCatalogue.EmbeddedOnly.KnownRegions);
        Assert.Equal(1367, PriceCatalogue.EmbeddedOnly.InstanceTypes("us-east-1").Count);
        Assert.Equal(316, PriceCatalogue.EmbeddedOnly.InstanceTypes("cn-north-1").Count);
        Assert.Null(PriceCatalogue.EmbeddedOnly.FindEc2("eu-west-1", "m5.large"));
        Assert.Null(PriceCatalogue.EmbeddedOnly.FindFee("us-east-1", "m5.large"));
        Assert.Equal("CNY", PriceCatalogue.EmbeddedOnly.FindEc2("cn-north-1", "m5.large")!.Currency);
    }

    [Fact]
    public void Cache_IsPreferredOverEmbedded_PerTypeAndRegion()
    {
        string path = Path.Combine(_dir, "cache.json");
        PriceCacheStore.Write(path, Doc("us-east-1", "m5.large", 0.1m, 0.0115m));
        PriceCatalogue catalogue = PriceCatalogue.Load(path);

        PriceQuote ec2 = catalogue.FindEc2("us-east-1", "m5.large")!;
        Assert.Equal(0.1m, ec2.HourlyPrice);
        Assert.Equal(PriceSource.Cache, ec2.Source);
        Assert.Equal(0.0115m, catalogue.FindFee("us-east-1", "m5.large")!.HourlyPrice);
        // Types the cache lacks still come from the embedded snapshot.
        Assert.Equal(PriceSource.Embedded, catalogue.FindEc2("us-east-1", "m5.xlarge")!.Source);
        Assert.Null(catalogue.FindFee("us-east-1", "m5.xlarge"));
    }

    [Fact]
    public void CachedRegion_BecomesKnown_AndPricesCostLines()
    {
        string path = Path.Combine(_dir, "cache.json");
        PriceCacheStore.Write(path, Doc("eu-west-1", "m5.large", 0.107m, 0.01284m));
        var calc = new CostCalculator(PriceCatalogue.Load(path), new CostOptions { Period = CostPeriod.Hour, GroupBy = CostGrouping.None });
        CostLineResult line = calc.Add(new CostInput { InstanceType = "m5.large", Region = "eu-west-1" })!;
        Assert.Equal(PriceSource.Cache, line.PriceSource);
        Assert.Equal(0.11984m, line.TotalHourlyPrice);
        Assert.Empty(calc.EstimatedFees);

        var ex = Assert.Throws<EngineException>(() => calc.Add(new CostInput { InstanceType = "m5.xlarge", Region = "eu-west-1" }));
        Assert.Equal("UnknownInstanceType", ex.ErrorId);
    }

    [Fact]
    public void Write_IsAtomic_AndRoundTrips()
    {
        string path = Path.Combine(_dir, "sub", "cache.json");
        PriceCacheStore.Write(path, Doc("ap-northeast-1", "c6g.large", 0.0856m, 0.01027m));
        PriceCacheStore.Write(path, Doc("ap-northeast-1", "c6g.large", 0.0856m, 0.01027m));

        // The cache and its (persistent, empty) lock file; no temporary file is left behind.
        Assert.Equal(new[] { ".cache.json.lock", "cache.json" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        PriceCacheDocument read = PriceCacheStore.Read(path)!;
        Assert.Equal(1, read.SchemaVersion);
        Assert.Equal(0.01027m, read.Regions["AP-NORTHEAST-1"].Fee["c6g.large"]);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("test", json.RootElement.GetProperty("regions").GetProperty("ap-northeast-1").GetProperty("source").GetString());
    }

    [Fact]
    public void CorruptCache_IsReported_AndEmbeddedPricesStillWork()
    {
        string path = Path.Combine(_dir, "cache.json");
        File.WriteAllText(path, "{ not json");
        PriceCatalogue catalogue = PriceCatalogue.Load(path);
        Assert.Equal("PriceCacheInvalid", Assert.Single(catalogue.LoadWarnings).ErrorId);
        Assert.Equal(0.096m, catalogue.FindEc2("us-east-1", "m5.large")!.HourlyPrice);
    }

    [Fact]
    public void NewerCacheVersion_IsIgnoredWithAReason()
    {
        string path = Path.Combine(_dir, "cache.json");
        File.WriteAllText(path, """{"schemaVersion":99,"regions":{}}""");
        Assert.Equal("PriceCacheVersionUnsupported", Assert.Single(PriceCatalogue.Load(path).LoadWarnings).ErrorId);
    }

    [Fact]
    public void Merge_FilteredRefreshKeepsOtherTypes_FullRefreshReplaces()
    {
        PriceCacheDocument doc = Doc("us-east-1", "m5.large", 0.1m, 0.01m);
        var partial = new PriceCacheRegion { AsOf = DateTimeOffset.UtcNow, Source = "s", Ec2 = { ["c5.large"] = 0.085m } };
        PriceCacheStore.Merge(doc, "us-east-1", partial, replace: false);
        Assert.Equal(new[] { "c5.large", "m5.large" }, doc.Regions["us-east-1"].Ec2.Keys);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), doc.Regions["us-east-1"].AsOf); // oldest data kept

        PriceCacheStore.Merge(doc, "us-east-1", partial, replace: true);
        Assert.Equal(new[] { "c5.large" }, doc.Regions["us-east-1"].Ec2.Keys);
    }

    [Fact]
    public void DefaultPath_FollowsTheEnvironmentOverride()
    {
        string before = Environment.GetEnvironmentVariable(PriceCacheStore.PathVariable) ?? "";
        try
        {
            Environment.SetEnvironmentVariable(PriceCacheStore.PathVariable, Path.Combine(_dir, "x.json"));
            Assert.Equal(Path.Combine(_dir, "x.json"), PriceCacheStore.DefaultPath);
            Environment.SetEnvironmentVariable(PriceCacheStore.PathVariable, null);
            Assert.EndsWith(Path.Combine("EksAutoMode", "price-cache.json"), PriceCacheStore.DefaultPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PriceCacheStore.PathVariable, before.Length == 0 ? null : before);
        }
    }
}
