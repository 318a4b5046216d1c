using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Readiness;

/// <summary>What triggered a finding: the object (kind/namespace/name) and the value that did it.</summary>
public sealed record ReadinessEvidence(string Kind, string? Namespace, string Name, string Value)
{
    public override string ToString() => (Namespace is { Length: > 0 } ns ? $"{Kind}/{ns}/{Name}" : $"{Kind}/{Name}") + (Value.Length > 0 ? $": {Value}" : "");
}

/// <summary>An evaluator's verdict: the evidence found (empty = Pass) and a message; <see cref="Status"/> overrides the row's onMatch.</summary>
public sealed record ReadinessOutcome(IReadOnlyList<ReadinessEvidence> Evidence, string Message, ReadinessStatus? Status = null, string? PolicyJson = null)
{
    public static ReadinessOutcome Pass(string message) => new(Array.Empty<ReadinessEvidence>(), message);
}

/// <summary>The functions that judge catalogue rows; a row names one in <c>evaluator</c>.</summary>
public static partial class ReadinessEvaluators
{
    private delegate Task<ReadinessOutcome> Evaluator(ReadinessCheck check, ReadinessData data, CancellationToken ct);

    private static readonly Dictionary<string, Evaluator> s_evaluators = new(StringComparer.Ordinal)
    {
        ["kubernetesVersion"] = KubernetesVersionAsync,
        ["objectsPresent"] = ObjectsPresentAsync,
        ["annotations"] = AnnotationsAsync,
        ["workloadPresent"] = WorkloadPresentAsync,
        ["cniSettings"] = CniSettingsAsync,
        ["smallInstances"] = SmallInstancesAsync,
        ["podsPerNode"] = PodsPerNodeAsync,
        ["longRunningPods"] = LongRunningPodsAsync,
        ["imdsPods"] = ImdsPodsAsync,
        ["addonMinimum"] = AddonMinimumAsync,
        ["addonsPresent"] = AddonsPresentAsync,
        ["nodegroups"] = NodegroupsAsync,
        ["fargateProfiles"] = FargateProfilesAsync,
        ["nodegroupLaunchTemplates"] = NodegroupLaunchTemplatesAsync,
        ["kubeletClusterDns"] = KubeletClusterDnsAsync,
        ["nodeAccess"] = NodeAccessAsync,
        ["podIdentity"] = PodIdentityAsync,
        ["insights"] = InsightsAsync,
        ["loadBalancerSubnets"] = LoadBalancerSubnetsAsync,
        ["iam"] = (_, _, _) => throw new EngineException("ReadinessIamOnly", ErrorKind.InvalidOperation, "IAM rows are evaluated by Test-AutoModeIamRole.", null),
    };

    public static IReadOnlyCollection<string> Names => s_evaluators.Keys;

    public static Task<ReadinessOutcome> EvaluateAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct) =>
        s_evaluators.TryGetValue(check.Evaluator, out Evaluator? e) ? e(check, data, ct)
            : throw new EngineException("ReadinessEvaluatorUnknown", ErrorKind.InvalidData, $"Check {check.Id} names the unknown evaluator '{check.Evaluator}'.", check.Id);

    // ------------------------------------------------------------------ Cluster

    private static async Task<ReadinessOutcome> KubernetesVersionAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        var (version, text, from) = await data.CurrentVersionAsync(ct).ConfigureAwait(false);
        KubernetesMinor minimum = KubernetesMinor.Parse(check.Parameters.Minimum) ?? new KubernetesMinor(1, 29);
        string name = data.Source.ClusterName ?? "(kubeconfig cluster)";
        return version.CompareTo(minimum) < 0
            ? new ReadinessOutcome(new[] { new ReadinessEvidence("Cluster", null, name, $"version {text} ({from})") },
                $"The cluster runs Kubernetes {version}; Auto Mode needs {minimum} or later.")
            : ReadinessOutcome.Pass($"The cluster runs Kubernetes {version} ({from}), at least {minimum}.");
    }

    // ------------------------------------------------------------------ Generic object checks

    private static async Task<ReadinessOutcome> ObjectsPresentAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        ReadinessParameters p = check.Parameters;
        KubernetesResourceType resource = p.Resource ?? throw new EngineException("ReadinessDataInvalid", ErrorKind.InvalidData, $"Check {check.Id} has no resource.", check.Id);
        IReadOnlyList<JsonElement> items = await data.ListAsync(resource, ct).ConfigureAwait(false);
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement item in items)
        {
            var hits = p.Match.Where(m => Matches(item, m)).ToArray();
            if ((p.Match.Count > 0 && hits.Length == 0) || !p.Require.All(m => Matches(item, m)))
            {
                continue;
            }

            string value = (p.Show is { } show ? Show(item, show) : null)
                ?? (p.ShowAlternative is { } alt ? Show(item, alt) : null)
                ?? string.Join("; ", hits.Select(Describe));
            evidence.Add(new ReadinessEvidence(resource.Kind, item.Str("metadata", "namespace"), item.Name(), value));
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"No {resource.Kind} objects{(p.Match.Count > 0 ? " matching the check" : "")} ({items.Count} read).")
            : new ReadinessOutcome(evidence, $"{evidence.Count} {resource.Kind} object(s): {List(evidence)}.");
    }

    private static async Task<ReadinessOutcome> AnnotationsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        KubernetesResourceType resource = check.Parameters.Resource!;
        IReadOnlyList<JsonElement> items = await data.ListAsync(resource, ct).ConfigureAwait(false);
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement item in items)
        {
            var annotations = item.Map("metadata", "annotations");
            var found = check.Parameters.Keys.Where(annotations.ContainsKey).Select(k => $"{k}={Clip(annotations[k])}").ToArray();
            if (found.Length > 0)
            {
                evidence.Add(new ReadinessEvidence(resource.Kind, item.Str("metadata", "namespace"), item.Name(), string.Join("; ", found)));
            }
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"No {resource.Kind} uses these annotations ({items.Count} read).")
            : new ReadinessOutcome(evidence, $"{evidence.Count} {resource.Kind}(s) use annotations Auto Mode does not honour: {List(evidence)}.");
    }

    /// <summary>
    /// A controller found as a Deployment, DaemonSet or StatefulSet (by name or image) or a deployed Helm release (by chart).
    /// When Helm releases cannot be read and nothing else was found, the check cannot prove absence: the error propagates (Skipped).
    /// </summary>
    private static async Task<ReadinessOutcome> WorkloadPresentAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        ReadinessParameters p = check.Parameters;
        var evidence = new List<ReadinessEvidence>();
        foreach (KubernetesResourceType kind in new[] { KubernetesResourceType.Deployments, KubernetesResourceType.DaemonSets, KubernetesResourceType.StatefulSets })
        {
            foreach (JsonElement w in await data.ListAsync(kind, ct).ConfigureAwait(false))
            {
                string name = w.Name();
                string[] images = Containers(w.Path("spec", "template", "spec")).Select(c => c.Str("image") ?? "").ToArray();
                string? image = images.FirstOrDefault(i => p.Images.Any(x => ImageMatches(i, x)));
                if (p.Names.Contains(name, StringComparer.Ordinal) || image is not null)
                {
                    evidence.Add(new ReadinessEvidence(kind.Kind, w.Str("metadata", "namespace"), name, "image " + (image ?? images.FirstOrDefault() ?? "?")));
                }
            }
        }

        string note = "";
        if (p.HelmCharts.Count > 0)
        {
            try
            {
                foreach (HelmRelease r in await data.HelmReleasesAsync(ct).ConfigureAwait(false))
                {
                    if (p.HelmCharts.Contains(r.Chart, StringComparer.Ordinal))
                    {
                        evidence.Add(new ReadinessEvidence("HelmRelease", r.Namespace, r.Name, $"chart {r.Chart}-{r.ChartVersion}, app {r.AppVersion ?? "?"}, revision {r.Revision}"));
                    }
                }
            }
            catch (EngineException ex) when (evidence.Count > 0)
            {
                note = $" Helm releases were not read: {ex.Message}";
            }
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass("Not installed (no matching Deployment, DaemonSet, StatefulSet or Helm release).")
            : new ReadinessOutcome(evidence, $"Installed: {List(evidence)}.{note}");
    }

    // ------------------------------------------------------------------ Networking

    private static async Task<ReadinessOutcome> CniSettingsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        ReadinessParameters p = check.Parameters;
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement ds in await data.ListAsync(KubernetesResourceType.DaemonSets, ct).ConfigureAwait(false))
        {
            if (ds.Name() != "aws-node" || ds.Str("metadata", "namespace") != "kube-system")
            {
                continue;
            }

            foreach (JsonElement c in Containers(ds.Path("spec", "template", "spec")))
            {
                foreach (JsonElement env in c.Array("env"))
                {
                    if (env.Str("name") is { } n && p.Variables.Contains(n, StringComparer.Ordinal) && env.Str("value") is { } v && Selected(v, p.Values))
                    {
                        evidence.Add(new ReadinessEvidence("DaemonSet", "kube-system", "aws-node", $"container {c.Str("name")} env {n}={Clip(v)}"));
                    }
                }
            }
        }

        string note = "";
        if (data.Source.ClusterName is not null)
        {
            try
            {
                foreach (JsonElement addon in await data.AddonsAsync(ct).ConfigureAwait(false))
                {
                    if (addon.Str("addonName") != "vpc-cni" || addon.Str("configurationValues") is not { Length: > 0 } config)
                    {
                        continue;
                    }

                    foreach ((string n, string v) in ConfigEnv(config))
                    {
                        if (p.Variables.Contains(n, StringComparer.Ordinal) && Selected(v, p.Values))
                        {
                            evidence.Add(new ReadinessEvidence("Addon", null, "vpc-cni", $"configurationValues env {n}={Clip(v)}"));
                        }
                    }
                }
            }
            catch (EngineException ex)
            {
                note = $" (The vpc-cni add-on configuration was not read: {ex.Message})";
            }
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"None of {string.Join(", ", p.Variables)} is set on the aws-node DaemonSet or the vpc-cni add-on.{note}")
            : new ReadinessOutcome(evidence, $"VPC CNI settings found: {string.Join("; ", evidence.Select(e => e.Value))}.{note}");
    }

    /// <summary>env entries of a vpc-cni configurationValues document (JSON; YAML flow/block maps of "env:" are read line by line).</summary>
    private static IEnumerable<(string Name, string Value)> ConfigEnv(string config)
    {
        var result = new List<(string, string)>();
        try
        {
            using JsonDocument doc = JsonDocument.Parse(config);
            foreach ((string k, string v) in doc.RootElement.Map("env"))
            {
                result.Add((k, v));
            }

            return result;
        }
        catch (JsonException)
        {
            bool inEnv = false;
            foreach (string raw in config.Split('\n'))
            {
                string line = raw.TrimEnd('\r');
                if (Regex.IsMatch(line, @"^env:\s*$", RegexOptions.NonBacktracking))
                {
                    inEnv = true;
                    continue;
                }

                if (inEnv && Regex.Match(line, @"^\s+([A-Za-z0-9_]+):\s*""?([^""#]*)""?", RegexOptions.NonBacktracking) is { Success: true } m)
                {
                    result.Add((m.Groups[1].Value, m.Groups[2].Value.Trim()));
                }
                else if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
                {
                    inEnv = false;
                }
            }

            return result;
        }
    }

    // ------------------------------------------------------------------ Compute

    private static async Task<ReadinessOutcome> SmallInstancesAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        IReadOnlyList<JsonElement> nodes = await data.ListAsync(KubernetesResourceType.Nodes, ct).ConfigureAwait(false);
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement node in nodes)
        {
            var labels = node.Map("metadata", "labels");
            string? type = labels.GetValueOrDefault("node.kubernetes.io/instance-type") ?? labels.GetValueOrDefault("beta.kubernetes.io/instance-type");
            decimal? cpu = node.Quantity("status", "capacity", "cpu");
            string? size = type?.Split('.').ElementAtOrDefault(1);
            bool small = size is "nano" or "micro" or "small";
            if (small || cpu is <= 1)
            {
                evidence.Add(new ReadinessEvidence("Node", null, node.Name(), $"{type ?? "unknown type"}, {cpu?.ToString("0.##", CultureInfo.InvariantCulture) ?? "?"} vCPU"));
            }
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"No node uses a nano/micro/small or 1-vCPU instance type ({nodes.Count} nodes).")
            : new ReadinessOutcome(evidence, $"{evidence.Count} node(s) on instance types Auto Mode does not launch: {string.Join(", ", evidence.Select(e => $"{e.Name} ({e.Value})"))}.");
    }

    private static async Task<ReadinessOutcome> PodsPerNodeAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        int max = check.Parameters.Maximum ?? 110;
        IReadOnlyList<JsonElement> nodes = await data.ListAsync(KubernetesResourceType.Nodes, ct).ConfigureAwait(false);
        IReadOnlyList<JsonElement> pods = await data.ListAsync(KubernetesResourceType.Pods, ct).ConfigureAwait(false);
        var running = pods.Where(IsActive).GroupBy(p => p.Str("spec", "nodeName") ?? "").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var over = new List<ReadinessEvidence>();
        var capacity = new List<ReadinessEvidence>();
        foreach (JsonElement node in nodes)
        {
            int count = running.GetValueOrDefault(node.Name());
            int? cap = node.Int("status", "capacity", "pods");
            if (count > max)
            {
                over.Add(new ReadinessEvidence("Node", null, node.Name(), $"{count} pods running (max pods {cap?.ToString(CultureInfo.InvariantCulture) ?? "?"}; Auto Mode: {max})"));
            }
            else if (cap > max)
            {
                capacity.Add(new ReadinessEvidence("Node", null, node.Name(), $"max pods {cap} ({count} running; Auto Mode: {max})"));
            }
        }

        if (over.Count > 0)
        {
            return new ReadinessOutcome(over.Concat(capacity).ToArray(), $"{over.Count} node(s) run more than {max} pods: {string.Join(", ", over.Select(e => $"{e.Name} ({e.Value})"))}.");
        }

        return capacity.Count > 0
            ? new ReadinessOutcome(capacity, $"{capacity.Count} node(s) allow more than {max} pods but run fewer: {List(capacity)}.", ReadinessStatus.Warn)
            : ReadinessOutcome.Pass($"No node allows or runs more than {max} pods ({nodes.Count} nodes).");
    }

    // ------------------------------------------------------------------ Workloads

    private static async Task<ReadinessOutcome> LongRunningPodsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        int days = check.Parameters.Days ?? 21;
        IReadOnlyList<JsonElement> pods = await data.ListAsync(KubernetesResourceType.Pods, ct).ConfigureAwait(false);
        IReadOnlyList<JsonElement> pdbs = await data.ListAsync(KubernetesResourceType.PodDisruptionBudgets, ct).ConfigureAwait(false);
        IReadOnlyList<JsonElement> replicaSets = await data.ListAsync(KubernetesResourceType.ReplicaSets, ct).ConfigureAwait(false);
        var groups = new Dictionary<(string Kind, string Ns, string Name), (int Count, DateTimeOffset Oldest)>();
        foreach (JsonElement pod in pods)
        {
            if (!IsActive(pod) || pod.Str("status", "phase") != "Running" || pod.Time("status", "startTime") is not { } started
                || data.Now - started < TimeSpan.FromDays(days) || IsDaemonOrMirror(pod))
            {
                continue;
            }

            string ns = pod.Str("metadata", "namespace") ?? "";
            var labels = pod.Map("metadata", "labels");
            if (pdbs.Any(b => b.Str("metadata", "namespace") == ns && SelectorMatches(b.Path("spec", "selector"), labels)))
            {
                continue;
            }

            var owner = Owner(pod, replicaSets);
            groups[owner] = groups.TryGetValue(owner, out var g) ? (g.Count + 1, started < g.Oldest ? started : g.Oldest) : (1, started);
        }

        var evidence = groups.OrderBy(g => g.Key.Ns, StringComparer.Ordinal).ThenBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g => new ReadinessEvidence(g.Key.Kind, g.Key.Ns, g.Key.Name,
                $"{g.Value.Count} pod(s), oldest running {(int)(data.Now - g.Value.Oldest).TotalDays} days, no PodDisruptionBudget")).ToArray();
        return evidence.Length == 0
            ? ReadinessOutcome.Pass($"Every pod running longer than {days} days is covered by a PodDisruptionBudget.")
            : new ReadinessOutcome(evidence, $"{evidence.Length} workload(s) have pods running longer than {days} days without a PodDisruptionBudget: {List(evidence)}.");
    }

    private static async Task<ReadinessOutcome> ImdsPodsAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        ReadinessParameters p = check.Parameters;
        IReadOnlyList<JsonElement> pods = await data.ListAsync(KubernetesResourceType.Pods, ct).ConfigureAwait(false);
        IReadOnlyList<JsonElement> replicaSets = await data.ListAsync(KubernetesResourceType.ReplicaSets, ct).ConfigureAwait(false);
        var found = new Dictionary<(string Kind, string Ns, string Name), string>();
        foreach (JsonElement pod in pods)
        {
            if (!IsActive(pod) || pod.Path("spec", "hostNetwork") is { ValueKind: JsonValueKind.True })
            {
                continue;
            }

            foreach (JsonElement c in Containers(pod.Path("spec")))
            {
                string? reason = null;
                string image = c.Str("image") ?? "";
                foreach (JsonElement env in c.Array("env"))
                {
                    if (env.Str("value") is { } v && (v.Contains("169.254.169.254", StringComparison.Ordinal) || v.Contains("fd00:ec2::254", StringComparison.OrdinalIgnoreCase)))
                    {
                        reason = $"container {c.Str("name")} env {env.Str("name")}={Clip(v)}";
                    }
                }

                if (reason is null && p.Images.FirstOrDefault(x => ImageMatches(image, x)) is { } known)
                {
                    string args = string.Join(' ', c.Array("args").Concat(c.Array("command")).Select(a => a.GetString()));
                    if (!p.UnlessArgs.Any(a => args.Contains(a, StringComparison.Ordinal)))
                    {
                        reason = $"container {c.Str("name")} image {image} reads IMDS (no {string.Join(" / ", p.UnlessArgs)} given)";
                    }
                }

                if (reason is not null)
                {
                    found.TryAdd(Owner(pod, replicaSets), reason);
                }
            }
        }

        var evidence = found.Select(f => new ReadinessEvidence(f.Key.Kind, f.Key.Ns, f.Key.Name, f.Value + ", hostNetwork false")).ToArray();
        return evidence.Length == 0
            ? ReadinessOutcome.Pass("No pod on the pod network is known to read instance metadata.")
            : new ReadinessOutcome(evidence, $"{evidence.Length} workload(s) read IMDS from the pod network (hop limit 1 blocks them on Auto Mode): {List(evidence)}.");
    }

    // ------------------------------------------------------------------ Add-ons

    private static async Task<ReadinessOutcome> AddonMinimumAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        IReadOnlyList<JsonElement> addons = await data.AddonsAsync(ct).ConfigureAwait(false);
        var (version, _, _) = await data.CurrentVersionAsync(ct).ConfigureAwait(false);
        var evidence = new List<ReadinessEvidence>();
        foreach (JsonElement addon in addons)
        {
            string name = addon.Str("addonName") ?? "";
            string? installed = addon.Str("addonVersion");
            string? minimum = check.Parameters.Minimums.GetValueOrDefault($"{name}@{version}") ?? check.Parameters.Minimums.GetValueOrDefault(name);
            if (minimum is null || installed is null)
            {
                continue;
            }

            if (AddonVersion.Compare(installed, minimum) < 0)
            {
                evidence.Add(new ReadinessEvidence("Addon", null, name, $"{installed} < {minimum}"));
            }
        }

        return evidence.Count == 0
            ? ReadinessOutcome.Pass($"Every installed add-on with an Auto Mode minimum is at or above it ({addons.Count} add-ons).")
            : new ReadinessOutcome(evidence, $"{evidence.Count} add-on(s) below the Auto Mode minimum: {string.Join(", ", evidence.Select(e => $"{e.Name} {e.Value}"))}.");
    }

    private static async Task<ReadinessOutcome> AddonsPresentAsync(ReadinessCheck check, ReadinessData data, CancellationToken ct)
    {
        IReadOnlyList<JsonElement> addons = await data.AddonsAsync(ct).ConfigureAwait(false);
        var evidence = addons.Where(a => check.Parameters.Names.Contains(a.Str("addonName") ?? "", StringComparer.Ordinal))
            .Select(a => new ReadinessEvidence("Addon", null, a.Str("addonName")!, a.Str("addonVersion") ?? "")).ToArray();
        return evidence.Length == 0
            ? ReadinessOutcome.Pass("None of the add-ons Auto Mode replaces is installed.")
            : new ReadinessOutcome(evidence, $"Redundant after the switch: {List(evidence)}.");
    }

    // ------------------------------------------------------------------ helpers

    internal static IEnumerable<JsonElement> Containers(JsonElement? podSpec) =>
        podSpec is { } s ? s.Array("containers").Concat(s.Array("initContainers")) : Enumerable.Empty<JsonElement>();

    internal static bool IsActive(JsonElement pod) => pod.Str("status", "phase") is not ("Succeeded" or "Failed") && pod.Str("metadata", "deletionTimestamp") is null;

    private static bool IsDaemonOrMirror(JsonElement pod) =>
        pod.Array("metadata", "ownerReferences").Any(o => o.Str("kind") == "DaemonSet")
        || pod.Map("metadata", "annotations").ContainsKey("kubernetes.io/config.mirror");

    /// <summary>The workload that owns a pod: the Deployment behind its ReplicaSet, else its controller, else the pod itself.</summary>
    internal static (string Kind, string Ns, string Name) Owner(JsonElement pod, IReadOnlyList<JsonElement> replicaSets)
    {
        string ns = pod.Str("metadata", "namespace") ?? "";
        JsonElement? owner = pod.Array("metadata", "ownerReferences").FirstOrDefault(o => o.Path("controller") is { ValueKind: JsonValueKind.True });
        if (owner is not { ValueKind: JsonValueKind.Object } o)
        {
            return ("Pod", ns, pod.Name());
        }

        string kind = o.Str("kind") ?? "", name = o.Str("name") ?? "";
        if (kind == "ReplicaSet")
        {
            JsonElement? rs = replicaSets.FirstOrDefault(r => r.Name() == name && r.Str("metadata", "namespace") == ns);
            if (rs is { ValueKind: JsonValueKind.Object } r && r.Array("metadata", "ownerReferences").FirstOrDefault(x => x.Str("kind") == "Deployment") is { ValueKind: JsonValueKind.Object } d)
            {
                return ("Deployment", ns, d.Str("name") ?? name);
            }
        }

        return (kind, ns, name);
    }

    /// <summary>A label selector (matchLabels + matchExpressions); a null selector matches nothing, an empty one everything.</summary>
    internal static bool SelectorMatches(JsonElement? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not { ValueKind: JsonValueKind.Object } s)
        {
            return false;
        }

        foreach ((string k, string v) in s.Map("matchLabels"))
        {
            if (!labels.TryGetValue(k, out string? have) || have != v)
            {
                return false;
            }
        }

        foreach (JsonElement e in s.Array("matchExpressions"))
        {
            string key = e.Str("key") ?? "";
            string[] values = e.Array("values").Select(x => x.GetString() ?? "").ToArray();
            bool has = labels.TryGetValue(key, out string? value);
            bool ok = e.Str("operator") switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    internal static IEnumerable<JsonElement> Resolve(JsonElement e, IReadOnlyList<string> path, int index = 0)
    {
        if (index == path.Count)
        {
            yield return e;
            yield break;
        }

        string segment = path[index];
        if (segment == "*")
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in e.EnumerateArray())
                {
                    foreach (JsonElement r in Resolve(item, path, index + 1))
                    {
                        yield return r;
                    }
                }
            }
        }
        else if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(segment, out JsonElement child))
        {
            foreach (JsonElement r in Resolve(child, path, index + 1))
            {
                yield return r;
            }
        }
    }

    internal static bool Matches(JsonElement item, ReadinessMatch m) =>
        Resolve(item, m.Path).Any(v => m.Exists
            ? v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) && !(v.ValueKind == JsonValueKind.String && v.GetString()!.Length == 0)
            : m.Values.Contains(Text(v), StringComparer.Ordinal));

    private static string Describe(ReadinessMatch m) =>
        string.Join('.', m.Path).Replace(".*", "[*]", StringComparison.Ordinal) + (m.Exists ? " is set" : " = " + string.Join("|", m.Values));

    private static string? Show(JsonElement item, IReadOnlyList<string> path)
    {
        var values = Resolve(item, path).Select(Text).Where(t => t.Length > 0).ToArray();
        return values.Length == 0 ? null : Clip(string.Join(", ", values));
    }

    private static string Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Array => string.Join(", ", v.EnumerateArray().Select(Text)),
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => v.GetRawText(),
    };

    private static bool Selected(string value, IReadOnlyList<string> wanted) =>
        wanted.Count == 0 ? value.Length > 0 : wanted.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase);

    private static bool ImageMatches(string image, string fragment)
    {
        string repo = image.Split('@')[0];
        int colon = repo.LastIndexOf(':');
        if (colon > repo.LastIndexOf('/'))
        {
            repo = repo[..colon];
        }

        return repo.EndsWith("/" + fragment, StringComparison.OrdinalIgnoreCase) || repo.Equals(fragment, StringComparison.OrdinalIgnoreCase);
    }

    private static string List(IEnumerable<ReadinessEvidence> evidence)
    {
        var names = evidence.Select(e => e.Namespace is { Length: > 0 } ns ? $"{ns}/{e.Name}" : e.Name).Distinct().ToArray();
        return names.Length <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + $" and {names.Length - 8} more";
    }

    internal static string Clip(string value)
    {
        string one = value.ReplaceLineEndings(" ").Trim();
        return one.Length <= 160 ? one : one[..157] + "...";
    }
}

/// <summary>Compares EKS add-on versions such as <c>v1.19.0-eksbuild.1</c> (numeric parts, then the eksbuild number).</summary>
public static class AddonVersion
{
    public static int Compare(string a, string b)
    {
        long[] x = Parts(a), y = Parts(b);
        for (int i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            long l = i < x.Length ? x[i] : 0, r = i < y.Length ? y[i] : 0;
            if (l != r)
            {
                return l.CompareTo(r);
            }
        }

        return 0;
    }

    private static long[] Parts(string v) =>
        Regex.Matches(v, @"\d+", RegexOptions.NonBacktracking).Select(m => long.TryParse(m.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0).ToArray();
}
