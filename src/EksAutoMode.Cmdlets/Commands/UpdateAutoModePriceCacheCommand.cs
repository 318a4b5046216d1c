using System.Collections;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Fetches EC2 on-demand prices and the EKS Auto Mode fee for Regions from the AWS Price List Query API
/// (GetProducts, signed) and writes them to the per-user price cache that Measure-AutoModeCost and
/// Get-AutoModePrice prefer over the embedded snapshot.
/// </summary>
[Cmdlet(VerbsData.Update, "AutoModePriceCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PriceCacheUpdate))]
public sealed class UpdateAutoModePriceCacheCommand : AwsCmdlet
{
    private const string Activity = "Updating the Auto Mode price cache";

    /// <summary>Limits the refresh to matching instance types (wildcards * and ?); other cached types are kept.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PricedInstanceTypeCompleter))]
    public string? InstanceType { get; set; }

    protected override void ProcessRecord()
    {
        // -Region here names the Regions to price (one or more); the calls go to the Price List endpoint that
        // serves them (us-east-1, ap-south-1, eu-central-1 or cn-northwest-1), or to -EndpointUrl.
        List<string> regions = RegionList(Region);
        AwsSession? session = null;
        if (regions.Count > 0)
        {
            Region = PricingEndpoint.RegionFor(regions[0]);
        }
        else
        {
            session = GetAwsSession();
            regions.Add(session.Region);
        }

        string path = PriceCacheStore.DefaultPath;
        for (int i = 0; i < regions.Count; i++)
        {
            string region = regions[i].ToLowerInvariant();
            if (!PriceCatalogue.IsRegionCode(region))
            {
                WriteError("InvalidRegion", ErrorCategory.InvalidArgument, $"'{regions[i]}' is not an AWS Region code (for example ap-northeast-1).", regions[i]);
                continue;
            }

            string pricingRegion = PricingEndpoint.RegionFor(region);
            string endpoint = AwsService.Pricing.Endpoint(pricingRegion, ConfiguredEndpoints().For(AwsService.Pricing)).ToString();
            string what = InstanceType is null ? $"EC2 prices and Auto Mode fees for {region}" : $"EC2 prices and Auto Mode fees for {InstanceType} in {region}";
            if (!ShouldProcess(path, $"Write {what} (from {endpoint})"))
            {
                continue;
            }

            // Credentials are resolved only once something will really be fetched (-WhatIf never touches AWS).
            session ??= GetAwsSession();
            WriteItemProgress(Activity, i, regions.Count, region);
            WriteVerbose($"GetProducts for {region} via {endpoint} (AmazonEC2 Linux on-demand; AmazonEKS {PriceListParser.AutoModeOperation}).");
            try
            {
                AwsSession current = session;
                var refresher = new PriceListRefresher(async (callRegion, body, ct) =>
                    RequirePriceListShape(await current.Client.InvokeJson11Async(AwsService.Pricing, "AWSPriceListService", "GetProducts", body,
                        new AwsCallOptions { Region = callRegion, Target = region }, ct).ConfigureAwait(false), region));
                PriceCacheRegion fetched = RunAws(ct => AwsServiceException.ReadResponseAsync("Pricing", "GetProducts", region,
                    () => refresher.FetchRegionAsync(region, InstanceType, endpoint, null, ct)));

                // Under the cache's lock: a parallel Update-AutoModePriceCache (another Region) is never lost.
                var unreadable = new List<EngineException>();
                RunAws(ct => Task.FromResult(PriceCacheStore.Update(path,
                    document => PriceCacheStore.Merge(document, region, fetched, replace: InstanceType is null), unreadable.Add, ct)));
                foreach (EngineException problem in unreadable)
                {
                    WriteWarning(problem.Message.Replace("It is ignored; embedded prices are used.", "It is replaced."));
                }

                if (fetched.Fee.Count == 0)
                {
                    WriteWarning($"The Price List returned no Auto Mode fee ({PriceListParser.AutoModeOperation}) for {region}; fees there stay estimated at 12 % of on-demand.");
                }

                WriteObject(new PriceCacheUpdate
                {
                    Region = region,
                    Currency = fetched.Currency,
                    Ec2PriceCount = fetched.Ec2.Count,
                    FeePriceCount = fetched.Fee.Count,
                    PricingEndpoint = Redaction.Redact(endpoint),
                    AsOf = fetched.AsOf,
                    PublicationDate = fetched.PublicationDate,
                    Path = path,
                });
            }
            catch (EngineException ex)
            {
                WriteEngineError(ex);
            }
        }

        CompleteProgress(Activity);
    }

    /// <summary>
    /// A GetProducts page whose PriceList is not a list would otherwise read as "no prices" (NoPricesFound);
    /// it is an answer we did not expect, and says so.
    /// </summary>
    private static System.Text.Json.JsonDocument RequirePriceListShape(System.Text.Json.JsonDocument page, string region)
    {
        if (page.RootElement.TryGetProperty("PriceList", out System.Text.Json.JsonElement list)
            && list.ValueKind is not (System.Text.Json.JsonValueKind.Array or System.Text.Json.JsonValueKind.Null))
        {
            string kind = list.ValueKind.ToString().ToLowerInvariant();
            page.Dispose();
            throw AwsServiceException.InvalidResponse("Pricing", "GetProducts", $"'PriceList' as a JSON {kind} instead of a list", region);
        }

        return page;
    }

    /// <summary>-Region as a list: one string, several (array), or AWS.Tools region objects.</summary>
    private static List<string> RegionList(object? value)
    {
        var list = new List<string>();
        object? baseObject = value is PSObject ps ? ps.BaseObject : value;
        if (baseObject is null)
        {
            return list;
        }

        IEnumerable items = baseObject is IEnumerable enumerable and not string ? enumerable : new[] { baseObject };
        foreach (object? item in items)
        {
            string? text = AwsCmdlet.RegionText(item);
            if (text is not null)
            {
                list.AddRange(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return list;
    }
}
