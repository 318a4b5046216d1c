using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Engine.Reporting.Html;

namespace EksAutoMode.Tests.Unit.Reporting;

public class FleetReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static ReportNode Node(string name, string pool, string type, string capacity = "OnDemand", string compute = "AutoMode", string launch = "AutoModeBuiltIn",
        double expiresInHours = 48, int stateful = 0, string cluster = "prod", string arch = "amd64", decimal? spot = null) => new()
    {
        ClusterName = cluster,
        Name = name,
        InstanceType = type,
        Region = "us-east-1",
        Zone = "us-east-1a",
        Architecture = arch,
        ComputeType = compute,
        CapacityType = capacity,
        LaunchType = launch,
        IsAutoModeManaged = compute == "AutoMode",
        NodePool = pool,
        Ready = true,
        CreatedAt = Now.AddDays(-2),
        Age = TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(-5)),
        ExpiresAt = compute == "AutoMode" ? Now.AddHours(expiresInHours) : null,
        Pods = 5,
        StatefulPods = stateful,
        SpotPrice = spot,
    };

    private static FleetReportInput Fleet()
    {
        var input = new FleetReportInput();
        input.Nodes.AddRange(new[]
        {
            Node("a1", "general-purpose", "m5.large", expiresInHours: 10),
            Node("a2", "general-purpose", "m5.large", expiresInHours: 30, stateful: 2),
            Node("a3", "system", "c6g.large", arch: "arm64", expiresInHours: 30),
            Node("a4", "batch", "m5.xlarge", capacity: "Spot", launch: "AutoModeCustom", spot: 0.05m, expiresInHours: 200),
            Node("ng1", "", "m5.large", compute: "ManagedNodeGroup", launch: "ManagedNodeGroup") with { },
            new ReportNode { ClusterName = "prod", Name = "fargate-1", ComputeType = "Fargate", CapacityType = "Unknown", LaunchType = "Fargate" },
        });
        return input;
    }

    private static FleetReport Build(FleetReportInput input, decimal discount = 0m) =>
        FleetReportBuilder.Build(input, PriceCatalogue.EmbeddedOnly, new FleetReportOptions { Now = Now, Ec2Discount = discount, ToolVersion = "0.9.0" });

    [Fact]
    public void Fleet_counts_nodes_by_compute_type_pool_capacity_and_architecture()
    {
        FleetReport r = Build(Fleet());
        Assert.Equal(6, r.Fleet.Nodes);
        Assert.Equal(4, r.Fleet.AutoModeNodes);
        Assert.Equal(new CountRow("AutoMode", 4), r.Fleet.ByComputeType[0]);
        Assert.Contains(new CountRow("general-purpose", 2), r.Fleet.ByNodePool);
        Assert.Contains(new CountRow("Spot", 1), r.Fleet.ByCapacityType);
        Assert.Contains(new CountRow("arm64", 1), r.Fleet.ByArchitecture);
        Assert.Contains(new CountRow("(unknown)", 1), r.Fleet.ByArchitecture);
    }

    [Fact]
    public void Cost_per_pool_matches_the_cost_engine_grouped_by_pool_and_totals_add_up()
    {
        FleetReportInput input = Fleet();
        FleetReport r = Build(input, discount: 0.2m);

        // The same nodes through Measure-AutoModeCost's engine, grouped by NodePool there.
        var calculator = new CostCalculator(PriceCatalogue.EmbeddedOnly, new CostOptions { Period = CostPeriod.Month, Ec2Discount = 0.2m, GroupBy = CostGrouping.NodePool });
        foreach (ReportNode n in input.Nodes.Where(n => n.InstanceType is not null))
        {
            calculator.Add(new CostInput
            {
                InstanceType = n.InstanceType!, Region = n.Region, AvailabilityZone = n.Zone, NodePool = n.NodePool, SpotPrice = n.SpotPrice,
                CapacityType = CostInputParser.ParseCapacityType(n.CapacityType), LaunchType = CostInputParser.ParseLaunchType(n.LaunchType),
            });
        }

        foreach (var group in calculator.CompleteLines().GroupBy(l => l.NodePool is { Length: > 0 } p ? p : "(no pool)"))
        {
            CostRow row = Assert.Single(r.Cost.ByNodePool, x => x.Key == group.Key);
            Assert.Equal(group.Sum(l => l.Ec2Cost), row.Ec2Cost);
            Assert.Equal(group.Sum(l => l.FeeCost), row.FeeCost);
        }

        CostSummaryResult summary = Assert.Single(calculator.Summaries());
        CostTotalRow total = Assert.Single(r.Cost.Totals);
        Assert.Equal(summary.Ec2Cost, total.Ec2Cost);
        Assert.Equal(summary.FeeCost, total.FeeCost);
        Assert.Equal(r.Cost.ByCapacityType.Sum(c => c.Ec2Cost), total.Ec2Cost);
        Assert.Equal(730m, r.Cost.Hours);
        Assert.Equal(5, total.Instances);
        Assert.Equal(4, total.FeeInstances);
        Assert.Equal(total.FeeCost / total.Ec2Cost * 100m, total.FeePercentOfEc2);

        // The managed node group pays EC2 only; Fargate is listed as not priced, with the reason.
        CostRow ng = Assert.Single(r.Cost.ByNodePool, x => x.Key == "(no pool)");
        Assert.Equal(0m, ng.FeeCost);
        Assert.True(ng.Ec2Cost > 0m);
        Assert.Contains(r.Cost.Unpriced, u => u.Node == "fargate-1" && u.Reason.Contains("Fargate", StringComparison.Ordinal));
        Assert.NotEmpty(r.Cost.PriceSources);
    }

    [Fact]
    public void Discount_lowers_on_demand_ec2_only_never_the_fee_or_spot()
    {
        FleetReport full = Build(Fleet());
        FleetReport discounted = Build(Fleet(), discount: 0.3m);
        CostRow Pool(FleetReport r, string key) => r.Cost.ByNodePool.Single(x => x.Key == key);
        Assert.Equal(Pool(full, "general-purpose").Ec2Cost * 0.7m, Pool(discounted, "general-purpose").Ec2Cost);
        Assert.Equal(Pool(full, "general-purpose").FeeCost, Pool(discounted, "general-purpose").FeeCost);
        Assert.Equal(Pool(full, "batch").Ec2Cost, Pool(discounted, "batch").Ec2Cost); // spot
        Assert.Equal(0.05m * 730m, Pool(discounted, "batch").Ec2Cost);
        Assert.True(Pool(discounted, "general-purpose").FeePercentOfEc2 > Pool(full, "general-purpose").FeePercentOfEc2);
    }

    [Fact]
    public void Cost_lines_are_reported_as_given()
    {
        var input = new FleetReportInput();
        input.CostLines.Add(new ReportCostLine { InstanceType = "m5.large", NodePool = "gp", Count = 3, CapacityType = "OnDemand", FeeApplies = true, Period = "Month", Hours = 730, Ec2Cost = 100m, FeeCost = 12m, Currency = "USD", PriceSource = "Embedded", AsOf = Now.AddDays(-30) });
        input.CostLines.Add(new ReportCostLine { InstanceType = "c6g.large", NodePool = "gp", Count = 1, CapacityType = "Spot", FeeApplies = true, Period = "Month", Hours = 730, Ec2Cost = 10m, FeeCost = 3m, Currency = "USD", PriceSource = "Cache" });
        input.CostLines.Add(new ReportCostLine { InstanceType = "c6g.large", Count = 2, CapacityType = "OnDemand", Period = "Month", Hours = 730, Ec2Cost = 50m, FeeCost = 0m, Currency = "CNY", PriceSource = "Embedded" });
        FleetReport r = Build(input);
        Assert.Equal("CostLines", r.Cost.Basis);
        Assert.Equal(2, r.Cost.Totals.Count); // never USD + CNY
        CostTotalRow usd = r.Cost.Totals.Single(t => t.Currency == "USD");
        Assert.Equal(110m, usd.Ec2Cost);
        Assert.Equal(15m, usd.FeeCost);
        Assert.Equal(4, usd.FeeInstances);
        CostRow gp = r.Cost.ByNodePool.Single(x => x.Key == "gp");
        Assert.Equal(4, gp.Instances);
        Assert.Contains("Cache", gp.PriceSource, StringComparison.Ordinal);
        Assert.Contains("Embedded (as of 2026-11-04)", gp.PriceSource, StringComparison.Ordinal);
        Assert.Contains(r.Cost.ByNodePool, x => x.Key == "(type c6g.large)" && x.Currency == "CNY");
    }

    [Fact]
    public void Expiry_groups_auto_mode_nodes_by_utc_day_and_counts_stateful_nodes()
    {
        FleetReport r = Build(Fleet());
        Assert.Equal(4, r.Expiry.WithExpiry);
        Assert.True(r.Expiry.StatefulKnown);
        Assert.Equal(1, r.Expiry.StatefulNodes);
        // Every day from today to the last expiry, empty days included.
        Assert.Equal(Enumerable.Range(4, 9).Select(d => $"2026-12-{d:00}"), r.Expiry.Days.Select(d => d.Date));
        Assert.Equal(0, r.Expiry.Days.Single(d => d.Date == "2026-12-06").Nodes);
        Assert.Equal(1, r.Expiry.Days.Single(d => d.Date == "2026-12-12").Nodes);
        Assert.All(r.Expiry.Days, d => Assert.False(d.Overdue));
        ExpiryDay day = r.Expiry.Days.Single(d => d.Date == "2026-12-05");
        Assert.Equal(2, day.Nodes);
        Assert.Equal(1, day.StatefulNodes);
        Assert.Equal("a1", r.Expiry.Nodes[0].Node); // soonest first
        Assert.DoesNotContain(r.Expiry.Nodes, n => n.Node == "ng1"); // node groups have no 21-day clock
    }

    [Fact]
    public void Findings_are_ordered_by_severity_and_only_failures_and_warnings_are_listed()
    {
        var input = new FleetReportInput();
        input.Checks.Add(new ReportCheck { CheckId = "W1", Status = "Warn", Severity = "Warning", Title = "w" });
        input.Checks.Add(new ReportCheck { CheckId = "B1", Status = "Fail", Severity = "Blocker", Title = "b", Evidence = new[] { "DaemonSet/kube-system/calico-node: hostNetwork" } });
        input.Checks.Add(new ReportCheck { CheckId = "P1", Status = "Pass", Severity = "Blocker" });
        input.Checks.Add(new ReportCheck { CheckId = "S1", Status = "Skipped", Severity = "Info" });
        FleetReport r = Build(input);
        Assert.Equal(new[] { "B1", "W1" }, r.Readiness.Findings.Select(f => f.CheckId));
        Assert.Equal(1, r.Readiness.Passed);
        Assert.Equal(1, r.Readiness.Skipped);
        Assert.Equal(new[] { new CountRow("Blocker", 1), new CountRow("Warning", 1) }, r.Readiness.BySeverity);
    }

    [Fact]
    public void Stuck_claims_are_those_with_a_diagnosis_or_unready_past_fifteen_minutes()
    {
        var input = new FleetReportInput();
        var diag = new ReportDiagnosis("LaunchUnauthorized", "Error", "not authorised", "Launched=Unknown", "add the policy", "https://docs.aws.amazon.com/eks/");
        input.Claims.Add(new ReportClaim { ClusterName = "c", Name = "diagnosed", Ready = false, Age = TimeSpan.FromMinutes(2), Diagnosis = new[] { diag } });
        input.Claims.Add(new ReportClaim { ClusterName = "c", Name = "slow", Ready = false, WaitingFor = "Registered=Unknown", Age = TimeSpan.FromMinutes(40) });
        input.Claims.Add(new ReportClaim { ClusterName = "c", Name = "young", Ready = false, Age = TimeSpan.FromMinutes(3) });
        input.Claims.Add(new ReportClaim { ClusterName = "c", Name = "ready", Ready = true, Age = TimeSpan.FromDays(3) });
        input.Claims.Add(new ReportClaim { ClusterName = "c", Name = "going", Ready = false, Deleting = true, Age = TimeSpan.FromDays(3) });
        FleetReport r = Build(input);
        Assert.Equal(new[] { "diagnosed", "slow" }, r.NodeClaims.StuckClaims.Select(c => c.Name));
        Assert.Equal(5, r.NodeClaims.NodeClaims);
    }

    [Fact]
    public void Piped_objects_date_their_cluster_by_created_plus_age()
    {
        FleetReport r = Build(Fleet());
        ReportSourceRow source = Assert.Single(r.Sources);
        Assert.Equal("Pipeline", source.Origin);
        Assert.Equal(Now.AddMinutes(-5), source.CollectedAt);

        var input = Fleet();
        input.Collected.Add(new ReportClusterRead("prod", Now.AddMinutes(-1), "us-east-1"));
        Assert.Equal("Collected", Assert.Single(Build(input).Sources).Origin);
    }

    [Fact]
    public void Html_is_self_contained_accessible_and_carries_exact_numbers()
    {
        FleetReportInput input = Fleet();
        input.Validations.Add(new ReportValidation { RuleId = "schema", Severity = "Error", File = "k8s/pool.yaml", Line = 7, Column = 3, FieldPath = "spec.limits.cpu", Message = "Invalid value" });
        FleetReport r = Build(input);
        string html = HtmlReportWriter.Render(r);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        foreach (string section in new[] { "sources", "fleet", "cost", "expiry", "readiness", "validation", "nodeclaims" })
        {
            Assert.Contains($"data-section=\"{section}\"", html, StringComparison.Ordinal);
        }

        // No script and no URL that a browser would load: only the SVG namespace and plain https links.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|srcset)=", RegexOptions.NonBacktracking), html);
        Assert.All(Regex.Matches(html, @"url\(.", RegexOptions.NonBacktracking), m => Assert.Equal("url(#", m.Value)); // same-document SVG patterns only
        Assert.Contains("prefers-color-scheme: dark", html, StringComparison.Ordinal);
        Assert.Contains("@page{size:A4", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);

        // Every chart is an image with a title and a description; every table header cell has a scope.
        int charts = Regex.Matches(html, "<svg class=\"chart\"", RegexOptions.NonBacktracking).Count;
        Assert.True(charts >= 7, $"{charts} charts");
        Assert.Equal(charts, Regex.Matches(html, "role=\"img\" aria-labelledby=", RegexOptions.NonBacktracking).Count);
        Assert.Equal(charts, Regex.Matches(html, "<desc id=", RegexOptions.NonBacktracking).Count);
        Assert.Empty(Regex.Matches(html, "<th>", RegexOptions.NonBacktracking));

        Assert.Contains("data-metric=\"fleet-nodes\" data-value=\"6\"", html, StringComparison.Ordinal);
        CostTotalRow total = r.Cost.Totals[0];
        Assert.Contains($"data-ec2=\"{total.Ec2Cost.ToString(CultureInfo.InvariantCulture)}\" data-fee=\"{total.FeeCost.ToString(CultureInfo.InvariantCulture)}\"", html, StringComparison.Ordinal);
        Assert.Contains("k8s/pool.yaml:7:3", html, StringComparison.Ordinal);
        Assert.Contains("class=\"stateful-row\"", html, StringComparison.Ordinal);
        Assert.Contains("⚠ 2 stateful", html, StringComparison.Ordinal); // text, not colour alone
    }

    [Fact]
    public void Input_text_cannot_inject_markup_control_characters_or_script_links()
    {
        var input = new FleetReportInput();
        input.Nodes.Add(Node("<img src=x onerror=alert(1)>", "pool\"><script>alert(1)</script>", "m5.large") with { ClusterName = "c\u001b[31m\u202Eevil" });
        input.Checks.Add(new ReportCheck { CheckId = "X", Status = "Fail", Severity = "Blocker", Title = "</td><script>", DocUrl = "javascript:alert(1)", Evidence = new[] { "<b>&" } });
        string html = HtmlReportWriter.Render(Build(input));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\u001b", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("c\\e[31m\\u202Eevil", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_holds_the_same_numbers_and_every_expiring_node()
    {
        var input = new FleetReportInput();
        for (int i = 0; i < 400; i++)
        {
            input.Nodes.Add(Node($"n{i}", "general-purpose", "m5.large", expiresInHours: i, stateful: i == 399 ? 1 : 0));
        }

        FleetReport r = Build(input);
        using var doc = JsonDocument.Parse(JsonReportWriter.Render(r));
        JsonElement report = doc.RootElement.GetProperty("report");
        Assert.Equal("1", doc.RootElement.GetProperty("schemaVersion").GetString());
        Assert.Equal(400, report.GetProperty("fleet").GetProperty("nodes").GetInt32());
        Assert.Equal(400, report.GetProperty("expiry").GetProperty("nodes").GetArrayLength());
        Assert.Equal(r.Cost.Totals[0].FeeCost, report.GetProperty("cost").GetProperty("totals")[0].GetProperty("feeCost").GetDecimal());

        // The page bounds its node table but keeps every stateful node and says what it left out.
        string html = HtmlReportWriter.Render(r, maxNodeRows: 100);
        Assert.Equal(101, Regex.Matches(html, "<tr data-node=", RegexOptions.NonBacktracking).Count);
        Assert.Contains("data-node=\"n399\"", html, StringComparison.Ordinal);
        Assert.Contains("data-metric=\"expiry-rows-omitted\" data-value=\"299\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_five_thousand_node_page_stays_bounded()
    {
        var input = new FleetReportInput();
        for (int i = 0; i < 5000; i++)
        {
            input.Nodes.Add(Node($"ip-10-0-{i / 250}-{i % 250}.ec2.internal", $"pool-{i % 20}", i % 3 == 0 ? "c6g.large" : "m5.large",
                capacity: i % 4 == 0 ? "Spot" : "OnDemand", expiresInHours: i % 500, stateful: i % 97 == 0 ? 1 : 0, arch: i % 3 == 0 ? "arm64" : "amd64"));
        }

        FleetReport r = Build(input);
        string html = HtmlReportWriter.Render(r);
        Assert.True(html.Length < 5 * 1024 * 1024, $"{html.Length} characters");
        int stateful = r.Expiry.Nodes.Count(n => n.StatefulPods > 0);
        int rows = Regex.Matches(html, "<tr data-node=", RegexOptions.NonBacktracking).Count;
        Assert.InRange(rows, HtmlReportWriter.DefaultMaxNodeRows, HtmlReportWriter.DefaultMaxNodeRows + stateful);
        Assert.Contains("data-metric=\"fleet-nodes\" data-value=\"5000\"", html, StringComparison.Ordinal);
        // 20 pools: the chart shows 11 and "other (9 groups)", the table all 20.
        Assert.Contains("other (9 groups)", html, StringComparison.Ordinal);
        Assert.Equal(20, Regex.Matches(html, "<tr data-group=\"nodePool\"", RegexOptions.NonBacktracking).Count);
    }

    [Fact]
    public void Pods_owned_by_a_statefulset_or_mounting_a_claim_are_stateful()
    {
        static bool Stateful(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return NodeInventoryReader.IsStateful(doc.RootElement);
        }

        Assert.True(Stateful("""{"metadata":{"ownerReferences":[{"kind":"StatefulSet","name":"db"}]}}"""));
        Assert.True(Stateful("""{"metadata":{},"spec":{"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"data"}}]}}"""));
        Assert.False(Stateful("""{"metadata":{"ownerReferences":[{"kind":"ReplicaSet","name":"web"}]},"spec":{"volumes":[{"name":"e","emptyDir":{}},{"name":"x","ephemeral":{}}]}}"""));
    }
}
