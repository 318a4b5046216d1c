using System.Collections;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Prices instances with the EKS Auto Mode fee: EC2 (with discount or spot) and the fee kept apart, per line and in a
/// per-currency summary. Input: -InstanceType/-Count, pipeline objects bound by property name (Get-EC2Instance
/// instances, Import-Csv rows, node inventory), or -Path/-LiteralPath CSV files.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AutoModeCost", DefaultParameterSetName = InstanceSet)]
[OutputType(typeof(CostLine), typeof(CostSummary))]
public sealed class MeasureAutoModeCostCommand : EksAutoModeCmdlet
{
    private const string InstanceSet = "InstanceType";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private static readonly string[] s_csvExtensions = { ".csv" };

    private CostCalculator? _calculator;
    private PriceCatalogue? _catalogue;
    private bool _regionFromCommandLine;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PricedInstanceTypeCompleter))]
    public string InstanceType { get; set; } = "";

    [Parameter(Position = 1, ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; } = 1;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PricingRegionCompleter))]
    [Alias("RegionToCall")]
    public string? Region { get; set; }

    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Zone")]
    public string? AvailabilityZone { get; set; }

    /// <summary>EC2 Instance.Placement (its AvailabilityZone gives the Region).</summary>
    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public object? Placement { get; set; }

    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceLifecycle", "Lifecycle")]
    [ArgumentCompleter(typeof(CapacityTypeCompleter))]
    public string? CapacityType { get; set; }

    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(LaunchTypeCompleter))]
    public string? LaunchType { get; set; }

    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    [Alias("AutoModeManaged", "IsAutoModeManaged")]
    public object? IsAutoMode { get; set; }

    /// <summary>EC2 Instance.Operator (Managed, Principal): Auto Mode instances are EC2 managed instances.</summary>
    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public object? Operator { get; set; }

    /// <summary>EC2 Instance.Tags (Key/Value list) or a hashtable.</summary>
    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("Tag")]
    public object? Tags { get; set; }

    [Parameter(ParameterSetName = InstanceSet, ValueFromPipelineByPropertyName = true)]
    public string? NodePool { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNonNegative]
    public decimal? Ec2HourlyPrice { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNonNegative]
    public decimal? FeeHourlyPrice { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNonNegative]
    public decimal? SpotPrice { get; set; }

    [Parameter]
    public CostPeriod Period { get; set; } = CostPeriod.Month;

    [Parameter]
    [ValidateNonNegative]
    public double? Hours { get; set; }

    [Parameter]
    [DiscountTransformation]
    [ValidateDiscount]
    public double Ec2Discount { get; set; }

    [Parameter]
    public SwitchParameter AssumeAutoMode { get; set; }

    [Parameter]
    public CostGroupBy GroupBy { get; set; } = CostGroupBy.InstanceType;

    [Parameter]
    public SwitchParameter Summary { get; set; }

    protected override void BeginProcessing()
    {
        _regionFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Region));
        _catalogue = PriceCatalogue.Load();
        foreach (EngineException warning in _catalogue.LoadWarnings)
        {
            WriteWarning(warning.Message);
        }

        try
        {
            _calculator = new CostCalculator(_catalogue, new CostOptions
            {
                Region = PricingMapping.DefaultRegion(_regionFromCommandLine ? Region : null),
                RegionOverridesItems = _regionFromCommandLine,
                Period = (Engine.Pricing.CostPeriod)(int)Period,
                Hours = Hours is { } h ? (decimal)h : null,
                Ec2Discount = (decimal)Ec2Discount,
                AssumeAutoMode = AssumeAutoMode.IsPresent,
                GroupBy = (CostGrouping)(int)GroupBy,
            });
        }
        catch (EngineException ex)
        {
            ThrowEngineError(ex);
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InstanceSet)
        {
            CostInput input;
            try
            {
                input = BuildInput();
            }
            catch (EngineException ex)
            {
                WriteEngineError(ex);
                return;
            }

            Price(input);
            return;
        }

        IReadOnlyList<string> files = ResolveFiles(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet, recurse: false, s_csvExtensions);
        foreach (string file in files)
        {
            try
            {
                foreach (var (input, error) in CostCsvReader.Read(file, CancellationToken))
                {
                    if (error is not null)
                    {
                        WriteEngineError(error);
                    }
                    else
                    {
                        Price(input!);
                    }
                }
            }
            catch (EngineException ex)
            {
                WriteEngineError(ex);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }
    }

    protected override void EndProcessing()
    {
        if (_calculator is null)
        {
            return;
        }

        // One warning per call for each kind of guess, never silence; written before the results so that
        // Select-Object -First (which stops the pipeline) cannot drop it.
        if (_calculator.EstimatedFees.Count > 0)
        {
            WriteWarning($"No published Auto Mode fee in the price catalogue for {Describe(_calculator.EstimatedFees)}; the fee was estimated at " +
                $"{PricingRules.FeeEstimateFraction * 100m:0.#} % of the on-demand price (PriceSource = Estimated). " +
                "Run Update-AutoModePriceCache -Region <region> for published fees, or pass -FeeHourlyPrice.");
        }

        if (_calculator.SpotPricedAtOnDemand.Count > 0)
        {
            WriteWarning($"Spot capacity without a spot price for {Describe(_calculator.SpotPricedAtOnDemand)}: EC2 was priced at on-demand (an upper bound). Pass -SpotPrice or a SpotPrice property.");
        }

        if (!Summary.IsPresent)
        {
            foreach (CostLineResult line in _calculator.CompleteLines())
            {
                WriteObject(PricingMapping.ToOutput(line));
            }
        }

        foreach (CostSummaryResult summary in _calculator.Summaries())
        {
            WriteObject(PricingMapping.ToOutput(summary));
        }
    }

    private static string Describe(IReadOnlyCollection<string> items) =>
        items.Count <= 5 ? string.Join(", ", items) : string.Join(", ", items.Take(5)) + $" and {items.Count - 5} more";

    private void Price(CostInput input)
    {
        try
        {
            CostLineResult? line = _calculator!.Add(input);
            if (line is not null && !Summary.IsPresent)
            {
                WriteObject(PricingMapping.ToOutput(line));
            }
        }
        catch (EngineException ex)
        {
            WriteEngineError(ex);
        }
    }

    private CostInput BuildInput()
    {
        string? zone = AvailabilityZone;
        if (string.IsNullOrEmpty(zone) && Placement is not null)
        {
            zone = Property(Placement, "AvailabilityZone")?.ToString();
        }

        string? nodePool = NodePool;
        Engine.Pricing.LaunchType launch = CostInputParser.ParseLaunchType(LaunchType);
        if (launch == Engine.Pricing.LaunchType.Unknown && IsAutoMode is not null && CostInputParser.ParseFlag(Flag(IsAutoMode)) is { } isAuto)
        {
            launch = isAuto ? Engine.Pricing.LaunchType.AutoMode : Engine.Pricing.LaunchType.SelfManaged;
        }

        if (launch == Engine.Pricing.LaunchType.Unknown || (nodePool is null && Tags is not null))
        {
            bool? managed = Operator is null ? null : CostInputParser.ParseFlag(Flag(Property(Operator, "Managed")));
            string? principal = Operator is null ? null : Property(Operator, "Principal")?.ToString();
            LaunchType? fromEc2 = CostInputParser.FromEc2(managed, principal, TagMap(Tags), out string? poolFromTags);
            if (launch == Engine.Pricing.LaunchType.Unknown && fromEc2 is { } detected)
            {
                launch = detected;
            }

            nodePool ??= poolFromTags;
        }

        return new CostInput
        {
            InstanceType = InstanceType,
            Count = Count,
            Region = _regionFromCommandLine ? null : Region,
            AvailabilityZone = zone,
            CapacityType = CostInputParser.ParseCapacityType(CapacityType),
            LaunchType = launch,
            NodePool = nodePool,
            Ec2HourlyPrice = Ec2HourlyPrice,
            FeeHourlyPrice = FeeHourlyPrice,
            SpotPrice = SpotPrice,
        };
    }

    private static string? Flag(object? value) => value switch
    {
        null => null,
        PSObject ps => Flag(ps.BaseObject),
        SwitchParameter s => s.IsPresent ? "true" : "false",
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };

    private static object? Property(object target, string name)
    {
        PSObject ps = PSObject.AsPSObject(target);
        object? value = ps.Properties[name]?.Value;
        return value is PSObject inner ? inner.BaseObject : value;
    }

    /// <summary>Tags as a key → value map: EC2 Tag objects (Key/Value), hashtables, or key=value strings.</summary>
    private static Dictionary<string, string>? TagMap(object? tags)
    {
        object? value = tags is PSObject ps ? ps.BaseObject : tags;
        if (value is null)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                map[entry.Key.ToString() ?? ""] = entry.Value?.ToString() ?? "";
            }

            return map;
        }

        IEnumerable items = value is IEnumerable enumerable and not string ? enumerable : new[] { value };
        foreach (object? item in items)
        {
            if (item is null)
            {
                continue;
            }

            object? key = Property(item, "Key");
            if (key is not null)
            {
                map[key.ToString()!] = Property(item, "Value")?.ToString() ?? "";
            }
            else if (item.ToString() is { } text && text.IndexOf('=') is var eq and > 0)
            {
                map[text[..eq]] = text[(eq + 1)..];
            }
        }

        return map;
    }
}
