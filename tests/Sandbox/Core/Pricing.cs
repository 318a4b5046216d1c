using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Core;

/// <summary>Expands the scenario's compact price rows into Price List API product documents (format version aws_v1).</summary>
internal static class Pricing
{
    public static readonly Dictionary<string, (string Location, string Prefix)> Regions = new()
    {
        ["us-east-1"] = ("US East (N. Virginia)", ""),
        ["us-east-2"] = ("US East (Ohio)", "USE2-"),
        ["us-west-2"] = ("US West (Oregon)", "USW2-"),
        ["eu-west-1"] = ("EU (Ireland)", "EU-"),
        ["eu-central-1"] = ("EU (Frankfurt)", "EUC1-"),
        ["ap-northeast-1"] = ("Asia Pacific (Tokyo)", "APN1-"),
        ["ap-south-1"] = ("Asia Pacific (Mumbai)", "APS3-"),
    };

    public static void Load(World w, JsonObject pricing)
    {
        foreach (var row in pricing.Arr("ec2"))
        {
            var region = row.Str("regionCode")!;
            var type = row.Str("instanceType")!;
            var usd = decimal.Parse(row.Str("usdPerHour")!, CultureInfo.InvariantCulture);
            var synthetic = row.Bool("synthetic") == true;
            if (type.Contains(".metal", StringComparison.Ordinal))
            {
                // Bare metal is its own product family and is listed with tenancy Dedicated (how Karpenter's price
                // generator queries it); no shared-tenancy listing exists.
                const string Metal = "Compute Instance (bare metal)";
                w.PriceProducts.Add(Ec2(w, region, type, usd, "Linux", "Dedicated", "NA", "Used", "RunInstances", synthetic, Metal));
                w.PriceProducts.Add(Ec2(w, region, type, Math.Round(usd * 1.84m, 4), "Windows", "Dedicated", "NA", "Used", "RunInstances:0002", true, Metal));
                w.PriceProducts.Add(Ec2(w, region, type, 0.0m, "Linux", "Dedicated", "NA", "UnusedCapacityReservation", "RunInstances", true, Metal));
                continue;
            }
            // The product users want, plus look-alikes a careless filter would pick up.
            w.PriceProducts.Add(Ec2(w, region, type, usd, "Linux", "Shared", "NA", "Used", "RunInstances", synthetic));
            w.PriceProducts.Add(Ec2(w, region, type, Math.Round(usd * 1.84m, 4), "Windows", "Shared", "NA", "Used", "RunInstances:0002", true));
            w.PriceProducts.Add(Ec2(w, region, type, Math.Round(usd * 1.1m, 4), "Linux", "Dedicated", "NA", "Used", "RunInstances", true));
            w.PriceProducts.Add(Ec2(w, region, type, 0.0m, "Linux", "Shared", "NA", "UnusedCapacityReservation", "RunInstances", true));
            w.PriceProducts.Add(Ec2(w, region, type, Math.Round(usd + 0.07m, 4), "Linux", "Shared", "SQL Web", "Used", "RunInstances:0200", true));
        }
        foreach (var row in pricing.Arr("eksAutoMode"))
        {
            var region = row.Str("regionCode")!;
            var type = row.Str("instanceType")!;
            var usd = decimal.Parse(row.Str("usdPerHour")!, CultureInfo.InvariantCulture);
            w.PriceProducts.Add(EksAuto(region, type, usd, row.Bool("synthetic") == true));
        }
        foreach (var region in pricing.Arr("eksAutoMode").Select(r => r.Str("regionCode")!).Distinct())
            w.PriceProducts.Add(EksControlPlane(region));
    }

    private static (string Location, string Prefix) R(string region) => Regions.TryGetValue(region, out var r) ? r : (region, region.ToUpperInvariant() + "-");

    private static JsonObject Term(string sku, decimal usd, string unit, string description)
    {
        const string offer = "JRTCKXETXF";
        const string rate = "6YS6EN2CT7";
        return new JsonObject
        {
            ["OnDemand"] = new JsonObject
            {
                [$"{sku}.{offer}"] = new JsonObject
                {
                    ["priceDimensions"] = new JsonObject
                    {
                        [$"{sku}.{offer}.{rate}"] = new JsonObject
                        {
                            ["unit"] = unit,
                            ["endRange"] = "Inf",
                            ["description"] = description,
                            ["appliesTo"] = new JsonArray(),
                            ["rateCode"] = $"{sku}.{offer}.{rate}",
                            ["beginRange"] = "0",
                            ["pricePerUnit"] = new JsonObject { ["USD"] = usd.ToString("0.0000000000", CultureInfo.InvariantCulture) },
                        },
                    },
                    ["sku"] = sku,
                    ["effectiveDate"] = "2025-11-01T00:00:00Z",
                    ["offerTermCode"] = offer,
                    ["termAttributes"] = new JsonObject(),
                },
            },
        };
    }

    private static JsonObject Ec2(World w, string region, string type, decimal usd, string os, string tenancy, string sw, string capacity, string operation, bool synthetic,
        string productFamily = "Compute Instance", string marketOption = "OnDemand")
    {
        var (location, prefix) = R(region);
        var t = w.Type(type);
        var sku = Ids.Hex(marketOption == "OnDemand" ? $"sku/{region}/{type}/{os}/{tenancy}/{sw}/{capacity}" : $"sku/{region}/{type}/{os}/{tenancy}/{sw}/{capacity}/{marketOption}", 16).ToUpperInvariant();
        var usage = tenancy == "Dedicated" ? $"{prefix}DedicatedUsage:{type}" : capacity == "Used" ? $"{prefix}BoxUsage:{type}" : $"{prefix}UnusedBox:{type}";
        var doc = new JsonObject
        {
            ["product"] = new JsonObject
            {
                ["productFamily"] = productFamily,
                ["attributes"] = new JsonObject
                {
                    ["enhancedNetworkingSupported"] = "Yes",
                    ["memory"] = $"{t.MemoryMiB / 1024.0:0.###} GiB",
                    ["vcpu"] = t.VCpu.ToString(CultureInfo.InvariantCulture),
                    ["capacitystatus"] = capacity,
                    ["locationType"] = "AWS Region",
                    ["storage"] = "EBS only",
                    ["instanceFamily"] = t.Category switch { "c" => "Compute optimized", "r" => "Memory optimized", _ => "General purpose" },
                    ["operatingSystem"] = os,
                    ["physicalProcessor"] = t.Processor,
                    ["regionCode"] = region,
                    ["servicecode"] = "AmazonEC2",
                    ["usagetype"] = usage,
                    ["location"] = location,
                    ["servicename"] = "Amazon Elastic Compute Cloud",
                    ["instanceType"] = type,
                    ["tenancy"] = tenancy,
                    ["operation"] = operation,
                    ["preInstalledSw"] = sw,
                    ["licenseModel"] = "No License required",
                    ["marketoption"] = marketOption,
                    ["processorArchitecture"] = "64-bit",
                },
                ["sku"] = sku,
            },
            ["serviceCode"] = "AmazonEC2",
            ["terms"] = Term(sku, usd, "Hrs", $"${usd:0.####} per On Demand {os} {type} Instance Hour"),
            ["version"] = "20251101000000",
            ["publicationDate"] = "2025-11-01T00:00:00Z",
        };
        if (synthetic) doc["_synthetic"] = true;
        return doc;
    }

    private static JsonObject EksAuto(string region, string type, decimal usd, bool synthetic)
    {
        var (location, prefix) = R(region);
        var sku = Ids.Hex($"eksauto/{region}/{type}", 16).ToUpperInvariant();
        var doc = new JsonObject
        {
            ["product"] = new JsonObject
            {
                ["productFamily"] = "Compute",
                ["attributes"] = new JsonObject
                {
                    ["regionCode"] = region,
                    ["servicecode"] = "AmazonEKS",
                    ["usagetype"] = $"{prefix}AutoMode:{type}", // synthetic: the real usagetype string was not found (automode-facts §8)
                    ["locationType"] = "AWS Region",
                    ["location"] = location,
                    ["servicename"] = "Amazon Elastic Container Service for Kubernetes",
                    ["instanceType"] = type,
                    ["operation"] = "EKSAutoUsage",
                    ["eksproducttype"] = "AutoMode",
                },
                ["sku"] = sku,
            },
            ["serviceCode"] = "AmazonEKS",
            ["terms"] = Term(sku, usd, "Hrs", $"${usd:0.#####} per hour for EKS Auto Mode {type} instance"),
            ["version"] = "20251101000000",
            ["publicationDate"] = "2025-11-01T00:00:00Z",
        };
        if (synthetic) doc["_synthetic"] = true;
        return doc;
    }

    private static JsonObject EksControlPlane(string region)
    {
        var (location, prefix) = R(region);
        var sku = Ids.Hex($"ekscp/{region}", 16).ToUpperInvariant();
        return new JsonObject
        {
            ["product"] = new JsonObject
            {
                ["productFamily"] = "Compute",
                ["attributes"] = new JsonObject
                {
                    ["regionCode"] = region, ["servicecode"] = "AmazonEKS", ["usagetype"] = $"{prefix}AmazonEKS-Hours:perCluster", ["locationType"] = "AWS Region",
                    ["location"] = location, ["servicename"] = "Amazon Elastic Container Service for Kubernetes", ["operation"] = "CreateOperation", ["tenancy"] = "Shared",
                },
                ["sku"] = sku,
            },
            ["serviceCode"] = "AmazonEKS",
            ["terms"] = Term(sku, 0.10m, "Hours", "Amazon EKS cluster usage in " + location),
            ["version"] = "20251101000000",
            ["publicationDate"] = "2025-11-01T00:00:00Z",
        };
    }
}
