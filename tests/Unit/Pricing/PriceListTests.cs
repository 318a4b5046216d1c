using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Tests.Unit.Pricing;

public class PriceListTests
{
    private static JsonDocument Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Pricing", name)));

    [Theory]
    [InlineData("us-east-1", "us-east-1")]
    [InlineData("us-west-2", "us-east-1")]
    [InlineData("sa-east-1", "us-east-1")]
    [InlineData("us-gov-west-1", "us-east-1")]
    [InlineData("ap-northeast-1", "ap-south-1")]
    [InlineData("eu-west-3", "eu-central-1")]
    [InlineData("cn-north-1", "cn-northwest-1")]
    public void Endpoint_ByPartitionPrefix(string region, string endpoint) => Assert.Equal(endpoint, PricingEndpoint.RegionFor(region));

    [Fact]
    public void ParsePage_ReadsOnDemandHourlyPrices_AndIgnoresReservedTerms()
    {
        using JsonDocument page = Load("getproducts-ec2-apne1-page1.json");
        var (prices, next) = PriceListParser.ParsePage(page.RootElement);

        Assert.Equal("page-2-token", next);
        Assert.Equal(2, prices.Count);
        PriceListPrice c6g = prices[0];
        Assert.Equal("c6g.large", c6g.InstanceType);
        Assert.Equal("ap-northeast-1", c6g.RegionCode);
        Assert.Equal(0.0856m, c6g.HourlyPrice);
        Assert.Equal("0.0856", c6g.HourlyPrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("USD", c6g.Currency);
        Assert.Equal("RunInstances", c6g.Operation);
    }

    [Fact]
    public void ParsePage_ReadsTheEksFee_WithLowerCaseInstancetypeAttribute()
    {
        using JsonDocument page = Load("getproducts-eks-apne1.json");
        var (prices, next) = PriceListParser.ParsePage(page.RootElement);
        Assert.Null(next);
        Assert.Equal(0.01027m, prices.Single(p => p.InstanceType == "c6g.large").HourlyPrice);
        Assert.Equal("EKSAutoUsage", prices[0].Operation);
    }

    [Fact]
    public void Requests_CarryTheDocumentedFilters()
    {
        JsonObject ec2 = PriceListParser.Ec2Request("ap-northeast-1", null);
        Assert.Equal("AmazonEC2", (string?)ec2["ServiceCode"]);
        var filters = ec2["Filters"]!.AsArray().ToDictionary(f => (string)f!["Field"]!, f => (string)f!["Value"]!);
        Assert.Equal("Linux", filters["operatingSystem"]);
        Assert.Equal("Shared", filters["tenancy"]);
        Assert.Equal("NA", filters["preInstalledSw"]);
        Assert.Equal("Used", filters["capacitystatus"]);
        Assert.Equal("ap-northeast-1", filters["regionCode"]);
        Assert.Equal("Compute Instance", filters["productFamily"]);
        Assert.All(ec2["Filters"]!.AsArray(), f => Assert.Equal("TERM_MATCH", (string?)f!["Type"]));

        Assert.Equal("OnDemand", filters["marketoption"]);

        // Bare metal is a second product family, listed with tenancy Dedicated (Karpenter's price generator).
        JsonObject metal = PriceListParser.Ec2Requests("ap-northeast-1", null)[1];
        var metalFilters = metal["Filters"]!.AsArray().ToDictionary(f => (string)f!["Field"]!, f => (string)f!["Value"]!);
        Assert.Equal("Compute Instance (bare metal)", metalFilters["productFamily"]);
        Assert.Equal("Dedicated", metalFilters["tenancy"]);
        Assert.Equal("Linux", metalFilters["operatingSystem"]);

        JsonObject fee = PriceListParser.FeeRequest("ap-northeast-1");
        Assert.Equal("AmazonEKS", (string?)fee["ServiceCode"]);
        var feeFilters = fee["Filters"]!.AsArray().ToDictionary(f => (string)f!["Field"]!, f => (string)f!["Value"]!);
        Assert.Equal("EKSAutoUsage", feeFilters["operation"]);
        Assert.Equal("AutoMode", feeFilters["eksproducttype"]);
        Assert.Equal("ap-northeast-1", feeFilters["regionCode"]);
        Assert.False(feeFilters.ContainsKey("instanceType"));

        var oneType = PriceListParser.FeeRequest("ap-northeast-1", "c6g.large")["Filters"]!.AsArray();
        Assert.Contains(oneType, f => (string?)f!["Field"] == "instanceType" && (string?)f!["Value"] == "c6g.large");
    }

    [Fact]
    public void ParsePage_KeepsTheEksProductType()
    {
        using JsonDocument page = Load("getproducts-eks-apne1.json");
        var (prices, _) = PriceListParser.ParsePage(page.RootElement);
        Assert.All(prices, p => Assert.Equal("AutoMode", p.ProductType));
    }

    [Fact]
    public async Task Refresh_IgnoresAmazonEksProductsThatAreNotAutoMode()
    {
        // An endpoint that ignores filters and answers with every AmazonEKS product of the Region.
        const string Hybrid = """{"product":{"productFamily":"Compute","attributes":{"regionCode":"ap-northeast-1","instanceType":"c6g.large","operation":"EKSAutoUsage","eksproducttype":"HybridNodes"}},"terms":{"OnDemand":{"A.B":{"priceDimensions":{"A.B.C":{"unit":"Hrs","pricePerUnit":{"USD":"0.5"}}}}}}}""";
        Task<JsonDocument> Call(string r, JsonObject body, CancellationToken ct)
        {
            if ((string?)body["ServiceCode"] == "AmazonEKS")
            {
                var list = new JsonArray();
                using JsonDocument real = Load("getproducts-eks-apne1.json");
                foreach (JsonElement item in real.RootElement.GetProperty("PriceList").EnumerateArray())
                {
                    list.Add(JsonValue.Create(item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText()));
                }

                list.Add(JsonValue.Create(Hybrid)); // last, so it would overwrite the real fee if it were accepted

                return Task.FromResult(JsonDocument.Parse(new JsonObject { ["PriceList"] = list }.ToJsonString()));
            }

            return Task.FromResult(JsonDocument.Parse("""{"PriceList":[]}"""));
        }

        PriceCacheRegion region = await new PriceListRefresher(Call).FetchRegionAsync("ap-northeast-1", null, "x", null, CancellationToken.None);
        Assert.Equal(0.01027m, region.Fee["c6g.large"]);
    }

    private sealed class FakePricing
    {
        public List<(string Region, JsonObject Body)> Calls { get; } = new();

        public Task<JsonDocument> Call(string pricingRegion, JsonObject body, CancellationToken ct)
        {
            Calls.Add((pricingRegion, body));
            if (body["Filters"]!.AsArray().Any(f => (string?)f!["Value"] == "Compute Instance (bare metal)"))
            {
                return Task.FromResult(JsonDocument.Parse("""{"FormatVersion":"aws_v1","PriceList":[]}"""));
            }

            string file = (string?)body["ServiceCode"] == "AmazonEKS" ? "getproducts-eks-apne1.json"
                : body["NextToken"] is null ? "getproducts-ec2-apne1-page1.json" : "getproducts-ec2-apne1-page2.json";
            return Task.FromResult(Load(file));
        }
    }

    [Fact]
    public async Task Refresh_FollowsNextToken_UsesTheRegionsEndpoint_AndPrefersPlainLinux()
    {
        var fake = new FakePricing();
        var time = new FixedTime(new DateTimeOffset(2026, 11, 27, 22, 0, 0, TimeSpan.Zero));
        var refresher = new PriceListRefresher(fake.Call, time);
        PriceCacheRegion region = await refresher.FetchRegionAsync("ap-northeast-1", null, "https://api.pricing.ap-south-1.amazonaws.com", null, CancellationToken.None);

        Assert.Equal(4, fake.Calls.Count); // EC2 shared (2 pages), EC2 bare metal, EKS fee
        Assert.All(fake.Calls, c => Assert.Equal("ap-south-1", c.Region));
        Assert.Equal("page-2-token", (string?)fake.Calls[1].Body["NextToken"]);
        Assert.Equal(new[] { "c6g.large", "m5.large", "m5.xlarge" }, region.Ec2.Keys);
        Assert.Equal(0.124m, region.Ec2["m5.large"]); // the RunInstances:0010 variant at 0.5 is not taken
        Assert.Equal(0.01027m, region.Fee["c6g.large"]);
        Assert.Equal(time.GetUtcNow(), region.AsOf);
        Assert.Equal("USD", region.Currency);
        Assert.Contains("ap-south-1", region.Source);
        Assert.Equal("2026-11-20T01:35:32Z", region.PublicationDate);
    }

    [Fact]
    public async Task Refresh_WithAPattern_KeepsMatchingTypesOnly_AndSendsExactTypesAsAFilter()
    {
        var fake = new FakePricing();
        PriceCacheRegion wild = await new PriceListRefresher(fake.Call).FetchRegionAsync("ap-northeast-1", "m5.*", "x", null, CancellationToken.None);
        Assert.Equal(new[] { "m5.large", "m5.xlarge" }, wild.Ec2.Keys);
        Assert.Equal(new[] { "m5.large" }, wild.Fee.Keys);

        fake.Calls.Clear();
        await new PriceListRefresher(fake.Call).FetchRegionAsync("ap-northeast-1", "c6g.large", "x", null, CancellationToken.None);
        Assert.Contains(fake.Calls[0].Body["Filters"]!.AsArray(), f => (string?)f!["Field"] == "instanceType" && (string?)f!["Value"] == "c6g.large");
    }

    [Fact]
    public async Task Refresh_WithNothingFound_FailsWithoutPretending()
    {
        var fake = new FakePricing();
        var ex = await Assert.ThrowsAsync<EngineException>(() =>
            new PriceListRefresher(fake.Call).FetchRegionAsync("ap-northeast-1", "zz*", "x", null, CancellationToken.None));
        Assert.Equal("NoPricesFound", ex.ErrorId);
    }

    [Fact]
    public async Task Refresh_StopsOnARepeatedNextToken()
    {
        Task<JsonDocument> Loop(string r, JsonObject b, CancellationToken ct) =>
            Task.FromResult(JsonDocument.Parse("""{"PriceList":[],"NextToken":"same"}"""));
        var ex = await Assert.ThrowsAsync<EngineException>(() =>
            new PriceListRefresher(Loop).FetchRegionAsync("us-east-1", null, "x", null, CancellationToken.None));
        Assert.Equal("PaginationLoop", ex.ErrorId);
    }

    [Fact]
    public async Task Refresh_RejectsANonRegion()
    {
        var ex = await Assert.ThrowsAsync<EngineException>(() =>
            new PriceListRefresher(new FakePricing().Call).FetchRegionAsync("tokyo", null, "x", null, CancellationToken.None));
        Assert.Equal("InvalidRegion", ex.ErrorId);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Snapshot_RowsArePublishedPricesWithTheirOwnAsOf_AndEmptyFeesStayUnknown()
    {
        const string Text = """
            # generator: build/Update-PriceSnapshot.ps1
            # source-url: https://api.pricing.ap-south-1.amazonaws.com (AWS Price List Query API, GetProducts)
            region,instance_type,currency,ec2_per_hour,fee_per_hour,as_of
            ap-northeast-1,c6g.large,USD,0.0856,0.01027,2026-12-01T10:00:00Z
            ap-northeast-1,m5.metal,USD,5.952,,2026-12-01T10:00:00Z
            """;
        var (ec2, fee) = PriceCatalogue.ReadSnapshot(PricingTable.Parse("price-list-snapshot.csv", new StringReader(Text)));
        PriceQuote c6g = fee[("ap-northeast-1", "c6g.large")];
        Assert.Equal(0.01027m, c6g.HourlyPrice);
        Assert.Equal(PriceSource.Embedded, c6g.Source);
        Assert.True(c6g.Verified);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), c6g.AsOf);
        Assert.Contains("ap-south-1", c6g.Origin, StringComparison.Ordinal);
        Assert.Equal(5.952m, ec2[("ap-northeast-1", "m5.metal")].HourlyPrice);
        Assert.False(fee.ContainsKey(("ap-northeast-1", "m5.metal")));
    }

    [Fact]
    public void Snapshot_RejectsAPriceInTheWrongCurrency()
    {
        const string Text = "region,instance_type,currency,ec2_per_hour,fee_per_hour,as_of\ncn-north-1,m5.large,USD,0.1,,2026-12-01T10:00:00Z\n";
        Assert.Throws<InvalidDataException>(() => PriceCatalogue.ReadSnapshot(PricingTable.Parse("s.csv", new StringReader(Text))));
    }

    [Fact]
    public void EmbeddedSnapshotAndRegionListLoad()
    {
        PricingTable regions = PricingTable.LoadEmbedded("commercial-regions.csv");
        Assert.True(regions.Rows.Count >= 30);
        Assert.All(regions.Rows, r => Assert.True(PriceCatalogue.IsRegionCode(r[0]), r[0]));
        Assert.DoesNotContain(regions.Rows, r => r[0].StartsWith("cn-", StringComparison.Ordinal) || r[0].Contains("-gov-", StringComparison.Ordinal));
        Assert.NotNull(regions.AsOf);
        _ = PriceCatalogue.ReadSnapshot(PricingTable.LoadEmbedded(PriceCatalogue.SnapshotFile)); // the shipped file parses
    }
}
