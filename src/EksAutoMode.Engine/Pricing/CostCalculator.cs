namespace EksAutoMode.Engine.Pricing;

/// <summary>
/// Prices items one at a time (streaming) and groups them. Per-item failures throw <see cref="EngineException"/>
/// from <see cref="Add"/> and leave the totals untouched, so the caller reports them and carries on.
/// </summary>
public sealed class CostCalculator
{
    private readonly PriceCatalogue _catalogue;
    private readonly CostOptions _options;
    private readonly decimal _hours;
    private readonly Dictionary<GroupKey, Group> _groups = new();
    private readonly List<GroupKey> _groupOrder = new();
    private readonly Dictionary<string, Group> _summaries = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _estimatedFees = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _spotAtOnDemand = new(StringComparer.Ordinal);

    // Per-call memos: large fleets repeat the same few zones, types and price origins.
    private readonly Dictionary<string, string> _regionOfText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _regionOfZone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _typeOfText = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Region, string Type), QuoteMemo> _quotes = new();

    public CostCalculator(PriceCatalogue catalogue, CostOptions options)
    {
        _catalogue = catalogue;
        _options = options;
        _hours = options.EffectiveHours;
        if (options.Ec2Discount is < 0m or > 1m)
        {
            throw new EngineException("InvalidDiscount", ErrorKind.InvalidArgument,
                $"Ec2Discount must be between 0 and 1 (0–100 %); got {options.Ec2Discount}.", options.Ec2Discount);
        }

        if (_hours < 0m)
        {
            throw new EngineException("InvalidHours", ErrorKind.InvalidArgument, $"Hours must not be negative; got {_hours}.", _hours);
        }
    }

    /// <summary>"type in region" entries whose fee was estimated at 12 % of on-demand.</summary>
    public IReadOnlyCollection<string> EstimatedFees => _estimatedFees;

    /// <summary>"type in region" spot entries priced at on-demand because no spot price was given.</summary>
    public IReadOnlyCollection<string> SpotPricedAtOnDemand => _spotAtOnDemand;

    /// <summary>Prices one item. Returns its line when grouping is None, else null (lines come from <see cref="CompleteLines"/>).</summary>
    public CostLineResult? Add(CostInput input)
    {
        Priced item = Price(input);
        Accumulate(Summary(item.Currency), item);
        if (_options.GroupBy == CostGrouping.None)
        {
            var single = new Group(item);
            single.Add(item);
            return ToLine(single);
        }

        var key = new GroupKey(
            _options.GroupBy == CostGrouping.NodePool ? (item.NodePool ?? "") : item.InstanceType,
            item.Region, item.CapacityType, item.LaunchType, item.Currency);
        if (!_groups.TryGetValue(key, out Group? group))
        {
            group = new Group(item);
            _groups.Add(key, group);
            _groupOrder.Add(key);
        }

        group.Add(item);
        return null;
    }

    /// <summary>The grouped lines, in first-seen order (empty when grouping is None).</summary>
    public IReadOnlyList<CostLineResult> CompleteLines() => _groupOrder.Select(k => ToLine(_groups[k])).ToList();

    /// <summary>One summary per currency, in first-seen order; empty when nothing was priced.</summary>
    public IReadOnlyList<CostSummaryResult> Summaries() => _summaries.Values.Select(s => new CostSummaryResult
    {
        Currency = s.Currency,
        Period = _options.PeriodLabel,
        Hours = _hours,
        InstanceCount = s.Count,
        FeeInstanceCount = s.FeeCount,
        Ec2Cost = s.EffectiveSum * _hours,
        FeeCost = s.FeeSum * _hours,
        TotalCost = (s.EffectiveSum + s.FeeSum) * _hours,
        OverheadPercent = s.EffectiveSum == 0m ? null : s.FeeSum / s.EffectiveSum * 100m,
        Ec2Discount = _options.Ec2Discount,
        Regions = s.Regions.ToList(),
        PriceSource = s.Source,
        EstimatedFeeCount = s.EstimatedCount,
        AsOf = s.AsOf,
    }).ToList();

    private Group Summary(string currency)
    {
        if (!_summaries.TryGetValue(currency, out Group? summary))
        {
            summary = new Group(currency);
            _summaries.Add(currency, summary);
        }

        return summary;
    }

    private static void Accumulate(Group group, Priced item) => group.Add(item);

    private Priced Price(CostInput input)
    {
        string origin = input.Origin is null ? "" : $" ({input.Origin})";
        if (string.IsNullOrWhiteSpace(input.InstanceType))
        {
            throw new EngineException("InstanceTypeMissing", ErrorKind.InvalidData,
                $"An item has no InstanceType{origin}.", input.Origin) { RecommendedAction = "Give each item an InstanceType property or column." };
        }

        if (!_typeOfText.TryGetValue(input.InstanceType, out string? type))
        {
            type = input.InstanceType.Trim().ToLowerInvariant();
            _typeOfText[input.InstanceType] = type;
        }

        if (input.Count < 0)
        {
            throw new EngineException("InvalidCount", ErrorKind.InvalidData, $"Count must not be negative; got {input.Count} for {type}{origin}.", input.Origin ?? type);
        }

        string region = ResolveRegion(input, type, origin);
        string currency = PriceCatalogue.CurrencyFor(region);

        (bool feeApplies, string feeReason, LaunchType launch) = FeeApplicability.Decide(input.LaunchType, _options.AssumeAutoMode);

        bool spot = input.CapacityType == CapacityType.Spot;
        bool needOnDemandForEc2 = !(spot && input.SpotPrice is not null);
        if (!_quotes.TryGetValue((region, type), out QuoteMemo? quotes))
        {
            quotes = new QuoteMemo(_catalogue.FindEc2(region, type), _catalogue.FindFee(region, type));
            _quotes[(region, type)] = quotes;
        }

        PriceQuote? published = feeApplies && input.FeeHourlyPrice is null ? quotes.Fee : null;
        bool needOnDemandForFee = feeApplies && input.FeeHourlyPrice is null && published is null;

        PriceQuote? onDemand = input.Ec2HourlyPrice is { } odOverride
            ? new PriceQuote(odOverride, currency, PriceSource.Override, null, "-Ec2HourlyPrice", true)
            : quotes.Ec2;
        if (onDemand is null && (needOnDemandForEc2 || needOnDemandForFee))
        {
            throw NotFound(region, type, origin);
        }

        if (onDemand is not null && onDemand.Currency != currency)
        {
            throw new EngineException("CurrencyMismatch", ErrorKind.InvalidData,
                $"The price for {type} in {region} is in {onDemand.Currency}, but {region} is priced in {currency}.", type);
        }

        decimal effective;
        PriceSource ec2Source;
        string ec2Origin;
        int ec2Kind = 0, feeKind = 3, detailFlags = 0;
        DateTimeOffset? asOf = null;
        if (spot && input.SpotPrice is { } spotPrice)
        {
            effective = spotPrice;
            ec2Source = PriceSource.Override;
            ec2Origin = "spot price given";
            ec2Kind = 2;
        }
        else
        {
            effective = onDemand!.HourlyPrice;
            ec2Source = onDemand.Source;
            asOf = onDemand.AsOf;
            ec2Origin = onDemand.Origin;
            ec2Kind = onDemand.Source == PriceSource.Override ? 1 : 0;
            if (spot)
            {
                if (_spotAtOnDemand.Count < 10000)
                {
                    _spotAtOnDemand.Add(type + " in " + region);
                }

                detailFlags = 1;
            }
            else if (_options.Ec2Discount > 0m)
            {
                effective *= 1m - _options.Ec2Discount;
            }
        }

        decimal fee = 0m;
        PriceSource feeSource = PriceSource.None;
        string feeOrigin = "none";
        if (feeApplies)
        {
            PriceQuote quote = input.FeeHourlyPrice is { } feeOverride
                ? new PriceQuote(feeOverride, currency, PriceSource.Override, null, "-FeeHourlyPrice", true)
                : published ?? PriceCatalogue.EstimateFee(onDemand!.HourlyPrice, currency, onDemand.AsOf);
            fee = quote.HourlyPrice;
            feeSource = quote.Source;
            feeOrigin = quote.Origin;
            feeKind = input.FeeHourlyPrice is not null ? 1 : published is not null ? 0 : 2;
            asOf = Older(asOf, quote.AsOf);
            if (quote.Source == PriceSource.Estimated)
            {
                if (_estimatedFees.Count < 10000)
                {
                    _estimatedFees.Add(type + " in " + region);
                }
            }
        }

        return new Priced
        {
            InstanceType = type,
            Region = region,
            Currency = currency,
            Count = input.Count,
            CapacityType = input.CapacityType,
            LaunchType = launch,
            FeeApplies = feeApplies,
            FeeReason = feeReason,
            NodePool = input.NodePool,
            OnDemand = onDemand?.HourlyPrice,
            Effective = effective,
            Fee = fee,
            Ec2Source = ec2Source,
            FeeSource = feeSource,
            AsOf = asOf,
            Detail = quotes.Detail(ec2Kind, feeKind, detailFlags, ec2Origin, feeOrigin),
        };
    }

    /// <summary>Lower-case Region code of a Region or zone text, validated once per distinct text.</summary>
    private string CheckedRegion(string text, bool isZone, string type, string origin)
    {
        Dictionary<string, string> memo = isZone ? _regionOfZone : _regionOfText;
        if (memo.TryGetValue(text, out string? cached))
        {
            return cached;
        }

        string region;
        if (isZone)
        {
            region = PriceCatalogue.RegionOfZone(text.Trim()) ?? throw new EngineException("InvalidAvailabilityZone", ErrorKind.InvalidData,
                $"'{text}' is not an Availability Zone name (for {type}{origin}).", text);
        }
        else
        {
            region = text.Trim().ToLowerInvariant();
            if (!PriceCatalogue.IsRegionCode(region))
            {
                throw new EngineException("InvalidRegion", ErrorKind.InvalidArgument,
                    $"'{region}' is not an AWS Region code (for example ap-northeast-1).", region);
            }
        }

        memo[text] = region;
        return region;
    }

    private string ResolveRegion(CostInput input, string type, string origin)
    {
        if (_options.RegionOverridesItems && Blank(_options.Region) is { } forced)
        {
            return CheckedRegion(forced, false, type, origin);
        }

        if (Blank(input.Region) is { } own)
        {
            return CheckedRegion(own, false, type, origin);
        }

        if (Blank(input.AvailabilityZone) is { } zone)
        {
            return CheckedRegion(zone, true, type, origin);
        }

        if (Blank(_options.Region) is { } fallback)
        {
            return CheckedRegion(fallback, false, type, origin);
        }

        throw new EngineException("RegionRequired", ErrorKind.InvalidArgument,
            $"No Region for {type}{origin}: the item has no Region or AvailabilityZone, and neither -Region nor $env:AWS_REGION is set.", type)
        { RecommendedAction = "Pass -Region (for example -Region us-east-1) or give the items a Region or AvailabilityZone property." };
    }

    private EngineException NotFound(string region, string type, string origin)
    {
        EngineException missing = _catalogue.Missing(region, type);
        return origin.Length == 0 ? missing
            : new EngineException(missing.ErrorId, missing.Kind, missing.Message.Replace($" in {region}.", $" in {region}{origin}.").Replace($"(needed for {type})", $"(needed for {type}{origin})"), missing.Target)
            { RecommendedAction = missing.RecommendedAction };
    }

    private CostLineResult ToLine(Group g)
    {
        decimal? onDemandAvg = g.OnDemandKnown ? (g.Count > 0 ? g.OnDemandSum / g.Count : g.UnitOnDemand) : null;
        decimal effectiveAvg = g.Count > 0 ? g.EffectiveSum / g.Count : g.UnitEffective;
        decimal feeAvg = g.Count > 0 ? g.FeeSum / g.Count : g.UnitFee;
        return new CostLineResult
        {
            InstanceType = string.Join(",", g.Types),
            NodePool = g.NodePools.Count == 0 ? null : string.Join(",", g.NodePools),
            Region = g.Region,
            Count = g.Count,
            CapacityType = g.CapacityType,
            LaunchType = g.LaunchType,
            FeeApplies = g.FeeApplies,
            FeeReason = g.FeeReason,
            Ec2HourlyPrice = onDemandAvg,
            EffectiveEc2HourlyPrice = effectiveAvg,
            FeeHourlyPrice = feeAvg,
            TotalHourlyPrice = effectiveAvg + feeAvg,
            OverheadPercent = effectiveAvg == 0m ? null : feeAvg / effectiveAvg * 100m,
            TotalPercentOfEc2 = effectiveAvg == 0m ? null : (effectiveAvg + feeAvg) / effectiveAvg * 100m,
            Period = _options.PeriodLabel,
            Hours = _hours,
            Ec2Cost = g.EffectiveSum * _hours,
            FeeCost = g.FeeSum * _hours,
            TotalCost = (g.EffectiveSum + g.FeeSum) * _hours,
            Currency = g.Currency,
            Ec2Discount = _options.Ec2Discount,
            PriceSource = g.Source,
            Ec2PriceSource = g.Ec2Source,
            FeePriceSource = g.FeeSource,
            AsOf = g.AsOf,
            SourceDetail = string.Join(" | ", g.Details),
        };
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static DateTimeOffset? Older(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    private static PriceSource Weaker(PriceSource a, PriceSource b) => a > b ? a : b;

    /// <summary>Catalogue quotes for one (Region, type) and the source texts built from them, made once per call.</summary>
    private sealed class QuoteMemo(PriceQuote? ec2, PriceQuote? fee)
    {
        private readonly string?[] _details = new string?[3 * 4 * 2];

        public PriceQuote? Ec2 { get; } = ec2;
        public PriceQuote? Fee { get; } = fee;

        public string Detail(int ec2Kind, int feeKind, int flags, string ec2Origin, string feeOrigin)
        {
            int index = ((ec2Kind * 4) + feeKind) * 2 + flags;
            return _details[index] ??= $"EC2: {ec2Origin}{(flags == 1 ? " (spot priced at on-demand: no spot price given)" : "")}; fee: {feeOrigin}";
        }
    }

    private readonly record struct GroupKey(string Name, string Region, CapacityType CapacityType, LaunchType LaunchType, string Currency);

    private sealed class Priced
    {
        public string InstanceType = "";
        public string Region = "";
        public string Currency = "";
        public int Count;
        public CapacityType CapacityType;
        public LaunchType LaunchType;
        public bool FeeApplies;
        public string FeeReason = "";
        public string? NodePool;
        public decimal? OnDemand;
        public decimal Effective;
        public decimal Fee;
        public PriceSource Ec2Source;
        public PriceSource FeeSource;
        public DateTimeOffset? AsOf;
        public string Detail = "";
    }

    private sealed class Group
    {
        public readonly SortedSet<string> Types = new(StringComparer.Ordinal);
        public readonly SortedSet<string> NodePools = new(StringComparer.Ordinal);
        public readonly SortedSet<string> Regions = new(StringComparer.Ordinal);
        public readonly List<string> Details = new();
        public string Currency;
        public string Region = "";
        public CapacityType CapacityType;
        public LaunchType LaunchType;
        public bool FeeApplies;
        public string FeeReason = "";
        public int Count;
        public int FeeCount;
        public int EstimatedCount;
        public bool OnDemandKnown = true;
        public decimal OnDemandSum, EffectiveSum, FeeSum;
        public decimal? UnitOnDemand;
        public decimal UnitEffective, UnitFee;
        public PriceSource Source, Ec2Source, FeeSource;
        public DateTimeOffset? AsOf;
        private bool _first = true;
        private string? _lastType;
        private string? _lastRegion;
        private string? _lastDetail;

        public Group(string currency) => Currency = currency;

        public Group(Priced first)
        {
            Currency = first.Currency;
            Region = first.Region;
            CapacityType = first.CapacityType;
            LaunchType = first.LaunchType;
            FeeApplies = first.FeeApplies;
            FeeReason = first.FeeReason;
        }

        public void Add(Priced item)
        {
            Count += item.Count;
            if (item.FeeApplies)
            {
                FeeCount += item.Count;
                if (item.FeeSource == PriceSource.Estimated)
                {
                    EstimatedCount += item.Count;
                }
            }

            if (item.OnDemand is { } od)
            {
                OnDemandSum += od * item.Count;
            }
            else
            {
                OnDemandKnown = false;
            }

            EffectiveSum += item.Effective * item.Count;
            FeeSum += item.Fee * item.Count;
            UnitOnDemand = item.OnDemand;
            UnitEffective = item.Effective;
            UnitFee = item.Fee;
            PriceSource itemSource = Weaker(item.Ec2Source, item.FeeSource);
            Source = _first ? itemSource : Weaker(Source, itemSource);
            Ec2Source = _first ? item.Ec2Source : Weaker(Ec2Source, item.Ec2Source);
            FeeSource = _first ? item.FeeSource : Weaker(FeeSource, item.FeeSource);
            AsOf = _first ? item.AsOf : Older(AsOf, item.AsOf);
            _first = false;
            if (!ReferenceEquals(item.InstanceType, _lastType))
            {
                Types.Add(item.InstanceType);
                _lastType = item.InstanceType;
            }

            if (!ReferenceEquals(item.Region, _lastRegion))
            {
                Regions.Add(item.Region);
                _lastRegion = item.Region;
            }
            if (item.NodePool is not null)
            {
                NodePools.Add(item.NodePool);
            }

            if (!ReferenceEquals(item.Detail, _lastDetail) && Details.Count < 8 && !Details.Contains(item.Detail))
            {
                Details.Add(item.Detail);
            }

            _lastDetail = item.Detail;
        }
    }
}
