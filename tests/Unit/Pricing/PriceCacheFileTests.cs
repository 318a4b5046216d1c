using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Tests.Unit.Pricing;

/// <summary>The price cache file: validated on load, updated under a lock, no temporary files left behind.</summary>
public sealed class PriceCacheFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eam-cachefile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CachePath => Path.Combine(_dir, "price-cache.json");

    private static PriceCacheRegion Region(string region, string type, decimal ec2) => new()
    {
        AsOf = DateTimeOffset.UtcNow,
        Source = "test",
        Currency = PriceCatalogue.CurrencyFor(region),
        Ec2 = { [type] = ec2 },
        Fee = { [type] = ec2 / 10 },
    };

    public static TheoryData<string, string> BrokenCaches => new()
    {
        { """{"schemaVersion":1,"regions":null}""", "\"regions\" is missing or null" },
        { """{"schemaVersion":1,"regions":{"us-east-1":null}}""", "region 'us-east-1' is null" },
        { """{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":null,"fee":{}}}}""", "no \"ec2\" prices" },
        { """{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":{"m5.large":-0.096},"fee":{}}}}""", "ec2 price -0.096 for 'm5.large'" },
        { """{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":{},"fee":{"m5.large":1e30}}}}""", "invalid JSON" },
        { """{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":{"m5.large":"cheap"},"fee":{}}}}""", "invalid JSON" },
        { """{"schemaVersion":1,"regions":{"not a region":{"currency":"USD","ec2":{},"fee":{}}}}""", "is not an AWS Region code" },
        { """{"schemaVersion":1,"regions":{"cn-north-1":{"currency":"USD","ec2":{},"fee":{}}}}""", "prices there are in CNY" },
        { """{"schemaVersion":1,"regions":{"us-east-1":{"currency":null,"ec2":{},"fee":{}}}}""", "priced in 'null'" },
        { """[1,2,3]""", "invalid JSON" },
        { """null""", "holds no JSON object" },
        { """{"schemaVersion":1,"regions":{"us-east-1":{"currency":"USD","ec2":{"m5.large":0.1""", "invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(BrokenCaches))]
    public void UnusableCache_GivesOneWarning_AndEmbeddedPricesStillWork(string json, string problem)
    {
        File.WriteAllText(CachePath, json);
        PriceCatalogue catalogue = PriceCatalogue.Load(CachePath);

        EngineException warning = Assert.Single(catalogue.LoadWarnings);
        Assert.Equal("PriceCacheInvalid", warning.ErrorId);
        Assert.Contains(problem, warning.Message, StringComparison.Ordinal);
        Assert.Contains("embedded prices are used", warning.Message, StringComparison.Ordinal);
        Assert.Null(catalogue.CachePath);
        Assert.Equal(0.096m, catalogue.FindEc2("us-east-1", "m5.large")!.HourlyPrice);
        Assert.Equal(PriceSource.Embedded, catalogue.FindEc2("us-east-1", "m5.large")!.Source);
    }

    [Fact]
    public void Update_ReplacesAnUnusableCache_AndSaysSo()
    {
        File.WriteAllText(CachePath, """{"schemaVersion":1,"regions":null}""");
        var warnings = new List<EngineException>();
        PriceCacheStore.Update(CachePath, d => PriceCacheStore.Merge(d, "eu-west-1", Region("eu-west-1", "m5.large", 0.107m), replace: true), warnings.Add);

        Assert.Equal("PriceCacheInvalid", Assert.Single(warnings).ErrorId);
        Assert.Equal(0.107m, PriceCacheStore.Read(CachePath)!.Regions["eu-west-1"].Ec2["m5.large"]);
    }

    [Fact]
    public void ConcurrentUpdates_NeverLoseARegion()
    {
        // 16 writers, each adding its own Region while the others do the same: without the lock, read-merge-write
        // races drop Regions written in between.
        string[] regions = Enumerable.Range(1, 16).Select(i => $"xx-test-{i}").ToArray();
        Parallel.ForEach(regions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, region =>
            PriceCacheStore.Update(CachePath, d =>
            {
                Thread.Sleep(5); // widen the read-merge-write window
                PriceCacheStore.Merge(d, region, Region(region, "m5.large", 0.1m), replace: true);
            }));

        PriceCacheDocument document = PriceCacheStore.Read(CachePath)!;
        Assert.Equal(regions.Order(StringComparer.Ordinal), document.Regions.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(PriceCacheStore.TemporaryFiles(CachePath));
    }

    [Fact]
    public void StaleTemporaryFiles_FromAKilledWriter_AreRemovedByTheNextWrite()
    {
        // What a writer killed between creating its temporary file and renaming it leaves behind.
        string orphan = Path.Combine(_dir, ".price-cache.json.4242.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(orphan, "{ \"schemaVersion\": 1, \"regi");
        Assert.Single(PriceCacheStore.TemporaryFiles(CachePath));

        PriceCacheStore.Update(CachePath, d => PriceCacheStore.Merge(d, "us-east-1", Region("us-east-1", "m5.large", 0.096m), replace: true));

        Assert.False(File.Exists(orphan));
        Assert.Empty(PriceCacheStore.TemporaryFiles(CachePath));
        Assert.True(File.Exists(CachePath));
    }

    [Fact]
    public void Update_WaitsForTheLock_AndGivesAClearErrorWhenItNeverComes()
    {
        TimeSpan before = PriceCacheStore.LockTimeout;
        try
        {
            PriceCacheStore.LockTimeout = TimeSpan.FromMilliseconds(300);
            string lockPath = Path.Combine(_dir, ".price-cache.json.lock");
            using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                var ex = Assert.Throws<EngineException>(() => PriceCacheStore.Update(CachePath, _ => { }));
                Assert.Equal("PriceCacheLocked", ex.ErrorId);
            }

            PriceCacheStore.Update(CachePath, d => PriceCacheStore.Merge(d, "us-east-1", Region("us-east-1", "m5.large", 0.096m), replace: true));
            Assert.NotNull(PriceCacheStore.Read(CachePath));
        }
        finally
        {
            PriceCacheStore.LockTimeout = before;
        }
    }

    [Fact]
    public void Source_IsRedactedBeforeItIsWritten()
    {
        PriceCacheRegion region = Region("us-east-1", "m5.large", 0.096m);
        region.Source = "AWS Price List Query API GetProducts via https://proxyuser:hunter2-proxy-password@pricing.example.com/";
        PriceCacheStore.Update(CachePath, d => PriceCacheStore.Merge(d, "us-east-1", region, replace: true));

        string text = File.ReadAllText(CachePath);
        Assert.DoesNotContain("hunter2-proxy-password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("proxyuser", text, StringComparison.Ordinal);
        Assert.Contains("https://(redacted)@pricing.example.com/", text, StringComparison.Ordinal);
    }
}
