using System.Globalization;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Engine.Reporting.Html;

public sealed class FleetReportOptions
{
    public string Title { get; init; } = "EKS Auto Mode report";
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
    public string? ToolVersion { get; init; }

    /// <summary>Discount on on-demand EC2 as a fraction 0..1, as Measure-AutoModeCost -Ec2Discount (never on the fee or spot).</summary>
    public decimal Ec2Discount { get; init; }

    /// <summary>Region for nodes that carry neither Region nor Zone.</summary>
    public string? DefaultRegion { get; init; }
}

/// <summary>
/// Builds a <see cref="FleetReport"/> from the module's objects. Costs are priced with the same engine as
/// Measure-AutoModeCost (one item per node, 730-hour month from Data/Pricing/pricing-rules.csv), so the report's
/// totals equal <c>Get-AutoModeNode | Measure-AutoModeCost -Summary</c>; cost lines, when given, are reported as
/// given instead.
/// </summary>
public static class FleetReportBuilder
{
    /// <summary>Karpenter abandons a NodeClaim that has not registered after 15 minutes (https://karpenter.sh/docs/concepts/nodeclaims/).</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(15);

    /// <summary>Longest expiry timeline drawn day by day (Auto Mode nodes live at most 21 days).</summary>
    public const int MaxTimelineDays = 62;

    public const string StatefulRule = "A node holds stateful pods when at least one of its running pods is owned by a StatefulSet or mounts a PersistentVolumeClaim (Get-AutoModeNode's StatefulPods).";

    public static FleetReport Build(FleetReportInput input, PriceCatalogue catalogue, FleetReportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(options);
        return new FleetReport
        {
            Title = options.Title,
            GeneratedAt = options.Now,
            ToolVersion = options.ToolVersion,
            Sources = BuildSources(input, options),
            Fleet = BuildFleet(input),
            Cost = input.CostLines.Count > 0 ? CostFromLines(input.CostLines, options) : CostFromNodes(input.Nodes, catalogue, options, cancellationToken),
            Expiry = BuildExpiry(input.Nodes, options.Now),
            Readiness = BuildChecks(input.Checks),
            Validation = BuildValidation(input.Validations),
            NodeClaims = BuildClaims(input, options.Now),
        };
    }

    private static IReadOnlyList<ReportSourceRow> BuildSources(FleetReportInput input, FleetReportOptions options)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var n in input.Nodes) names.Add(n.ClusterName);
        foreach (var p in input.Pools) names.Add(p.ClusterName);
        foreach (var c in input.Claims) names.Add(c.ClusterName);
        foreach (var c in input.Classes) names.Add(c.ClusterName);
        foreach (var r in input.Collected) names.Add(r.ClusterName);
        var nodeCount = input.Nodes.GroupBy(n => n.ClusterName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var poolCount = input.Pools.GroupBy(n => n.ClusterName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var claimCount = input.Claims.GroupBy(n => n.ClusterName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rows = new List<ReportSourceRow>();
        foreach (string name in names)
        {
            ReportClusterRead? read = input.Collected.LastOrDefault(r => r.ClusterName == name);
            DateTimeOffset? at = read?.CollectedAt;
            string basis;
            if (read is not null)
            {
                basis = "read by Export-AutoModeReport" + (read.Region is { Length: > 0 } region ? $" ({region})" : "");
            }
            else
            {
                // Get-AutoModeNode/-NodeClaim compute Age as (collection time - CreatedAt): their sum is the collection time.
                at = input.Nodes.Where(n => n.ClusterName == name).Select(n => n.CreatedAt + n.Age)
                    .Concat(input.Claims.Where(c => c.ClusterName == name).Select(c => c.CreatedAt + c.Age))
                    .Where(t => t is not null).Max();
                basis = at is null ? "objects from the pipeline; collection time unknown" : "objects from the pipeline; collection time = CreatedAt + Age";
            }

            rows.Add(new ReportSourceRow(name, read is null ? "Pipeline" : "Collected", at, basis,
                nodeCount.GetValueOrDefault(name), poolCount.GetValueOrDefault(name), claimCount.GetValueOrDefault(name)));
        }

        return rows;
    }

    private static FleetSection BuildFleet(FleetReportInput input)
    {
        var nodes = input.Nodes;
        return new FleetSection
        {
            Nodes = nodes.Count,
            Clusters = nodes.Select(n => n.ClusterName).Distinct(StringComparer.Ordinal).Count(),
            AutoModeNodes = nodes.Count(IsAutoMode),
            ReadyNodes = nodes.Count(n => n.Ready),
            ByComputeType = Count(nodes, n => n.ComputeType),
            ByNodePool = Count(nodes, n => PoolKey(n.NodePool)),
            ByCapacityType = Count(nodes, n => n.CapacityType),
            ByArchitecture = Count(nodes, n => n.Architecture ?? "(unknown)"),
            Pools = input.Pools
                .OrderBy(p => p.ClusterName, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new PoolRow(p.ClusterName, p.Name, p.IsAutoMode, p.IsBuiltIn, p.Nodes, p.NodeLimit, p.AtLimit, p.ExpireAfterText, p.Ready,
                    p.Diagnosis.Select(d => d.Code).ToList()))
                .ToList(),
        };
    }

    private static string PoolKey(string? pool) => pool is { Length: > 0 } p ? p : "(no pool)";

    private static bool IsAutoMode(ReportNode n) => n.IsAutoModeManaged || n.ComputeType == "AutoMode";

    /// <summary>Counts by key, largest first, then by key.</summary>
    private static IReadOnlyList<CountRow> Count<T>(IEnumerable<T> items, Func<T, string> key) =>
        items.GroupBy(i => key(i) is { Length: > 0 } k ? k : "(unknown)", StringComparer.Ordinal)
            .Select(g => new CountRow(g.Key, g.Count()))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();

    private sealed class CostAccumulator
    {
        public int Instances;
        public decimal Ec2;
        public decimal Fee;
        public readonly SortedSet<string> Sources = new(StringComparer.Ordinal);
        public DateTimeOffset? AsOf;

        public void Add(int count, decimal ec2, decimal fee, string source, DateTimeOffset? asOf)
        {
            Instances += count;
            Ec2 += ec2;
            Fee += fee;
            if (source.Length > 0) Sources.Add(source);
            if (asOf is { } a && (AsOf is null || a < AsOf)) AsOf = a;
        }
    }

    private static IReadOnlyList<CostRow> Rows(Dictionary<(string Currency, string Key), CostAccumulator> groups) =>
        groups.OrderBy(g => g.Key.Currency, StringComparer.Ordinal).ThenByDescending(g => g.Value.Ec2 + g.Value.Fee).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new CostRow(g.Key.Currency, g.Key.Key, g.Value.Instances, g.Value.Ec2, g.Value.Fee, Percent(g.Value.Fee, g.Value.Ec2),
                string.Join(", ", g.Value.Sources), g.Value.AsOf))
            .ToList();

    private static decimal? Percent(decimal fee, decimal ec2) => ec2 == 0m ? null : fee / ec2 * 100m;

    private static void Add(Dictionary<(string, string), CostAccumulator> groups, string currency, string key, int count, decimal ec2, decimal fee, string source, DateTimeOffset? asOf)
    {
        if (!groups.TryGetValue((currency, key), out CostAccumulator? acc))
        {
            groups[(currency, key)] = acc = new CostAccumulator();
        }

        acc.Add(count, ec2, fee, source, asOf);
    }

    private static CostSection CostFromNodes(IReadOnlyList<ReportNode> nodes, PriceCatalogue catalogue, FleetReportOptions options, CancellationToken cancellationToken)
    {
        if (nodes.Count == 0)
        {
            return new CostSection { Notes = new[] { "No nodes and no cost lines were given." } };
        }

        var calculator = new CostCalculator(catalogue, new CostOptions
        {
            Region = options.DefaultRegion,
            Period = CostPeriod.Month,
            Ec2Discount = options.Ec2Discount,
            GroupBy = CostGrouping.None,
        });
        var byPool = new Dictionary<(string, string), CostAccumulator>();
        var byCapacity = new Dictionary<(string, string), CostAccumulator>();
        var details = new SortedSet<string>(StringComparer.Ordinal);
        var unpriced = new List<UnpricedRow>();
        foreach (ReportNode node in nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(node.InstanceType))
            {
                unpriced.Add(new UnpricedRow(node.ClusterName, node.Name, $"no EC2 instance type ({node.ComputeType}): not an EC2 instance the catalogue prices"));
                continue;
            }

            CostLineResult? line;
            try
            {
                line = calculator.Add(new CostInput
                {
                    InstanceType = node.InstanceType,
                    Region = node.Region,
                    AvailabilityZone = node.Zone,
                    CapacityType = CostInputParser.ParseCapacityType(node.CapacityType is "Unknown" ? null : node.CapacityType),
                    LaunchType = CostInputParser.ParseLaunchType(node.LaunchType),
                    NodePool = node.NodePool,
                    SpotPrice = node.SpotPrice,
                    Origin = $"node {node.Name}",
                });
            }
            catch (EngineException e)
            {
                unpriced.Add(new UnpricedRow(node.ClusterName, node.Name, e.Message));
                continue;
            }

            if (line is null)
            {
                continue;
            }

            string source = Source(line.PriceSource.ToString(), line.AsOf);
            Add(byPool, line.Currency, PoolKey(node.NodePool), line.Count, line.Ec2Cost, line.FeeCost, source, line.AsOf);
            Add(byCapacity, line.Currency, node.CapacityType is { Length: > 0 } ct ? ct : "Unknown", line.Count, line.Ec2Cost, line.FeeCost, source, line.AsOf);
            if (details.Count < 20) details.Add(line.SourceDetail);
        }

        var notes = new List<string>();
        if (calculator.EstimatedFees.Count > 0)
        {
            notes.Add($"Fee estimated at 12 % of on-demand (no published fee in the catalogue) for: {string.Join(", ", calculator.EstimatedFees.Take(10))}{(calculator.EstimatedFees.Count > 10 ? ", …" : "")}.");
        }

        if (calculator.SpotPricedAtOnDemand.Count > 0)
        {
            notes.Add($"Spot nodes without a spot price were priced at on-demand (an upper bound): {string.Join(", ", calculator.SpotPricedAtOnDemand.Take(10))}{(calculator.SpotPricedAtOnDemand.Count > 10 ? ", …" : "")}.");
        }

        if (options.Ec2Discount > 0m)
        {
            notes.Add($"EC2 on-demand prices less {options.Ec2Discount * 100m:0.##} % (-Ec2Discount); never applied to the Auto Mode fee or to spot.");
        }

        return new CostSection
        {
            Basis = "Nodes",
            Period = "Month",
            Hours = PricingRules.HoursIn(CostPeriod.Month),
            Ec2Discount = options.Ec2Discount,
            Totals = calculator.Summaries().Select(s => new CostTotalRow(s.Currency, s.InstanceCount, s.FeeInstanceCount, s.Ec2Cost, s.FeeCost, s.TotalCost, s.OverheadPercent, s.AsOf)).ToList(),
            ByNodePool = Rows(byPool),
            ByCapacityType = Rows(byCapacity),
            PriceSources = details.ToList(),
            Unpriced = unpriced,
            Notes = notes,
        };
    }

    private static CostSection CostFromLines(IReadOnlyList<ReportCostLine> lines, FleetReportOptions options)
    {
        var byPool = new Dictionary<(string, string), CostAccumulator>();
        var byCapacity = new Dictionary<(string, string), CostAccumulator>();
        var totals = new Dictionary<(string, string), CostAccumulator>();
        var feeInstances = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ReportCostLine line in lines)
        {
            string source = Source(line.PriceSource, line.AsOf);
            sources.Add(source);
            Add(byPool, line.Currency, line.NodePool is { Length: > 0 } pool ? pool : $"(type {line.InstanceType})", line.Count, line.Ec2Cost, line.FeeCost, source, line.AsOf);
            Add(byCapacity, line.Currency, line.CapacityType is { Length: > 0 } ct ? ct : "Unknown", line.Count, line.Ec2Cost, line.FeeCost, source, line.AsOf);
            Add(totals, line.Currency, "", line.Count, line.Ec2Cost, line.FeeCost, source, line.AsOf);
            feeInstances[line.Currency] = feeInstances.GetValueOrDefault(line.Currency) + (line.FeeApplies ? line.Count : 0);
        }

        var periods = lines.Select(l => l.Period).Distinct(StringComparer.Ordinal).ToList();
        var discounts = lines.Select(l => l.Ec2Discount).Distinct().ToList();
        var notes = new List<string> { "Costs are the Measure-AutoModeCost lines as given (their period, discount and prices); NodePool is shown when the lines were grouped by pool (-GroupBy NodePool), else the instance type." };
        if (periods.Count > 1) notes.Add($"The lines mix periods ({string.Join(", ", periods)}); totals add them as given.");
        if (options.Ec2Discount > 0m && discounts.Any(d => d != options.Ec2Discount))
        {
            notes.Add($"-Ec2Discount {options.Ec2Discount * 100m:0.##} % is not applied to cost lines; they carry their own discount ({string.Join(", ", discounts.Select(d => (d * 100m).ToString("0.##", CultureInfo.InvariantCulture) + " %"))}).");
        }

        return new CostSection
        {
            Basis = "CostLines",
            Period = periods.Count == 1 ? periods[0] : string.Join(", ", periods),
            Hours = lines.Select(l => l.Hours).Distinct().Count() == 1 ? lines[0].Hours : 0m,
            Ec2Discount = discounts.Count == 1 ? discounts[0] : 0m,
            Totals = totals.OrderBy(t => t.Key.Item1, StringComparer.Ordinal)
                .Select(t => new CostTotalRow(t.Key.Item1, t.Value.Instances, feeInstances[t.Key.Item1], t.Value.Ec2, t.Value.Fee, t.Value.Ec2 + t.Value.Fee, Percent(t.Value.Fee, t.Value.Ec2), t.Value.AsOf))
                .ToList(),
            ByNodePool = Rows(byPool),
            ByCapacityType = Rows(byCapacity),
            PriceSources = sources.ToList(),
            Notes = notes,
        };
    }

    private static string Source(string source, DateTimeOffset? asOf) =>
        asOf is { } a ? $"{source} (as of {a.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})" : source;

    private static ExpirySection BuildExpiry(IReadOnlyList<ReportNode> nodes, DateTimeOffset now)
    {
        var auto = nodes.Where(IsAutoMode).ToList();
        var expiring = auto.Where(n => n.ExpiresAt is not null)
            .OrderBy(n => n.ExpiresAt).ThenBy(n => n.ClusterName, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
        DateTime today = now.UtcDateTime.Date;
        var byDay = expiring.GroupBy(n => n.ExpiresAt!.Value.UtcDateTime.Date).ToDictionary(g => g.Key, g => (Nodes: g.Count(), Stateful: g.Count(n => n.StatefulPods > 0)));
        var days = new List<ExpiryDay>();
        if (byDay.Count > 0)
        {
            // A timeline: every day from today (or the first passed day) to the last expiry, empty days included,
            // unless that spans more than MaxTimelineDays (then only the days with nodes).
            DateTime first = byDay.Keys.Min() < today ? byDay.Keys.Min() : today, last = byDay.Keys.Max();
            IEnumerable<DateTime> range = (last - first).TotalDays <= MaxTimelineDays
                ? Enumerable.Range(0, (int)(last - first).TotalDays + 1).Select(i => first.AddDays(i))
                : byDay.Keys.OrderBy(d => d);
            foreach (DateTime day in range)
            {
                var (count, stateful) = byDay.GetValueOrDefault(day);
                days.Add(new ExpiryDay(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), count, stateful, day < today));
            }
        }

        return new ExpirySection
        {
            AutoModeNodes = auto.Count,
            WithExpiry = expiring.Count,
            NeverExpire = auto.Count - expiring.Count,
            StatefulNodes = expiring.Count(n => n.StatefulPods > 0),
            StatefulKnown = nodes.Any(n => n.StatefulPods is not null),
            StatefulRule = StatefulRule,
            Days = days,
            Nodes = expiring.Select(n => new ExpiryNodeRow(n.ClusterName, n.Name, n.NodePool, n.InstanceType, n.ExpiresAt!.Value, n.Pods, n.StatefulPods)).ToList(),
        };
    }

    private static int SeverityRank(string severity) => severity switch { "Blocker" or "Error" => 0, "Warning" => 1, _ => 2 };

    private static CheckSection BuildChecks(IReadOnlyList<ReportCheck> checks)
    {
        var found = checks.Where(c => c.Status is "Fail" or "Warn")
            .OrderBy(c => SeverityRank(c.Severity)).ThenBy(c => c.Status == "Fail" ? 0 : 1)
            .ThenBy(c => c.ClusterName, StringComparer.Ordinal).ThenBy(c => c.CheckId, StringComparer.Ordinal)
            .ToList();
        return new CheckSection
        {
            Checks = checks.Count,
            Passed = checks.Count(c => c.Status == "Pass"),
            Skipped = checks.Count(c => c.Status == "Skipped"),
            BySeverity = found.GroupBy(c => c.Severity, StringComparer.Ordinal).OrderBy(g => SeverityRank(g.Key))
                .Select(g => new CountRow(g.Key, g.Count())).ToList(),
            Findings = found.Select(c => new CheckRow(c.ClusterName, c.CheckId, c.Category, c.Title, c.Status, c.Severity, c.Message, c.Evidence,
                c.Remediation, c.DocUrl, c.PolicyJson)).ToList(),
            Sources = checks.Where(c => c.Source.Length > 0)
                .Select(c => c.AsOf is { } a ? $"{c.Source} (as of {a.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})" : c.Source)
                .Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal).Take(20).ToList(),
        };
    }

    private static ValidationSection BuildValidation(IReadOnlyList<ReportValidation> findings)
    {
        var shown = findings.Where(f => f.Severity is "Error" or "Warning")
            .OrderBy(f => f.File ?? "", StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Column).ThenBy(f => SeverityRank(f.Severity))
            .ToList();
        return new ValidationSection
        {
            Findings = shown.Count,
            Files = findings.Select(f => f.File ?? "").Distinct(StringComparer.Ordinal).Count(),
            BySeverity = findings.GroupBy(f => f.Severity, StringComparer.Ordinal).OrderBy(g => SeverityRank(g.Key))
                .Select(g => new CountRow(g.Key, g.Count())).ToList(),
            Rows = shown.Select(f => new ValidationRow(f.File, f.Line, f.Column, f.Severity, f.RuleId, f.Kind, f.Name, f.FieldPath, f.Message, f.Hint, f.SourceUrl)).ToList(),
        };
    }

    private static ClaimSection BuildClaims(FleetReportInput input, DateTimeOffset now)
    {
        var stuck = input.Claims
            .Where(c => c.Diagnosis.Count > 0 || (c.Ready != true && !c.Deleting && (c.Age ?? (now - c.CreatedAt)) >= StuckAfter))
            .OrderBy(c => c.ClusterName, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => new StuckClaimRow(c.ClusterName, c.Name, c.NodePool, c.WaitingFor, c.CreatedAt, c.Age, c.Diagnosis))
            .ToList();
        var diagnosed = input.Pools.SelectMany(p => p.Diagnosis.Select(d => new DiagnosedRow("NodePool", p.ClusterName, p.Name, d)))
            .Concat(input.Classes.SelectMany(c => c.Diagnosis.Select(d => new DiagnosedRow(c.Kind, c.ClusterName, c.Name, d))))
            .OrderBy(r => SeverityRank(r.Diagnosis.Severity)).ThenBy(r => r.ClusterName, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new ClaimSection
        {
            NodeClaims = input.Claims.Count,
            Stuck = stuck.Count,
            StuckRule = "A NodeClaim is stuck when the inventory diagnosis names a cause, or when it is not Ready, not being deleted and older than 15 minutes (Karpenter's registration timeout, https://karpenter.sh/docs/concepts/nodeclaims/).",
            StuckClaims = stuck,
            Diagnosed = diagnosed,
        };
    }
}
