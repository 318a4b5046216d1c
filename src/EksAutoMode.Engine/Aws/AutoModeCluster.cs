using System.Text.Json;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace EksAutoMode.Engine.Aws;

/// <summary>Whether a cluster runs EKS Auto Mode.</summary>
public enum AutoModeState
{
    /// <summary>Compute, block storage and load balancing are all enabled.</summary>
    Auto,

    /// <summary>None of the three is enabled.</summary>
    Standard,

    /// <summary>Some but not all of the three are enabled (they must be switched together).</summary>
    PartiallyEnabled,
}

/// <summary>An installed EKS add-on that Auto Mode makes unnecessary, with what to do about it.</summary>
public sealed record RedundantAddon(string Name, string Component, string Advice, string SourceUrl);

/// <summary>What Get-AutoModeCluster reports about one cluster.</summary>
public sealed record AutoModeClusterInfo
{
    public required string Name { get; init; }
    public required string Region { get; init; }
    public string? Arn { get; init; }
    public string? Version { get; init; }
    public string? PlatformVersion { get; init; }
    public string? Status { get; init; }
    public AutoModeState Mode { get; init; }
    public bool ComputeEnabled { get; init; }
    public bool BlockStorageEnabled { get; init; }
    public bool LoadBalancingEnabled { get; init; }

    /// <summary>computeConfig.nodePools exactly as configured.</summary>
    public IReadOnlyList<string> NodePools { get; init; } = Array.Empty<string>();

    /// <summary>The configured names that are real built-in pools.</summary>
    public IReadOnlyList<string> BuiltInNodePools { get; init; } = Array.Empty<string>();

    /// <summary>Configured names that are not built-in pools (typos such as "sytem" silently mean no pool).</summary>
    public IReadOnlyList<string> UnknownNodePools { get; init; } = Array.Empty<string>();

    public string? NodeRoleArn { get; init; }
    public string? NodeRoleName { get; init; }
    public IReadOnlyList<string> InstalledAddons { get; init; } = Array.Empty<string>();
    public IReadOnlyList<RedundantAddon> RedundantAddons { get; init; } = Array.Empty<RedundantAddon>();
    public int? ManagedNodeGroupCount { get; init; }

    /// <summary>upgradePolicy.supportType: STANDARD or EXTENDED.</summary>
    public string? SupportType { get; init; }
    public string? Endpoint { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public IReadOnlyList<string> Advice { get; init; } = Array.Empty<string>();

    /// <summary>Partial results: e.g. ListAddons was denied. The cmdlet writes them as warnings.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>What could not be read, so is unknown rather than empty (e.g. "InstalledAddons", "ManagedNodeGroupCount").</summary>
    public IReadOnlyList<string> MissingData { get; init; } = Array.Empty<string>();

    /// <summary>False when <see cref="MissingData"/> is not empty: the answer is partial.</summary>
    public bool IsComplete => MissingData.Count == 0;
}

/// <summary>Cluster names, and why the list is incomplete when a later page failed.</summary>
public sealed record ClusterNameList(IReadOnlyList<string> Names, EngineException? Failure)
{
    public bool IsComplete => Failure is null;
}

/// <summary>The facts in Data/Aws/automode-cluster.yaml.</summary>
internal sealed class AutoModeClusterFacts
{
    public int SchemaVersion { get; set; }
    public string AsOf { get; set; } = string.Empty;
    public List<string> BuiltInNodePools { get; set; } = new();
    public string EnableTogetherUrl { get; set; } = string.Empty;
    public List<AddonFact> RedundantAddons { get; set; } = new();

    internal sealed class AddonFact
    {
        public string Name { get; set; } = string.Empty;
        public string Component { get; set; } = string.Empty;
        public string SourceUrl { get; set; } = string.Empty;
    }

    private static readonly Lazy<AutoModeClusterFacts> s_value = new(() =>
        new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
            .Deserialize<AutoModeClusterFacts>(EmbeddedData.ReadText("Aws", "automode-cluster.yaml")));

    internal static AutoModeClusterFacts Value => s_value.Value;
}

/// <summary>Reads clusters through EKS (ListClusters, DescribeCluster, ListAddons, ListNodegroups) and judges their Auto Mode setup.</summary>
public sealed class AutoModeClusterReader
{
    private readonly AwsSession _session;

    public AutoModeClusterReader(AwsSession session) => _session = session;

    /// <summary>All cluster names in the session's region (every page).</summary>
    public async IAsyncEnumerable<string> ListClusterNamesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (JsonDocument page in _session.Client.PaginateRestJsonAsync(AwsService.Eks, "ListClusters", "/clusters",
            new[] { new KeyValuePair<string, string>("maxResults", "100") }, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            using (page)
            {
                foreach (string name in StringList(page.RootElement, "clusters", "ListClusters", null))
                {
                    yield return name;
                }
            }
        }
    }

    /// <summary>
    /// All cluster names, tolerating a failure after the first page: the names read so far come back with the
    /// failure (<see cref="ClusterNameList.Failure"/>), so the caller can report them as a partial list instead of
    /// dropping them. A failure on the first page is thrown.
    /// </summary>
    public async Task<ClusterNameList> ListClusterNamesPartialAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        try
        {
            await foreach (string name in ListClusterNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(name);
            }
        }
        catch (EngineException ex) when (names.Count > 0)
        {
            return new ClusterNameList(names, new EngineException("ClusterListIncomplete", ex.Kind,
                $"The cluster list of {_session.Region} is incomplete: only the first {names.Count} cluster(s) could be listed. {ex.Message}",
                _session.Region, ex) { RecommendedAction = ex.RecommendedAction ?? "Run again, or name the clusters with -Name." });
        }

        return new ClusterNameList(names, null);
    }

    /// <summary>DescribeCluster, plus ListAddons and ListNodegroups when Auto Mode compute is on (their failures become warnings).</summary>
    public async Task<AutoModeClusterInfo> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new EngineException("ClusterNameEmpty", ErrorKind.InvalidArgument, "The cluster name is empty.", name);
        }

        var target = new AwsCallOptions { Target = name };
        using JsonDocument doc = await _session.Client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/" + name,
            options: target, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("cluster", out JsonElement cluster) || cluster.ValueKind != JsonValueKind.Object)
        {
            throw AwsServiceException.InvalidResponse("EKS", "DescribeCluster", $"no cluster object for '{name}'", name);
        }

        var warnings = new List<string>();
        var missing = new List<string>();
        List<string>? addons = null;
        int? nodegroups = null;
        try
        {
            addons = new List<string>();
            await foreach (JsonDocument page in _session.Client.PaginateRestJsonAsync(AwsService.Eks, "ListAddons", $"/clusters/{name}/addons",
                options: target, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                using (page)
                {
                    addons.AddRange(StringList(page.RootElement, "addons", "ListAddons", name));
                }
            }
        }
        catch (AwsServiceException ex)
        {
            addons = null;
            missing.Add("InstalledAddons");
            missing.Add("RedundantAddons");
            warnings.Add($"Cluster '{name}': cannot list add-ons, so InstalledAddons and RedundantAddons are unknown (this answer is partial). {ex.Message}");
        }

        if (Flag(cluster, "computeConfig", "enabled"))
        {
            try
            {
                int count = 0;
                await foreach (JsonDocument page in _session.Client.PaginateRestJsonAsync(AwsService.Eks, "ListNodegroups", $"/clusters/{name}/node-groups",
                    options: target, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    using (page)
                    {
                        count += StringList(page.RootElement, "nodegroups", "ListNodegroups", name).Count;
                    }
                }

                nodegroups = count;
            }
            catch (AwsServiceException ex)
            {
                missing.Add("ManagedNodeGroupCount");
                warnings.Add($"Cluster '{name}': cannot list managed node groups, so ManagedNodeGroupCount is unknown (this answer is partial). {ex.Message}");
            }
        }

        JsonElement described = cluster;
        AutoModeClusterInfo info = AwsServiceException.ReadResponse("EKS", "DescribeCluster", name,
            () => Analyze(described, _session.Region, addons, nodegroups, warnings));
        return info with { MissingData = missing };
    }

    /// <summary>
    /// A list-operation page's string array (<paramref name="property"/>); a missing property is an empty page,
    /// anything else that is not an array of strings is <see cref="AwsServiceException.InvalidResponse"/>.
    /// </summary>
    private static IReadOnlyList<string> StringList(JsonElement page, string property, string operation, object? target)
    {
        if (!page.TryGetProperty(property, out JsonElement list) || list.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<string>();
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw AwsServiceException.InvalidResponse("EKS", operation, $"'{property}' as a JSON {list.ValueKind.ToString().ToLowerInvariant()} instead of a list", target);
        }

        var names = new List<string>(list.GetArrayLength());
        foreach (JsonElement item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString()))
            {
                throw AwsServiceException.InvalidResponse("EKS", operation, $"an entry of '{property}' that is not a name (JSON {item.ValueKind.ToString().ToLowerInvariant()})", target);
            }

            names.Add(item.GetString()!);
        }

        return names;
    }

    /// <summary>Judges one DescribeCluster <c>cluster</c> object (pure; public for tests).</summary>
    public static AutoModeClusterInfo Analyze(JsonElement cluster, string region, IReadOnlyList<string>? installedAddons, int? managedNodeGroups,
        IReadOnlyList<string>? warnings = null)
    {
        AutoModeClusterFacts facts = AutoModeClusterFacts.Value;
        string name = Str(cluster, "name") ?? "(unnamed)";
        bool compute = Flag(cluster, "computeConfig", "enabled");
        bool storage = Flag(cluster, "storageConfig", "blockStorage", "enabled");
        bool elb = Flag(cluster, "kubernetesNetworkConfig", "elasticLoadBalancing", "enabled");
        AutoModeState mode = compute && storage && elb ? AutoModeState.Auto
            : !compute && !storage && !elb ? AutoModeState.Standard
            : AutoModeState.PartiallyEnabled;

        var pools = new List<string>();
        if (Child(cluster, "computeConfig", "nodePools") is { ValueKind: JsonValueKind.Array } arr)
        {
            pools.AddRange(arr.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!));
        }

        var builtIn = pools.Where(p => facts.BuiltInNodePools.Contains(p, StringComparer.Ordinal)).Distinct().ToList();
        var unknown = pools.Where(p => !facts.BuiltInNodePools.Contains(p, StringComparer.Ordinal)).Distinct().ToList();
        string? roleArn = Child(cluster, "computeConfig", "nodeRoleArn") is { ValueKind: JsonValueKind.String } r ? r.GetString() : null;
        string? roleName = roleArn is null ? null : roleArn[(roleArn.LastIndexOf('/') + 1)..];

        var advice = new List<string>();
        if (mode == AutoModeState.PartiallyEnabled)
        {
            advice.Add($"Auto Mode is partially enabled (compute {OnOff(compute)}, block storage {OnOff(storage)}, load balancing {OnOff(elb)}). " +
                "Compute, block storage and load balancing must be enabled or disabled together, in one UpdateClusterConfig call " +
                $"(aws eks update-cluster-config with computeConfig, storageConfig and kubernetesNetworkConfig). See {facts.EnableTogetherUrl}");
        }

        foreach (string pool in unknown)
        {
            string? suggestion = facts.BuiltInNodePools.OrderBy(b => Distance(pool.ToLowerInvariant(), b)).FirstOrDefault(b => Distance(pool.ToLowerInvariant(), b) <= 3);
            advice.Add($"'{pool}' in computeConfig.nodePools is not a built-in node pool, so no pool is created for it" +
                (suggestion is null ? "." : $"; did you mean '{suggestion}'?") +
                $" Valid names (case-sensitive): {string.Join(", ", facts.BuiltInNodePools)}.");
        }

        if (compute && builtIn.Count > 0 && roleArn is null)
        {
            advice.Add("Built-in node pools are enabled but computeConfig.nodeRoleArn is empty; the built-in pools need a node role.");
        }

        if (compute && pools.Count == 0)
        {
            advice.Add("No built-in node pools are enabled: workloads need a custom NodePool and NodeClass (with an EC2 access entry for its node role).");
        }

        var redundant = new List<RedundantAddon>();
        if (compute && installedAddons is not null)
        {
            string keep = managedNodeGroups is > 0
                ? $" Keep it until the {managedNodeGroups} managed node group(s) and any other non-Auto nodes are migrated, then delete it."
                : managedNodeGroups == 0 ? " No managed node groups remain; delete it once no self-managed or Fargate nodes need it." : " Delete it once no non-Auto nodes need it.";
            foreach (var fact in facts.RedundantAddons.Where(f => installedAddons.Contains(f.Name, StringComparer.Ordinal)))
            {
                redundant.Add(new RedundantAddon(fact.Name, fact.Component,
                    $"Auto Mode nodes get {fact.Component} from Auto Mode itself; the '{fact.Name}' add-on only serves non-Auto nodes.{keep}", fact.SourceUrl));
            }
        }

        DateTimeOffset? created = Child(cluster, "createdAt") is { } c
            ? c.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds((long)(c.GetDouble() * 1000))
            : c.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(c.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d : null
            : null;

        return new AutoModeClusterInfo
        {
            Name = name,
            Region = region,
            Arn = Str(cluster, "arn"),
            Version = Str(cluster, "version"),
            PlatformVersion = Str(cluster, "platformVersion"),
            Status = Str(cluster, "status"),
            Mode = mode,
            ComputeEnabled = compute,
            BlockStorageEnabled = storage,
            LoadBalancingEnabled = elb,
            NodePools = pools,
            BuiltInNodePools = builtIn,
            UnknownNodePools = unknown,
            NodeRoleArn = roleArn,
            NodeRoleName = roleName,
            InstalledAddons = installedAddons ?? Array.Empty<string>(),
            RedundantAddons = redundant,
            ManagedNodeGroupCount = managedNodeGroups,
            SupportType = Child(cluster, "upgradePolicy", "supportType") is { ValueKind: JsonValueKind.String } s ? s.GetString() : null,
            Endpoint = Str(cluster, "endpoint"),
            CreatedAt = created,
            Advice = advice,
            Warnings = warnings ?? Array.Empty<string>(),
        };
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? Child(JsonElement e, params string[] path)
    {
        JsonElement current = e;
        foreach (string p in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(p, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    private static bool Flag(JsonElement e, params string[] path) => Child(e, path) is { ValueKind: JsonValueKind.True };

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
