using System.Collections;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Infrastructure;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>
/// Prices instances with the EKS Auto Mode fee: EC2 (with discount or spot) and the fee kept apart. Emits one CostLine
/// per priced item (grouped per -GroupBy) by default, or only the per-currency CostSummary with -Summary. Input: -InstanceType/-Count, pipeline objects bound by property name (Get-EC2Instance
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

    private const string InputSet = "InputObject";
    private CostCalculator? _calculator;
    private PriceCatalogue? _catalogue;
    private bool _regionFromCommandLine;
    private bool _anyOverride;
    private HashSet<string> _commandLine = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = InstanceSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PricedInstanceTypeCompleter))]
    public string[] InstanceType { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Objects to price. Their properties are read by name, as ValueFromPipelineByPropertyName would bind them
    /// (InstanceType, Count, Region, AvailabilityZone, Placement.AvailabilityZone, CapacityType/InstanceLifecycle,
    /// LaunchType, IsAutoMode/AutoModeManaged/IsAutoModeManaged/FeeApplies, Operator.Managed, Tags, NodePool, Ec2HourlyPrice, FeeHourlyPrice,
    /// SpotPrice); reading them directly is several times faster than the parameter binder on large fleets.
    /// Files (from Get-ChildItem) are read as CSV.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Position = 1, ParameterSetName = InstanceSet)]
    [Parameter(ParameterSetName = InputSet)]
    [EmptyCountTransformation]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; } = 1;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PricingRegionCompleter))]
    [Alias("RegionToCall")]
    public string? Region { get; set; }

    [Parameter(ParameterSetName = InstanceSet)]
    [Parameter(ParameterSetName = InputSet)]
    [Alias("Zone")]
    public string? AvailabilityZone { get; set; }

    [Parameter(ParameterSetName = InstanceSet)]
    [Parameter(ParameterSetName = InputSet)]
    [Alias("InstanceLifecycle", "Lifecycle")]
    [ArgumentCompleter(typeof(CapacityTypeCompleter))]
    public string? CapacityType { get; set; }

    [Parameter(ParameterSetName = InstanceSet)]
    [Parameter(ParameterSetName = InputSet)]
    [ArgumentCompleter(typeof(LaunchTypeCompleter))]
    public string? LaunchType { get; set; }

    [Parameter(ParameterSetName = InstanceSet)]
    [Parameter(ParameterSetName = InputSet)]
    [Alias("AutoModeManaged", "IsAutoModeManaged")]
    public object? IsAutoMode { get; set; }

    [Parameter(ParameterSetName = InstanceSet)]
    [Parameter(ParameterSetName = InputSet)]
    [ArgumentCompleter(typeof(NodePoolNameCompleter))]
    public string? NodePool { get; set; }

    [Parameter]
    [ValidateNonNegative]
    public decimal? Ec2HourlyPrice { get; set; }

    [Parameter]
    [ValidateNonNegative]
    public decimal? FeeHourlyPrice { get; set; }

    [Parameter]
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
        _commandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        _regionFromCommandLine = _commandLine.Contains(nameof(Region));
        _anyOverride = _regionFromCommandLine || (ParameterSetName != InstanceSet && _commandLine.Contains(nameof(Count))) ||
            new[] { nameof(AvailabilityZone), nameof(CapacityType), nameof(LaunchType), nameof(IsAutoMode), nameof(NodePool), nameof(Ec2HourlyPrice), nameof(FeeHourlyPrice), nameof(SpotPrice) }
                .Any(_commandLine.Contains);
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
        switch (ParameterSetName)
        {
            case InstanceSet:
                foreach (string type in InstanceType)
                {
                    PriceBuilt(() => Overrides(new CostInput { InstanceType = type, Count = Count }));
                }

                break;
            case InputSet:
                if (InputObject?.BaseObject is FileInfo file)
                {
                    PriceFiles(new[] { file.FullName }, literal: true);
                }
                else if (InputObject is not null)
                {
                    PriceBuilt(() => FromObject(InputObject) is { } fromObject ? Overrides(fromObject) : null);
                }

                break;
            default:
                PriceFiles(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet);
                break;
        }
    }

    private void PriceBuilt(Func<CostInput?> build)
    {
        CostInput? input;
        try
        {
            input = build();
        }
        catch (EngineException ex)
        {
            WriteEngineError(ex);
            return;
        }

        if (input is not null)
        {
            Price(input);
        }
    }

    private void PriceFiles(IEnumerable<string> paths, bool literal)
    {
        foreach (string file in ResolveFiles(paths, literal, recurse: false, s_csvExtensions))
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
                        PriceBuilt(() => Overrides(input!));
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

        if (_skippedNotEc2.Count > 0)
        {
            WriteWarning("Not priced (not EC2 instances, no Auto Mode fee): " +
                string.Join(", ", _skippedNotEc2.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} {p.Key} node(s)")) + ".");
        }

        if (_calculator.SpotPricedAtOnDemand.Count > 0)
        {
            WriteWarning($"Spot capacity without a spot price for {Describe(_calculator.SpotPricedAtOnDemand)}: EC2 was priced at on-demand (an upper bound). Pass -SpotPrice or a SpotPrice property.");
        }

        // Lines by default, the per-currency summary only with -Summary: one output type per call, so that
        // Measure-Object -Sum and Export-Csv see uniform objects and never count a total twice.
        if (!Summary.IsPresent)
        {
            foreach (CostLineResult line in _calculator.CompleteLines())
            {
                WriteObject(PricingMapping.ToOutput(line));
            }

            return;
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

    // Property names (and aliases) read from pipeline objects, and the slot each fills.
    private const int SlotType = 0, SlotCount = 1, SlotZone = 2, SlotPlacement = 3, SlotCapacity = 4, SlotLaunch = 5, SlotAuto = 6,
        SlotOperator = 7, SlotTags = 8, SlotPool = 9, SlotEc2 = 10, SlotFee = 11, SlotSpot = 12, SlotCount_ = 13;

    private static readonly (string Name, int Slot)[] s_properties =
    {
        ("InstanceType", SlotType), ("Type", SlotType), ("Count", SlotCount), ("AvailabilityZone", SlotZone), ("Zone", SlotZone),
        ("Placement", SlotPlacement), ("CapacityType", SlotCapacity), ("InstanceLifecycle", SlotCapacity),
        ("LaunchType", SlotLaunch), ("IsAutoMode", SlotAuto), ("AutoModeManaged", SlotAuto), ("IsAutoModeManaged", SlotAuto), ("FeeApplies", SlotAuto),
        ("Operator", SlotOperator), ("Tags", SlotTags), ("NodePool", SlotPool), ("Ec2HourlyPrice", SlotEc2),
        ("FeeHourlyPrice", SlotFee), ("SpotPrice", SlotSpot),
    };

    private readonly object?[] _slots = new object?[SlotCount_];

    // Fargate / hybrid nodes skipped, by compute type (one warning at the end).
    private readonly Dictionary<string, int> _skippedNotEc2 = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Fills <see cref="_slots"/> from the object's properties by name; the first name found for a slot wins (primary
    /// names come before aliases). Named lookups measured about twice as fast as enumerating the properties of a
    /// PSCustomObject, and they avoid materialising the dozens of adapted properties of SDK objects.
    /// </summary>
    private void ReadSlots(PSObject item)
    {
        Array.Clear(_slots);
        PSMemberInfoCollection<PSPropertyInfo> properties = item.Properties;
        foreach (var (name, slot) in s_properties)
        {
            // Placement only matters without a zone; Operator and Tags only without a launch type or NodePool
            // (read on demand by FromObject): every lookup of a missing property costs time on large fleets.
            if (_slots[slot] is not null || slot is SlotOperator or SlotTags || (slot == SlotPlacement && _slots[SlotZone] is not null))
            {
                continue;
            }

            if (properties[name] is { } property)
            {
                _slots[slot] = PropertyValues.TryValue(property, out object? value) ? value : null;
            }
        }
    }

    /// <summary>Reads an item from a pipeline object's properties (names and aliases as documented).</summary>
    private CostInput? FromObject(PSObject item)
    {
        ReadSlots(item);
        string? type = Text(_slots[SlotType]);
        if (type is null && Text(Property(item, "ComputeType")) is { } computeType && CostInputParser.IsNotEc2(computeType))
        {
            // A Fargate or hybrid node from Get-AutoModeNode: no EC2 price and no fee; counted and named once at the end.
            _skippedNotEc2[computeType] = _skippedNotEc2.GetValueOrDefault(computeType) + 1;
            WriteVerbose($"Skipped {DisplayText.Escape(Text(Property(item, "Name")) ?? "a node")} ({computeType}): not an EC2 instance, so no EC2 price or Auto Mode fee.");
            return null;
        }

        if (type is null)
        {
            throw new EngineException("InstanceTypeMissing", ErrorKind.InvalidData,
                "The input object has no InstanceType property.", item.BaseObject)
            { RecommendedAction = "Pipe objects with an InstanceType property (Get-EC2Instance instances, Import-Csv rows), or use -InstanceType." };
        }

        // An empty Count (Import-Csv gives '' for an empty column) means one instance, as in a CSV file.
        int count = 1;
        if (_slots[SlotCount] is { } countValue && !(countValue is string blank && string.IsNullOrWhiteSpace(blank)) && !TryCount(countValue, out count))
        {
            throw new EngineException("InvalidCount", ErrorKind.InvalidData, $"Count '{countValue}' of {type} is not a whole number ≥ 0.", countValue);
        }

        string? zone = Text(_slots[SlotZone]);
        if (zone is null && _slots[SlotPlacement] is { } placement)
        {
            zone = Text(Property(placement, "AvailabilityZone"));
        }

        LaunchType launch = CostInputParser.ParseLaunchType(Text(_slots[SlotLaunch]));
        if (launch == Engine.Pricing.LaunchType.Unknown && CostInputParser.ParseFlag(Flag(_slots[SlotAuto])) is { } isAuto)
        {
            launch = isAuto ? Engine.Pricing.LaunchType.AutoMode : Engine.Pricing.LaunchType.SelfManaged;
        }

        string? nodePool = Text(_slots[SlotPool]);
        object? tags = launch == Engine.Pricing.LaunchType.Unknown || nodePool is null ? Property(item, "Tags") : null;
        if (launch == Engine.Pricing.LaunchType.Unknown || (nodePool is null && tags is not null))
        {
            object? op = Property(item, "Operator");
            bool? managed = op is null ? null : CostInputParser.ParseFlag(Flag(Property(op, "Managed")));
            string? principal = op is null ? null : Text(Property(op, "Principal"));
            LaunchType? detected = CostInputParser.FromEc2(managed, principal, TagMap(tags), out string? poolFromTags);
            if (launch == Engine.Pricing.LaunchType.Unknown && detected is { } d)
            {
                launch = d;
            }

            nodePool ??= poolFromTags;
        }

        return new CostInput
        {
            InstanceType = type,
            Count = count,
            Region = Region,
            AvailabilityZone = zone,
            CapacityType = CostInputParser.ParseCapacityType(Text(_slots[SlotCapacity])),
            LaunchType = launch,
            NodePool = nodePool,
            Ec2HourlyPrice = Price(_slots[SlotEc2], "Ec2HourlyPrice", type),
            FeeHourlyPrice = Price(_slots[SlotFee], "FeeHourlyPrice", type),
            SpotPrice = Price(_slots[SlotSpot], "SpotPrice", type),
        };
    }

    /// <summary>Parameters given on the command line apply to every item and beat the item's own values.</summary>
    private CostInput Overrides(CostInput input)
    {
        if (!_anyOverride)
        {
            return input;
        }

        bool Given(string name) => _commandLine.Contains(name);

        LaunchType launch = input.LaunchType;
        if (Given(nameof(LaunchType)))
        {
            launch = CostInputParser.ParseLaunchType(LaunchType);
        }
        else if (Given(nameof(IsAutoMode)) && CostInputParser.ParseFlag(Flag(IsAutoMode)) is { } isAuto)
        {
            launch = isAuto ? Engine.Pricing.LaunchType.AutoMode : Engine.Pricing.LaunchType.SelfManaged;
        }

        return new CostInput
        {
            InstanceType = input.InstanceType,
            Count = Given(nameof(Count)) ? Count : input.Count,
            Region = _regionFromCommandLine ? null : input.Region,
            AvailabilityZone = Given(nameof(AvailabilityZone)) ? AvailabilityZone : input.AvailabilityZone,
            CapacityType = Given(nameof(CapacityType)) ? CostInputParser.ParseCapacityType(CapacityType) : input.CapacityType,
            LaunchType = launch,
            NodePool = Given(nameof(NodePool)) ? NodePool : input.NodePool,
            Ec2HourlyPrice = Given(nameof(Ec2HourlyPrice)) ? Ec2HourlyPrice : input.Ec2HourlyPrice,
            FeeHourlyPrice = Given(nameof(FeeHourlyPrice)) ? FeeHourlyPrice : input.FeeHourlyPrice,
            SpotPrice = Given(nameof(SpotPrice)) ? SpotPrice : input.SpotPrice,
            Origin = input.Origin,
        };
    }

    private static bool TryCount(object value, out int count)
    {
        count = 0;
        switch (value)
        {
            case int i:
                count = i;
                return i >= 0;
            case long or short or byte or uint or ulong or ushort or sbyte or double or float or decimal:
                try
                {
                    decimal d = Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
                    if (d < 0 || d != decimal.Truncate(d) || d > int.MaxValue)
                    {
                        return false;
                    }

                    count = (int)d;
                    return true;
                }
                catch (OverflowException)
                {
                    return false;
                }

            default:
                return int.TryParse(value.ToString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out count) && count >= 0;
        }
    }

    private static decimal? Price(object? value, string name, string type)
    {
        if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
        {
            return null;
        }

        decimal price;
        try
        {
            price = value is string text
                ? decimal.Parse(text.Trim().TrimStart('$'), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture)
                : Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            throw new EngineException("InvalidPrice", ErrorKind.InvalidData, $"{name} '{value}' of {type} is not a price.", value);
        }

        if (price < 0m)
        {
            throw new EngineException("InvalidPrice", ErrorKind.InvalidData, $"{name} {price} of {type} is negative; prices must be 0 or more.", value);
        }

        return price;
    }

    private static string? Text(object? value)
    {
        string? text = value?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static string? Flag(object? value) => value switch
    {
        null => null,
        PSObject ps => Flag(ps.BaseObject),
        SwitchParameter s => s.IsPresent ? "true" : "false",
        bool b => b ? "true" : "false",
        _ => value.ToString(),
    };

    private static object? Property(object target, string name) => PropertyValues.Get(target as PSObject ?? PSObject.AsPSObject(target), name);

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
