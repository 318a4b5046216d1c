using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EksAutoMode.Engine.Pricing;

/// <summary>Which AWS Price List Query API endpoint serves a Region (the mapping AWS tools use, automode-facts §8).</summary>
public static class PricingEndpoint
{
    /// <summary>ap-* → ap-south-1, eu-* → eu-central-1, cn-* → cn-northwest-1, anything else → us-east-1.</summary>
    public static string RegionFor(string region)
    {
        string r = region.ToLowerInvariant();
        return r.StartsWith("cn-", StringComparison.Ordinal) ? "cn-northwest-1"
            : r.StartsWith("ap-", StringComparison.Ordinal) ? "ap-south-1"
            : r.StartsWith("eu-", StringComparison.Ordinal) ? "eu-central-1"
            : "us-east-1";
    }
}

/// <summary>One price read from a Price List product.</summary>
public sealed record PriceListPrice(string InstanceType, string RegionCode, decimal HourlyPrice, string Currency, string? Operation, string? PublicationDate)
{
    /// <summary>The eksproducttype attribute (AmazonEKS products only), e.g. AutoMode.</summary>
    public string? ProductType { get; init; }
}

/// <summary>Builds GetProducts requests and reads their answers (Price List JSON, FormatVersion aws_v1).</summary>
public static partial class PriceListParser
{
    public const string Ec2ServiceCode = "AmazonEC2";
    public const string EksServiceCode = "AmazonEKS";
    public const string AutoModeOperation = "EKSAutoUsage";

    /// <summary>Price List attribute that marks Auto Mode SKUs in AmazonEKS, and its value.</summary>
    public const string EksProductTypeAttribute = "eksproducttype";
    public const string AutoModeProductType = "AutoMode";

    /// <summary>
    /// GetProducts bodies for EC2 Linux on-demand prices in <paramref name="region"/>, as Karpenter's price
    /// generator asks for them: operating system Linux, no pre-installed software, capacity status Used, market
    /// option OnDemand; one query for shared-tenancy "Compute Instance" products and one for "Compute Instance
    /// (bare metal)" products (listed with tenancy Dedicated). <paramref name="exactInstanceType"/> adds an
    /// instanceType filter.
    /// </summary>
    public static IReadOnlyList<JsonObject> Ec2Requests(string region, string? exactInstanceType) => new[]
    {
        Ec2Request(region, exactInstanceType, "Shared", "Compute Instance"),
        Ec2Request(region, exactInstanceType, "Dedicated", "Compute Instance (bare metal)"),
    };

    /// <summary>The first (shared-tenancy) EC2 request of <see cref="Ec2Requests"/>.</summary>
    public static JsonObject Ec2Request(string region, string? exactInstanceType) => Ec2Requests(region, exactInstanceType)[0];

    private static JsonObject Ec2Request(string region, string? exactInstanceType, string tenancy, string productFamily) =>
        Request(Ec2ServiceCode, new (string, string)[]
        {
            ("operatingSystem", "Linux"),
            ("tenancy", tenancy),
            ("preInstalledSw", "NA"),
            ("capacitystatus", "Used"),
            ("marketoption", "OnDemand"),
            ("regionCode", region),
            ("productFamily", productFamily),
        }.Concat(TypeFilter(exactInstanceType)));

    /// <summary>
    /// GetProducts body for the Auto Mode fee in <paramref name="region"/>: service AmazonEKS, operation
    /// EKSAutoUsage, eksproducttype AutoMode, and instanceType when <paramref name="exactInstanceType"/> is given.
    /// </summary>
    public static JsonObject FeeRequest(string region, string? exactInstanceType = null) =>
        Request(EksServiceCode, new[]
        {
            ("operation", AutoModeOperation),
            (EksProductTypeAttribute, AutoModeProductType),
            ("regionCode", region),
        }.Concat(TypeFilter(exactInstanceType)));

    private static IEnumerable<(string, string)> TypeFilter(string? exactInstanceType) =>
        exactInstanceType is null ? Array.Empty<(string, string)>() : new[] { ("instanceType", exactInstanceType) };

    private static JsonObject Request(string serviceCode, IEnumerable<(string Field, string Value)> filters)
    {
        var array = new JsonArray();
        foreach (var (field, value) in filters)
        {
            array.Add(new JsonObject { ["Type"] = "TERM_MATCH", ["Field"] = field, ["Value"] = value });
        }

        return new JsonObject
        {
            ["ServiceCode"] = serviceCode,
            ["Filters"] = array,
            ["FormatVersion"] = "aws_v1",
            ["MaxResults"] = 100,
        };
    }

    /// <summary>Reads one GetProducts page: its prices (one per PriceList item that has an hourly on-demand price) and NextToken.</summary>
    public static (List<PriceListPrice> Prices, string? NextToken) ParsePage(JsonElement page)
    {
        var prices = new List<PriceListPrice>();
        if (page.TryGetProperty("PriceList", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement entry in list.EnumerateArray())
            {
                // The API returns each product as a JSON string; accept an embedded object too.
                PriceListPrice? price;
                if (entry.ValueKind == JsonValueKind.String)
                {
                    using JsonDocument item = JsonDocument.Parse(entry.GetString()!);
                    price = ParseProduct(item.RootElement);
                }
                else
                {
                    price = ParseProduct(entry);
                }

                if (price is not null)
                {
                    prices.Add(price);
                }
            }
        }

        string? next = page.TryGetProperty("NextToken", out JsonElement token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } t ? t : null;
        return (prices, next);
    }

    /// <summary>
    /// One Price List product: instance type (attribute instanceType or instancetype), regionCode, and the
    /// OnDemand term's hourly price. Null when it has no positive hourly on-demand price or no instance type.
    /// </summary>
    public static PriceListPrice? ParseProduct(JsonElement product)
    {
        if (!product.TryGetProperty("product", out JsonElement p) || !p.TryGetProperty("attributes", out JsonElement attributes))
        {
            return null;
        }

        string? type = Attribute(attributes, "instanceType");
        string? region = Attribute(attributes, "regionCode");
        if (type is null || region is null)
        {
            return null;
        }

        if (!product.TryGetProperty("terms", out JsonElement terms) || !terms.TryGetProperty("OnDemand", out JsonElement onDemand))
        {
            return null;
        }

        foreach (JsonProperty term in onDemand.EnumerateObject())
        {
            if (!term.Value.TryGetProperty("priceDimensions", out JsonElement dimensions))
            {
                continue;
            }

            foreach (JsonProperty dimension in dimensions.EnumerateObject())
            {
                string? unit = dimension.Value.TryGetProperty("unit", out JsonElement u) ? u.GetString() : null;
                if (unit is not null && !HourlyUnit().IsMatch(unit))
                {
                    continue;
                }

                if (!dimension.Value.TryGetProperty("pricePerUnit", out JsonElement perUnit))
                {
                    continue;
                }

                foreach (JsonProperty currency in perUnit.EnumerateObject())
                {
                    if (currency.Value.ValueKind == JsonValueKind.String &&
                        decimal.TryParse(currency.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal amount) &&
                        amount > 0m)
                    {
                        string? publication = product.TryGetProperty("publicationDate", out JsonElement pd) ? pd.GetString() : null;
                        return new PriceListPrice(type.ToLowerInvariant(), region.ToLowerInvariant(), amount / 1.0000000000000000000000000000m,
                            currency.Name, Attribute(attributes, "operation"), publication)
                        { ProductType = Attribute(attributes, EksProductTypeAttribute) };
                    }
                }
            }
        }

        return null;
    }

    private static string? Attribute(JsonElement attributes, string name)
    {
        foreach (JsonProperty attribute in attributes.EnumerateObject())
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase) && attribute.Value.ValueKind == JsonValueKind.String)
            {
                return attribute.Value.GetString();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(hrs?|hours?|instance-?hours?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex HourlyUnit();
}
