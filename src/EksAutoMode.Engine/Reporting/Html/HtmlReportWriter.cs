using System.Globalization;
using System.Text;

namespace EksAutoMode.Engine.Reporting.Html;

/// <summary>
/// Renders a <see cref="FleetReport"/> as one self-contained HTML page: inline CSS, inline SVG charts, no script and
/// no external URL (works offline and as a mail attachment), light and dark mode (prefers-color-scheme), A4 print
/// (@page, @media print), headings and scoped table headers. Key numbers carry machine-readable data-* attributes
/// with the exact invariant value. All input text is escaped (DisplayText, then HTML).
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>Most rows of the per-node expiry table; stateful nodes are always listed. The JSON holds every node.</summary>
    public const int DefaultMaxNodeRows = 250;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(FleetReport report, int maxNodeRows = DefaultMaxNodeRows)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"EksAutoMode").Append(report.ToolVersion is null ? "" : " " + E(report.ToolVersion)).Append("\">\n")
            .Append("<title>").Append(E(report.Title)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
        sb.Append("<header><h1>").Append(E(report.Title)).Append("</h1><p class=\"meta\">Generated <time datetime=\"").Append(Iso(report.GeneratedAt)).Append("\" data-metric=\"generated-at\" data-value=\"")
            .Append(Iso(report.GeneratedAt)).Append("\">").Append(Time(report.GeneratedAt)).Append("</time> by EksAutoMode").Append(report.ToolVersion is null ? "" : " " + E(report.ToolVersion)).Append(".</p></header>\n");
        sb.Append("<nav aria-label=\"Sections\"><ul><li><a href=\"#sources\">Sources</a></li><li><a href=\"#fleet\">Fleet</a></li><li><a href=\"#cost\">Cost</a></li>")
            .Append("<li><a href=\"#expiry\">Expiry</a></li><li><a href=\"#readiness\">Readiness and IAM</a></li><li><a href=\"#validation\">Validation</a></li><li><a href=\"#nodeclaims\">NodeClaims</a></li></ul></nav>\n<main>\n");
        Sources(sb, report);
        Fleet(sb, report.Fleet);
        Cost(sb, report.Cost);
        Expiry(sb, report.Expiry, maxNodeRows);
        Readiness(sb, report.Readiness);
        Validation(sb, report.Validation);
        Claims(sb, report.NodeClaims);
        sb.Append("</main>\n<footer><p>Costs: EC2 Linux on-demand (or spot) price plus the EKS Auto Mode management fee per instance-hour; a month is ")
            .Append(report.Cost.Hours > 0 ? N(report.Cost.Hours) : "730").Append(" hours. Charts are drawn from the tables next to them.</p></footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string E(string? text) => HtmlText.Encode(text);

    private static string D(decimal value) => value.ToString(Inv);

    private static string N(int value) => value.ToString("#,0", Inv);

    private static string N(decimal value) => value.ToString("#,0.##", Inv);

    private static string Money(string currency, decimal value) => $"{E(currency)} {value.ToString("#,0.00", Inv)}";

    private static string Pct(decimal? value) => value is { } v ? v.ToString("0.0", Inv) + " %" : "–";

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Inv);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv);

    private static string Date(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd", Inv) : "–";

    private static string Span(TimeSpan? t) => t is not { } v ? "–" : v.TotalDays >= 1 ? $"{(int)v.TotalDays} d {v.Hours} h" : v.TotalHours >= 1 ? $"{(int)v.TotalHours} h {v.Minutes} min" : $"{(int)v.TotalMinutes} min";

    private static string Link(string? url, string text)
    {
        // Only plain https links (never javascript: or data:); following one is the reader's choice, nothing loads it.
        if (url is { Length: > 0 } && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps)
        {
            return $"<a href=\"{E(uri.AbsoluteUri)}\" rel=\"noreferrer noopener\">{E(text)}</a>";
        }

        return E(text);
    }

    private static void Open(StringBuilder sb, string id, string heading, string lead)
    {
        sb.Append("<section id=\"").Append(id).Append("\" data-section=\"").Append(id).Append("\" aria-labelledby=\"").Append(id).Append("-h\">\n<h2 id=\"")
            .Append(id).Append("-h\">").Append(heading).Append("</h2>\n");
        if (lead.Length > 0)
        {
            sb.Append("<p class=\"lead\">").Append(lead).Append("</p>\n");
        }
    }

    private static void Empty(StringBuilder sb, string text) => sb.Append("<p class=\"empty\">").Append(text).Append("</p>\n");

    /// <summary>
    /// Opens a table up to its body: the caption (HTML, already escaped) and the column headers; a header written
    /// <c>#Name</c> is a numeric, right-aligned column (class <c>n</c>).
    /// </summary>
    private static void TableHead(StringBuilder sb, string? cssClass, string captionHtml, params string[] columns)
    {
        sb.Append("<table").Append(cssClass is null ? "" : $" class=\"{cssClass}\"").Append("><caption>").Append(captionHtml).Append("</caption><thead><tr>");
        foreach (string column in columns)
        {
            sb.Append(column.StartsWith('#') ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">").Append(column.TrimStart('#')).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
    }

    private static void Stat(StringBuilder sb, string metric, string label, int value, string? note = null) =>
        sb.Append("<div class=\"stat\"><span class=\"num\" data-metric=\"").Append(metric).Append("\" data-value=\"").Append(value.ToString(Inv)).Append("\">").Append(N(value))
            .Append("</span><span class=\"what\">").Append(label).Append(note is null ? "" : $" <small>{note}</small>").Append("</span></div>");

    private static void Sources(StringBuilder sb, FleetReport report)
    {
        Open(sb, "sources", "Where the numbers come from", "Each cluster the report covers, how its objects were obtained and when they were collected.");
        if (report.Sources.Count == 0)
        {
            Empty(sb, "No cluster objects were given (only findings, validation results or cost lines).");
        }
        else
        {
            TableHead(sb, null, "Clusters and collection times", "Cluster", "Origin", "Collected", "#Nodes", "#NodePools", "#NodeClaims");
            foreach (ReportSourceRow s in report.Sources)
            {
                sb.Append("<tr data-cluster=\"").Append(E(s.ClusterName)).Append("\" data-collected=\"").Append(s.CollectedAt is { } c ? Iso(c) : "").Append("\"><th scope=\"row\">")
                    .Append(E(s.ClusterName)).Append("</th><td>").Append(E(s.Origin)).Append("</td><td>").Append(s.CollectedAt is { } at ? Time(at) : "unknown")
                    .Append(" <small>(").Append(E(s.CollectedAtBasis)).Append(")</small></td><td class=\"n\">").Append(N(s.Nodes)).Append("</td><td class=\"n\">")
                    .Append(N(s.Pools)).Append("</td><td class=\"n\">").Append(N(s.NodeClaims)).Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n");
        }

        sb.Append("</section>\n");
    }

    private static void CountTable(StringBuilder sb, string group, string caption, string keyHeader, IReadOnlyList<CountRow> rows)
    {
        TableHead(sb, "counts", caption, keyHeader, "#Nodes");
        foreach (CountRow r in rows)
        {
            sb.Append("<tr data-group=\"").Append(group).Append("\" data-key=\"").Append(E(r.Key)).Append("\" data-count=\"").Append(r.Count.ToString(Inv)).Append("\"><th scope=\"row\">")
                .Append(E(r.Key)).Append("</th><td class=\"n\">").Append(N(r.Count)).Append("</td></tr>");
        }

        sb.Append("</tbody></table>");
    }

    /// <summary>At most 12 bars: the largest groups, the rest summed as "other (n groups)".</summary>
    private static IReadOnlyList<SvgChart.Bar> TopBars(IReadOnlyList<CountRow> rows)
    {
        var bars = rows.Take(rows.Count > 12 ? 11 : 12).Select(r => new SvgChart.Bar(r.Key, r.Count, N(r.Count))).ToList();
        if (rows.Count > 12)
        {
            int rest = rows.Skip(11).Sum(r => r.Count);
            bars.Add(new SvgChart.Bar($"other ({rows.Count - 11} groups)", rest, N(rest)));
        }

        return bars;
    }

    private static void Fleet(StringBuilder sb, FleetSection fleet)
    {
        Open(sb, "fleet", "Fleet summary", "Nodes by compute type, NodePool, capacity type and architecture (Get-AutoModeNode).");
        sb.Append("<div class=\"stats\">");
        Stat(sb, "fleet-nodes", "nodes", fleet.Nodes);
        Stat(sb, "fleet-automode-nodes", "Auto Mode nodes", fleet.AutoModeNodes);
        Stat(sb, "fleet-ready-nodes", "Ready", fleet.ReadyNodes);
        Stat(sb, "fleet-clusters", "clusters", fleet.Clusters);
        sb.Append("</div>\n");
        if (fleet.Nodes == 0)
        {
            Empty(sb, "No nodes were given.");
        }
        else
        {
            (string Group, string Title, string Key, IReadOnlyList<CountRow> Rows)[] parts =
            {
                ("computeType", "Nodes by compute type", "Compute type", fleet.ByComputeType),
                ("nodePool", "Nodes by NodePool", "NodePool", fleet.ByNodePool),
                ("capacityType", "Nodes by capacity type", "Capacity type", fleet.ByCapacityType),
                ("architecture", "Nodes by architecture", "Architecture", fleet.ByArchitecture),
            };
            sb.Append("<div class=\"grid\">");
            foreach (var p in parts)
            {
                sb.Append("<figure><figcaption>").Append(p.Title).Append("</figcaption>");
                SvgChart.Bars(sb, "fleet-" + p.Group, p.Title, TopBars(p.Rows));
                CountTable(sb, p.Group, p.Title, p.Key, p.Rows);
                sb.Append("</figure>");
            }

            sb.Append("</div>\n");
        }

        if (fleet.Pools.Count > 0)
        {
            sb.Append("<h3>NodePools</h3>");
            TableHead(sb, null, "NodePools (Get-AutoModeNodePool)", "Cluster", "NodePool", "Kind", "#Nodes", "#Node limit", "expireAfter", "Ready", "Diagnosis");
            foreach (PoolRow p in fleet.Pools)
            {
                sb.Append("<tr data-pool=\"").Append(E(p.Name)).Append("\" data-nodes=\"").Append(p.Nodes.ToString(Inv)).Append("\"><td>").Append(E(p.ClusterName)).Append("</td><th scope=\"row\">").Append(E(p.Name))
                    .Append("</th><td>").Append(p.IsAutoMode ? (p.IsBuiltIn ? "Auto Mode (built-in)" : "Auto Mode") : "OSS Karpenter").Append("</td><td class=\"n\">").Append(N(p.Nodes))
                    .Append("</td><td class=\"n\">").Append(p.NodeLimit is { } l ? N(l) : "–").Append(p.AtLimit ? " <strong class=\"sev-warning\">at limit</strong>" : "")
                    .Append("</td><td>").Append(E(p.ExpireAfter ?? "–")).Append("</td><td>").Append(p.Ready switch { true => "Ready", false => "<strong class=\"sev-error\">✗ not Ready</strong>", _ => "unknown" })
                    .Append("</td><td>").Append(E(string.Join(", ", p.Diagnosis))).Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n");
        }

        sb.Append("</section>\n");
    }

    private static void CostTable(StringBuilder sb, string group, string caption, string keyHeader, IReadOnlyList<CostRow> rows)
    {
        TableHead(sb, null, caption, keyHeader, "#Instances", "#EC2", "#Auto Mode fee", "#Fee % of EC2", "Price source");
        foreach (CostRow r in rows)
        {
            sb.Append("<tr data-group=\"").Append(group).Append("\" data-key=\"").Append(E(r.Key)).Append("\" data-currency=\"").Append(E(r.Currency)).Append("\" data-instances=\"")
                .Append(r.Instances.ToString(Inv)).Append("\" data-ec2=\"").Append(D(r.Ec2Cost)).Append("\" data-fee=\"").Append(D(r.FeeCost)).Append("\"><th scope=\"row\">").Append(E(r.Key))
                .Append("</th><td class=\"n\">").Append(N(r.Instances)).Append("</td><td class=\"n\">").Append(Money(r.Currency, r.Ec2Cost)).Append("</td><td class=\"n\">")
                .Append(Money(r.Currency, r.FeeCost)).Append("</td><td class=\"n\">").Append(Pct(r.FeePercentOfEc2)).Append("</td><td><small>").Append(E(r.PriceSource)).Append("</small></td></tr>");
        }

        sb.Append("</tbody></table>");
    }

    private static void Cost(StringBuilder sb, CostSection cost)
    {
        string basis = cost.Basis switch
        {
            "Nodes" => $"Priced from the nodes with Measure-AutoModeCost's engine: on-demand (or spot) EC2 plus the Auto Mode fee where it applies, per {E(cost.Period.ToLowerInvariant())} of {N(cost.Hours)} hours"
                + (cost.Ec2Discount > 0m ? $", EC2 on-demand less {(cost.Ec2Discount * 100m).ToString("0.##", Inv)} %" : "") + ".",
            "CostLines" => $"The Measure-AutoModeCost lines given (period {E(cost.Period)}).",
            _ => "",
        };
        Open(sb, "cost", "Cost: EC2 and the Auto Mode fee", basis);
        if (cost.Totals.Count == 0)
        {
            Empty(sb, "No cost: no priced nodes and no cost lines were given.");
        }
        else
        {
            TableHead(sb, null, "Totals per currency (currencies are never added together)", "Currency", "#Instances", "#With fee", "#EC2", "#Auto Mode fee", "#Total", "#Fee % of EC2", "Prices as of");
            foreach (CostTotalRow t in cost.Totals)
            {
                sb.Append("<tr data-metric=\"cost-total\" data-currency=\"").Append(E(t.Currency)).Append("\" data-instances=\"").Append(t.Instances.ToString(Inv)).Append("\" data-ec2=\"").Append(D(t.Ec2Cost))
                    .Append("\" data-fee=\"").Append(D(t.FeeCost)).Append("\" data-total=\"").Append(D(t.TotalCost)).Append("\" data-fee-percent=\"").Append(t.FeePercentOfEc2 is { } fp ? D(fp) : "")
                    .Append("\"><th scope=\"row\">").Append(E(t.Currency)).Append("</th><td class=\"n\">").Append(N(t.Instances)).Append("</td><td class=\"n\">").Append(N(t.FeeInstances))
                    .Append("</td><td class=\"n\">").Append(Money(t.Currency, t.Ec2Cost)).Append("</td><td class=\"n\">").Append(Money(t.Currency, t.FeeCost)).Append("</td><td class=\"n\"><strong>")
                    .Append(Money(t.Currency, t.TotalCost)).Append("</strong></td><td class=\"n\">").Append(Pct(t.FeePercentOfEc2)).Append("</td><td>").Append(Date(t.AsOf)).Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n<div class=\"grid\">");
            foreach (var (group, title, key, rows) in new[] { ("cost-pool", "EC2 and fee per NodePool", "NodePool", cost.ByNodePool), ("cost-capacity", "EC2 and fee per capacity type", "Capacity type", cost.ByCapacityType) })
            {
                sb.Append("<figure><figcaption>").Append(title).Append("</figcaption>");
                foreach (var currency in rows.Select(r => r.Currency).Distinct(StringComparer.Ordinal))
                {
                    var bars = rows.Where(r => r.Currency == currency).Take(12)
                        .Select(r => new SvgChart.StackedBar(r.Key, r.Ec2Cost, r.FeeCost, $"{r.Currency} {r.Ec2Cost.ToString("#,0", Inv)} + {r.FeeCost.ToString("#,0", Inv)} ({Pct(r.FeePercentOfEc2)})")).ToList();
                    SvgChart.Stacked(sb, $"{group}-{currency.ToLowerInvariant()}", $"{title} ({currency})", "EC2", "Auto Mode fee", bars);
                }

                CostTable(sb, group, title, key, rows);
                sb.Append("</figure>");
            }

            sb.Append("</div>\n");
        }

        if (cost.PriceSources.Count > 0)
        {
            sb.Append("<h3>Price sources</h3><ul class=\"sources\">");
            foreach (string s in cost.PriceSources)
            {
                sb.Append("<li>").Append(E(s)).Append("</li>");
            }

            sb.Append("</ul>\n");
        }

        foreach (string note in cost.Notes)
        {
            sb.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }

        if (cost.Unpriced.Count > 0)
        {
            sb.Append("<details><summary>").Append(N(cost.Unpriced.Count)).Append(" node(s) not priced</summary><ul>");
            foreach (UnpricedRow u in cost.Unpriced.Take(100))
            {
                sb.Append("<li data-unpriced=\"").Append(E(u.Node)).Append("\">").Append(E(u.ClusterName)).Append(" / ").Append(E(u.Node)).Append(": ").Append(E(u.Reason)).Append("</li>");
            }

            sb.Append(cost.Unpriced.Count > 100 ? $"<li>… and {N(cost.Unpriced.Count - 100)} more (see the JSON report)</li>" : "").Append("</ul></details>\n");
        }

        sb.Append("</section>\n");
    }

    private static void Expiry(StringBuilder sb, ExpirySection expiry, int maxNodeRows)
    {
        Open(sb, "expiry", "Expiry timeline", "When each Auto Mode node reaches its expireAfter (at most 21 days under Auto Mode) and is replaced, per UTC day. " + E(expiry.StatefulRule));
        sb.Append("<div class=\"stats\">");
        Stat(sb, "expiry-nodes", "Auto Mode nodes with an expiry", expiry.WithExpiry);
        Stat(sb, "expiry-never", "never expire", expiry.NeverExpire);
        Stat(sb, "expiry-stateful", "hold stateful pods", expiry.StatefulNodes, expiry.StatefulKnown ? null : "(not known: the input has no StatefulPods)");
        sb.Append("</div>\n");
        if (expiry.Days.Count == 0)
        {
            Empty(sb, "No Auto Mode node with an expiry was given.");
            sb.Append("</section>\n");
            return;
        }

        sb.Append("<figure><figcaption>Nodes reaching expireAfter per day</figcaption>");
        SvgChart.Columns(sb, "expiry-days", "Auto Mode nodes reaching expireAfter per day", "nodes with stateful pods",
            expiry.Days.Select(d => new SvgChart.Column(d.Date[5..], d.Nodes, d.StatefulNodes, d.Overdue)).ToList());
        TableHead(sb, null, "Nodes reaching expireAfter per UTC day", "Day", "#Nodes", "#With stateful pods");
        foreach (ExpiryDay d in expiry.Days)
        {
            sb.Append("<tr data-group=\"expiry-day\" data-key=\"").Append(d.Date).Append("\" data-count=\"").Append(d.Nodes.ToString(Inv)).Append("\" data-stateful=\"").Append(d.StatefulNodes.ToString(Inv))
                .Append("\"><th scope=\"row\">").Append(d.Date).Append(d.Overdue ? " <strong>(passed)</strong>" : "").Append("</th><td class=\"n\">").Append(N(d.Nodes)).Append("</td><td class=\"n\">")
                .Append(d.StatefulNodes > 0 ? $"<strong class=\"stateful\">⚠ {N(d.StatefulNodes)}</strong>" : "0").Append("</td></tr>");
        }

        sb.Append("</tbody></table></figure>\n");

        // Bounded: the soonest nodes plus every stateful node (the JSON document lists all).
        var shown = expiry.Nodes.Where((n, i) => i < maxNodeRows || n.StatefulPods > 0).ToList();
        sb.Append("<h3>Nodes by expiry</h3>");
        TableHead(sb, "nodes", "Auto Mode nodes in expiry order" + (shown.Count < expiry.Nodes.Count
                ? $" — the first {N(maxNodeRows)} of {N(expiry.Nodes.Count)} and every node with stateful pods; all nodes are in the JSON report (-Format Json)"
                : ""), "Expires (UTC)", "Cluster", "Node", "NodePool", "Instance type", "#Pods", "Stateful pods");
        foreach (ExpiryNodeRow n in shown)
        {
            bool stateful = n.StatefulPods > 0;
            sb.Append("<tr data-node=\"").Append(E(n.Node)).Append('"').Append(stateful ? " class=\"stateful-row\"" : "").Append("><td>").Append(Time(n.ExpiresAt)).Append("</td><td>").Append(E(n.ClusterName))
                .Append("</td><th scope=\"row\">").Append(E(n.Node)).Append("</th><td>").Append(E(n.NodePool ?? "–")).Append("</td><td>").Append(E(n.InstanceType ?? "–")).Append("</td><td class=\"n\">")
                .Append(N(n.Pods)).Append("</td><td>").Append(n.StatefulPods switch { null => "unknown", 0 => "none", { } s => $"<strong class=\"stateful\">⚠ {N(s)} stateful</strong>" }).Append("</td></tr>");
        }

        sb.Append("</tbody></table>\n");
        if (shown.Count < expiry.Nodes.Count)
        {
            sb.Append("<p class=\"note\" data-metric=\"expiry-rows-omitted\" data-value=\"").Append((expiry.Nodes.Count - shown.Count).ToString(Inv)).Append("\">")
                .Append(N(expiry.Nodes.Count - shown.Count)).Append(" later node(s) without stateful pods are not listed here; the per-day table above counts them, and the JSON report lists them.</p>\n");
        }

        sb.Append("</section>\n");
    }

    private static string Severity(string severity) => severity switch
    {
        "Blocker" or "Error" => $"<strong class=\"sev-error\">✗ {E(severity)}</strong>",
        "Warning" => $"<strong class=\"sev-warning\">▲ {E(severity)}</strong>",
        _ => $"<span class=\"sev-info\">ℹ {E(severity)}</span>",
    };

    private static void Readiness(StringBuilder sb, CheckSection checks)
    {
        Open(sb, "readiness", "Readiness and IAM findings", "Failed and warning checks of Test-AutoModeReadiness and Test-AutoModeIamRole, by severity, with the objects that triggered them and the fix.");
        if (checks.Checks == 0)
        {
            Empty(sb, "No readiness or IAM results were given (pipe Test-AutoModeReadiness or Test-AutoModeIamRole into Export-AutoModeReport).");
            sb.Append("</section>\n");
            return;
        }

        sb.Append("<div class=\"stats\">");
        Stat(sb, "readiness-checks", "checks", checks.Checks);
        Stat(sb, "readiness-findings", "failed or warned", checks.Findings.Count);
        Stat(sb, "readiness-passed", "passed", checks.Passed);
        Stat(sb, "readiness-skipped", "skipped", checks.Skipped);
        sb.Append("</div>\n");
        if (checks.BySeverity.Count > 0)
        {
            sb.Append("<figure><figcaption>Findings by severity</figcaption>");
            SvgChart.Bars(sb, "readiness-severity", "Readiness and IAM findings by severity", checks.BySeverity.Select(r => new SvgChart.Bar(r.Key, r.Count, N(r.Count))).ToList());
            CountTable(sb, "readiness-severity", "Findings by severity", "Severity", checks.BySeverity);
            sb.Append("</figure>\n");
        }

        foreach (var group in checks.Findings.GroupBy(f => f.Severity, StringComparer.Ordinal))
        {
            sb.Append("<h3>").Append(E(group.Key)).Append(" (").Append(N(group.Count())).Append(")</h3>");
            TableHead(sb, "findings", E(group.Key) + " findings", "Check", "Status", "Finding", "Evidence", "Remediation");
            foreach (CheckRow f in group)
            {
                sb.Append("<tr data-check=\"").Append(E(f.CheckId)).Append("\" data-severity=\"").Append(E(f.Severity)).Append("\" data-status=\"").Append(E(f.Status)).Append("\"><th scope=\"row\">")
                    .Append(E(f.CheckId)).Append("<br><small>").Append(E(f.Category)).Append(f.ClusterName is null ? "" : " · " + E(f.ClusterName)).Append("</small></th><td>")
                    .Append(f.Status == "Fail" ? Severity(f.Severity) + "<br>Fail" : "<span>▲ Warn</span>").Append("</td><td><strong>").Append(E(f.Title)).Append("</strong><br>").Append(E(f.Message))
                    .Append("</td><td>");
                if (f.Evidence.Count > 0)
                {
                    sb.Append("<ul class=\"evidence\">");
                    foreach (string ev in f.Evidence.Take(20))
                    {
                        sb.Append("<li><code>").Append(E(ev)).Append("</code></li>");
                    }

                    sb.Append(f.Evidence.Count > 20 ? $"<li>… {N(f.Evidence.Count - 20)} more</li>" : "").Append("</ul>");
                }

                sb.Append("</td><td>").Append(E(f.Remediation));
                if (f.PolicyJson is { Length: > 0 } policy)
                {
                    sb.Append("<details><summary>Policy JSON to add</summary><pre>").Append(E(policy).Replace("\\n", "\n", StringComparison.Ordinal)).Append("</pre></details>");
                }

                sb.Append(f.DocUrl.Length > 0 ? "<br>" + Link(f.DocUrl, "Documentation") : "").Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n");
        }

        if (checks.Sources.Count > 0)
        {
            sb.Append("<p class=\"note\">Check catalogue: ").Append(E(string.Join("; ", checks.Sources))).Append("</p>\n");
        }

        sb.Append("</section>\n");
    }

    private static void Validation(StringBuilder sb, ValidationSection validation)
    {
        Open(sb, "validation", "Manifest validation", "Errors and warnings of Test-AutoModeManifest (Test-NodeClassSpec, Test-NodePoolSpec) with file:line:column, in the API server's words.");
        if (validation.BySeverity.Count == 0)
        {
            Empty(sb, "No validation results were given (pipe Test-AutoModeManifest -PassThru into Export-AutoModeReport).");
            sb.Append("</section>\n");
            return;
        }

        sb.Append("<div class=\"stats\">");
        Stat(sb, "validation-findings", "errors and warnings", validation.Findings);
        Stat(sb, "validation-files", "files", validation.Files);
        sb.Append("</div>\n");
        CountTable(sb, "validation-severity", "Validation results by severity", "Severity", validation.BySeverity);
        if (validation.Rows.Count > 0)
        {
            TableHead(sb, "findings", "Validation findings by file and line", "Location", "Severity", "Rule", "Object", "Message");
            foreach (ValidationRow v in validation.Rows)
            {
                string location = (v.File ?? "<input>") + (v.Line > 0 ? $":{v.Line}:{v.Column}" : "");
                sb.Append("<tr data-rule=\"").Append(E(v.RuleId)).Append("\" data-file=\"").Append(E(v.File ?? "")).Append("\" data-line=\"").Append(v.Line.ToString(Inv)).Append("\"><th scope=\"row\"><code>")
                    .Append(E(location)).Append("</code></th><td>").Append(Severity(v.Severity)).Append("</td><td>").Append(Link(v.SourceUrl, v.RuleId)).Append("</td><td>")
                    .Append(E(v.Kind ?? "")).Append(v.Name is null ? "" : "/" + E(v.Name)).Append("</td><td>").Append(v.FieldPath.Length > 0 ? $"<code>{E(v.FieldPath)}</code>: " : "").Append(E(v.Message))
                    .Append(v.Hint is { Length: > 0 } hint ? "<br><small>Hint: " + E(hint) + "</small>" : "").Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n");
        }

        sb.Append("</section>\n");
    }

    private static void Claims(StringBuilder sb, ClaimSection claims)
    {
        Open(sb, "nodeclaims", "Stuck NodeClaims and diagnosed objects", E(claims.StuckRule));
        sb.Append("<div class=\"stats\">");
        Stat(sb, "nodeclaims-total", "NodeClaims", claims.NodeClaims);
        Stat(sb, "nodeclaims-stuck", "stuck", claims.Stuck);
        sb.Append("</div>\n");
        if (claims.StuckClaims.Count == 0)
        {
            Empty(sb, claims.NodeClaims == 0 ? "No NodeClaims were given." : "No NodeClaim is stuck.");
        }
        else
        {
            TableHead(sb, "findings", "Stuck NodeClaims with their diagnosis", "NodeClaim", "Waiting for", "Age", "Diagnosis", "Remediation");
            foreach (StuckClaimRow c in claims.StuckClaims)
            {
                sb.Append("<tr data-claim=\"").Append(E(c.Name)).Append("\"><th scope=\"row\">").Append(E(c.Name)).Append("<br><small>").Append(E(c.ClusterName)).Append(c.NodePool is null ? "" : " · pool " + E(c.NodePool))
                    .Append("</small></th><td>").Append(E(c.WaitingFor ?? "–")).Append("</td><td>").Append(Span(c.Age)).Append("</td><td>");
                if (c.Diagnosis.Count == 0)
                {
                    sb.Append("No catalogued cause; read the NodeClaim's conditions and events.");
                }

                foreach (ReportDiagnosis d in c.Diagnosis)
                {
                    sb.Append(Severity(d.Severity)).Append(" <code>").Append(E(d.Code)).Append("</code>: ").Append(E(d.Message)).Append(d.Evidence.Length > 0 ? "<br><small>Evidence: " + E(d.Evidence) + "</small>" : "").Append("<br>");
                }

                sb.Append("</td><td>").Append(string.Join("<br>", c.Diagnosis.Select(d => E(d.Remediation) + (d.DocUrl.Length > 0 ? " " + Link(d.DocUrl, "(docs)") : "")))).Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n");
        }

        if (claims.Diagnosed.Count > 0)
        {
            sb.Append("<h3>NodePools and NodeClasses with a diagnosis</h3>");
            TableHead(sb, "findings", "Diagnosed NodePools and NodeClasses", "Object", "Diagnosis", "Remediation");
            foreach (DiagnosedRow r in claims.Diagnosed)
            {
                sb.Append("<tr data-diagnosis=\"").Append(E(r.Diagnosis.Code)).Append("\"><th scope=\"row\">").Append(E(r.Kind)).Append('/').Append(E(r.Name)).Append("<br><small>").Append(E(r.ClusterName)).Append("</small></th><td>")
                    .Append(Severity(r.Diagnosis.Severity)).Append(" <code>").Append(E(r.Diagnosis.Code)).Append("</code>: ").Append(E(r.Diagnosis.Message)).Append("</td><td>").Append(E(r.Diagnosis.Remediation))
                    .Append(r.Diagnosis.DocUrl.Length > 0 ? " " + Link(r.Diagnosis.DocUrl, "(docs)") : "").Append("</td></tr>");
            }

            sb.Append("</tbody></table>\n");
        }

        sb.Append("</section>\n");
    }

    private const string Css = @"
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--s1:#2f6fb3;--s2:#c4661f;--s2bg:#fbe3cf;--err:#b42318;--warn:#8a5300;--info:#1f5f99;--stateful:#7a2e8e;--axis:#8c959f}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9da7b3;--line:#30363d;--panel:#161b22;--s1:#5ea1e6;--s2:#f0a35e;--s2bg:#4a2b12;--err:#ff7b72;--warn:#e3b341;--info:#79c0ff;--stateful:#d2a8ff;--axis:#6e7681}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
header,main,footer,nav{max-width:1120px;margin:0 auto;padding:0 20px}
header{padding-top:20px}h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.35rem;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:32px}h3{font-size:1.1rem;margin-top:20px}
.meta,.lead,small,caption,figcaption,.note,.empty{color:var(--muted)}
nav ul{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 16px}
a{color:var(--info)}
table{border-collapse:collapse;width:100%;margin:10px 0;font-size:.9rem}
caption{text-align:left;font-size:.85rem;padding:4px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--panel)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:.85em}
pre{white-space:pre-wrap;background:var(--panel);padding:6px}
.stats{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
.stat{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:140px}
.stat .num{display:block;font-size:1.6rem;font-weight:600;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px 24px}
figure{margin:8px 0}
svg.chart{width:100%;height:auto;max-width:600px;display:block}
svg .label{fill:var(--fg);font-size:13px}svg .small{font-size:11px}svg .value{fill:var(--muted);font-size:12px}
svg .s1{fill:var(--s1)}svg .s2{stroke:var(--s2);stroke-width:1}svg .hatch-bg{fill:var(--s2bg)}svg .hatch-line{stroke:var(--s2)}
svg .axis{stroke:var(--axis)}svg .flagged .s1{stroke:var(--err);stroke-width:2}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}
.stateful{color:var(--stateful)}tr.stateful-row th,tr.stateful-row td{background:var(--panel);font-weight:600}tr.stateful-row th::before{content:'⚠ ';color:var(--stateful)}
ul.evidence{margin:0;padding-left:16px}
footer{margin:32px auto;font-size:.85rem;color:var(--muted)}
@page{size:A4;margin:12mm}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--panel:#f2f2f2;--s1:#2f6fb3;--s2:#c4661f;--s2bg:#fbe3cf}
body{font-size:9.5pt}nav{display:none}header,main,footer{max-width:none;padding:0}
.grid{display:block}svg.chart{max-width:100%}
h2{break-after:avoid;margin-top:14pt}tr,figure,.stat{break-inside:avoid}thead{display:table-header-group}
details>summary{list-style:none}details:not([open])>*:not(summary){display:block}
a[href^='https']::after{content:' (' attr(href) ')';font-size:7.5pt;color:#333;word-break:break-all}
}
";
}
