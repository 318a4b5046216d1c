using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Shows what the price catalogue would use for instance types in Regions: EC2 on-demand price and Auto Mode fee,
/// each with its source (Cache, Embedded, Estimated) and as-of date.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModePrice")]
[OutputType(typeof(AutoModePrice))]
public sealed class GetAutoModePriceCommand : EksAutoModeCmdlet
{
    private PriceCatalogue? _catalogue;
    private readonly SortedSet<string> _estimated = new(StringComparer.Ordinal);

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PricedInstanceTypeCompleter))]
    public string[]? InstanceType { get; set; }

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PricingRegionCompleter))]
    [Alias("RegionToCall")]
    public string[]? Region { get; set; }

    protected override void BeginProcessing()
    {
        _catalogue = PriceCatalogue.Load();
        foreach (EngineException warning in _catalogue.LoadWarnings)
        {
            WriteWarning(warning.Message);
        }
    }

    protected override void ProcessRecord()
    {
        string[] regions = Region ?? (PricingMapping.DefaultRegion(null) is { } r ? new[] { r } : Array.Empty<string>());
        if (regions.Length == 0)
        {
            WriteError("RegionRequired", ErrorCategory.InvalidArgument,
                "No Region: pass -Region (for example -Region us-east-1) or set $env:AWS_REGION.", null,
                "Pass -Region or set $env:AWS_REGION.");
            return;
        }

        foreach (string region in regions)
        {
            string normalized = region.Trim().ToLowerInvariant();
            if (!PriceCatalogue.IsRegionCode(normalized))
            {
                WriteError("InvalidRegion", ErrorCategory.InvalidArgument, $"'{region}' is not an AWS Region code (for example ap-northeast-1).", region);
                continue;
            }

            IReadOnlyList<string> known = _catalogue!.InstanceTypes(normalized);
            if (known.Count == 0)
            {
                WriteEngineError(_catalogue.Missing(normalized, InstanceType is { Length: 1 } ? InstanceType[0] : "*"));
                continue;
            }

            foreach (string pattern in InstanceType ?? new[] { "*" })
            {
                IEnumerable<string> types;
                if (WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                    types = known.Where(t => wildcard.IsMatch(t));
                }
                else
                {
                    types = new[] { pattern };
                }

                foreach (string type in types)
                {
                    try
                    {
                        PriceRowResult row = _catalogue.Describe(normalized, type);
                        if (row.FeePriceSource == PriceSource.Estimated)
                        {
                            _estimated.Add($"{row.InstanceType} in {row.Region}");
                        }

                        WriteObject(PricingMapping.ToOutput(row));
                    }
                    catch (EngineException ex)
                    {
                        WriteEngineError(ex);
                    }
                }
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_estimated.Count > 0)
        {
            string which = _estimated.Count <= 5 ? string.Join(", ", _estimated) : $"{string.Join(", ", _estimated.Take(5))} and {_estimated.Count - 5} more";
            WriteWarning($"No published Auto Mode fee in the price catalogue for {which}; FeeHourlyPrice is an estimate of " +
                $"{PricingRules.FeeEstimateFraction * 100m:0.#} % of on-demand (FeePriceSource = Estimated). Run Update-AutoModePriceCache -Region <region> for published fees.");
        }
    }
}
