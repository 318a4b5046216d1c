using System.Text.Json;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Inventory;

namespace EksAutoMode.Engine.Readiness;

/// <summary>Support of one installed add-on or controller for a target Kubernetes version.</summary>
public sealed record AddonSupportInfo(
    string Name, string Source, string? Namespace, string? InstalledVersion, string TargetKubernetesVersion,
    bool? CompatibleVersionExists, bool? InstalledVersionCompatible, IReadOnlyList<string> CompatibleVersions, string? DefaultVersion,
    bool RedundantUnderAutoMode, string Advice);

/// <summary>
/// Get-AutoModeAddonSupport: per installed EKS add-on, the versions DescribeAddonVersions lists for the target
/// Kubernetes version (default: the cluster's next minor); per third-party controller found in the cluster (Helm
/// releases, well-known Deployments/DaemonSets from the readiness catalogue's controller rows), what Auto Mode does
/// with it. The "redundant" list is the catalogue's AMR-ADD-002 row, the controllers are its workloadPresent rows.
/// </summary>
public sealed record AddonSupportReport(IReadOnlyList<AddonSupportInfo> Items, IReadOnlyList<string> Warnings);

public static class AddonSupport
{
    public static async Task<AddonSupportReport> ReadAsync(AwsSession session, IReadinessSource source, string? targetKubernetesVersion,
        DateTimeOffset now, CancellationToken ct)
    {
        var data = new ReadinessData(source, null, now);
        KubernetesMinor target;
        if (!string.IsNullOrWhiteSpace(targetKubernetesVersion))
        {
            target = KubernetesMinor.Parse(targetKubernetesVersion)
                ?? throw new EngineException("InvalidKubernetesVersion", ErrorKind.InvalidArgument, $"'{targetKubernetesVersion}' is not a Kubernetes version such as 1.32.", targetKubernetesVersion);
        }
        else
        {
            target = (await data.CurrentVersionAsync(ct).ConfigureAwait(false)).Version.Next;
        }

        string t = target.ToString();
        var redundant = ReadinessCatalogue.Get("AMR-ADD-002").Parameters.Names;
        var results = new List<AddonSupportInfo>();
        var warnings = new List<string>();
        foreach (JsonElement addon in await data.AddonsAsync(ct).ConfigureAwait(false))
        {
            string name = addon.Str("addonName") ?? "";
            string? installed = addon.Str("addonVersion");
            var versions = new List<(string Version, bool Default)>();
            await foreach (JsonDocument page in session.Client.PaginateRestJsonAsync(AwsService.Eks, "DescribeAddonVersions", "/addons/supported-versions",
                new[] { new KeyValuePair<string, string>("addonName", name), new KeyValuePair<string, string>("kubernetesVersion", t) },
                options: new AwsCallOptions { Target = name }, cancellationToken: ct).ConfigureAwait(false))
            {
                using (page)
                {
                    foreach (JsonElement a in page.RootElement.Array("addons").Where(a => a.Str("addonName") == name))
                    {
                        foreach (JsonElement v in a.Array("addonVersions"))
                        {
                            var compat = v.Array("compatibilities").FirstOrDefault(c => c.Str("clusterVersion") == t);
                            if (compat.ValueKind == JsonValueKind.Object && v.Str("addonVersion") is { } version)
                            {
                                versions.Add((version, compat.Path("defaultVersion") is { ValueKind: JsonValueKind.True }));
                            }
                        }
                    }
                }
            }

            var ordered = versions.Select(v => v.Version).Distinct().OrderByDescending(v => v, Comparer<string>.Create(AddonVersion.Compare)).ToArray();
            string? defaultVersion = versions.FirstOrDefault(v => v.Default).Version;
            bool exists = ordered.Length > 0;
            bool? installedOk = installed is null ? null : ordered.Contains(installed, StringComparer.Ordinal);
            bool isRedundant = redundant.Contains(name, StringComparer.Ordinal);
            string advice = !exists
                ? $"No {name} version is published for Kubernetes {t}: do not upgrade the cluster to {t} while this add-on is needed" + (isRedundant ? ", or remove it after moving every node to Auto Mode." : ".")
                : installedOk == true
                    ? $"{installed} also supports Kubernetes {t}."
                    : $"Update to {defaultVersion ?? ordered[0]} (default for {t}) before or with the upgrade; {installed} is not listed for {t}.";
            if (isRedundant)
            {
                advice += " Auto Mode nodes do not need it; remove it once no non-Auto nodes (or volumes, for the EBS CSI driver) depend on it.";
            }

            results.Add(new AddonSupportInfo(name, "EKS add-on", null, installed, t, exists, installedOk, ordered, defaultVersion, isRedundant, advice));
        }

        // Third-party controllers: the catalogue's controller rows (Helm releases, Deployments, DaemonSets).
        var seen = new HashSet<(string, string?)>();
        foreach (ReadinessCheck row in ReadinessCatalogue.Readiness.Where(r => r.Evaluator == "workloadPresent"))
        {
            ReadinessResult found = await ReadinessEngine.EvaluateAsync(row, data, ct).ConfigureAwait(false);
            if (found.Status == ReadinessStatus.Skipped)
            {
                warnings.Add($"{row.Title}: not determined ({found.SkipReason}).");
            }

            foreach (var group in found.Evidence.GroupBy(e => (e.Namespace, e.Name)))
            {
                ReadinessEvidence? helm = group.FirstOrDefault(e => e.Kind == "HelmRelease");
                ReadinessEvidence first = helm ?? group.First();
                if (!seen.Add((first.Name, first.Namespace)))
                {
                    continue;
                }

                string? version = helm?.Value.Split(", ").FirstOrDefault(p => p.StartsWith("app ", StringComparison.Ordinal))?[4..]
                    ?? ImageTag(first.Value);
                bool replaced = row.Category is "LoadBalancing" or "Compute" or "Storage";
                results.Add(new AddonSupportInfo(first.Name, helm is null ? first.Kind : "Helm release", first.Namespace, version, t, null, null, Array.Empty<string>(), null, replaced,
                    $"{row.Title} ({row.Id}). {row.Remediation}"));
            }
        }

        // Other Helm releases: listed so the operator checks them against the target version.
        try
        {
            foreach (HelmRelease r in await data.HelmReleasesAsync(ct).ConfigureAwait(false))
            {
                if (seen.Add((r.Name, r.Namespace)))
                {
                    results.Add(new AddonSupportInfo(r.Name, "Helm release", r.Namespace, r.AppVersion ?? r.ChartVersion, t, null, null, Array.Empty<string>(), null, false,
                        $"Chart {r.Chart}-{r.ChartVersion}: check the chart's supported Kubernetes versions for {t}; not affected by Auto Mode."));
                }
            }
        }
        catch (EngineException ex)
        {
            warnings.Add($"Helm releases were not read: {ex.Message}");
        }

        return new AddonSupportReport(results, warnings.Distinct().ToArray());
    }

    private static string? ImageTag(string evidenceValue)
    {
        string image = evidenceValue.StartsWith("image ", StringComparison.Ordinal) ? evidenceValue[6..] : evidenceValue;
        int colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? image[(colon + 1)..] : null;
    }
}
